// What a query worker renders from its store besides query answers: each resource's page and RDF forms.
import type * as RDF from '@rdfjs/types';
import type { Store } from '../store/store.ts';
import type { QueryResponse } from './engine.ts';
import { fallbackHtml, writeRdf, type ResourceMediaType } from './dereference.ts';
import { RDF as RDF_NS, SCHEMA } from '../vocab.ts';

export type PageRequest = { kind: 'resource'; iri: string; mediaType: ResourceMediaType; base: string | undefined };

export class StorePages {
  private constructor(
    private readonly store: Store,
    /** The IRIs typed schema:Dataset: the server finds the base its resources are minted under from them. */
    readonly datasetIris: string[],
    /** A named graph's IRI dereferences to the graph's statements. */
    private readonly namedGraphs: ReadonlySet<string>,
  ) {}

  static async create(store: Store, namedGraphs: Iterable<string> = []): Promise<StorePages> {
    const result = await store.query(`SELECT ?d WHERE { ?d <${RDF_NS('type').value}> <${SCHEMA('Dataset').value}> }`);
    const iris: string[] = [];
    if (result.type === 'bindings') for await (const row of result.bindings) iris.push(row.get('d')!.value);
    return new StorePages(store, iris.sort(), new Set(namedGraphs));
  }

  /** The statements of a named graph, as the graph's own document. */
  private async graph(iri: string): Promise<RDF.Quad[]> {
    const result = await this.store.query(`CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <${iri}> { ?s ?p ?o } }`);
    const quads: RDF.Quad[] = [];
    if (result.type === 'quads') for await (const q of result.quads) quads.push(q);
    return quads;
  }

  /** The representation asked for, or undefined when the store says nothing about the resource. */
  async render(request: PageRequest): Promise<QueryResponse | undefined> {
    let quads: RDF.Quad[];
    if (this.namedGraphs.has(request.iri)) quads = await this.graph(request.iri);
    else {
      const description = await this.store.describe(request.iri);
      if (!description) return undefined;
      quads = [...description.own, ...description.incoming, ...description.context];
    }
    const { mediaType, base } = request;
    const body =
      mediaType === 'text/html'
        ? fallbackHtml(request.iri, quads, await writeRdf(quads, 'application/ld+json', base), base)
        : await writeRdf(quads, mediaType, base);
    return { body, mediaType, truncated: false, rows: quads.length };
  }
}
