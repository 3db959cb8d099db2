// What a query worker renders from its store besides query answers: each resource's page and RDF forms, named-graph
// documents, the home page and the lists. Made once per build the store holds.
import type * as RDF from '@rdfjs/types';
import type { ChangeSet, Store } from '../store/store.ts';
import type { QueryResponse } from './engine.ts';
import { fallbackHtml, writeRdf, type ResourceMediaType } from './dereference.ts';
import { createRenderer, type Renderer } from './resource-render.ts';
import { ListIndex } from './list-index.ts';
import { renderHome, renderListPage } from './list-pages.ts';
import { readSiteDocuments } from '../publish/site-documents.ts';
import { RDF as RDF_NS, SCHEMA } from '../vocab.ts';

export type PageRequest =
  | { kind: 'resource'; iri: string; mediaType: ResourceMediaType; base: string | undefined }
  /** The home page (`/`) or a list (`/list/…`), with the query string's parameters. */
  | { kind: 'list'; path: string; search: string };

/** A page, a published file that stands for it (a dump is the dataset's RDF), or a refusal with its status. */
export type PageOutcome =
  | { kind: 'body'; response: QueryResponse }
  | { kind: 'file'; file: string }
  | { kind: 'refused'; status: number; message: string };

export interface StorePagesOptions {
  /** The build the store was loaded from: the catalogue and VoID, which describe its files, are read from it. */
  outDir: string;
  namedGraphs?: Iterable<string>;
  /** Rows per request when the list index reads the store (an external store may cut long answers). */
  pageRows?: number;
  /**
   * Whether pages may go without the catalogue and VoID when `outDir` holds none (an external store served with no
   * build at hand): the pages then list no downloads. A build without them is damaged, and is refused otherwise.
   */
  documentsOptional?: boolean;
  /**
   * The pages of the state the store held before it applied `change`: their list index is moved by the change set
   * (only the resources of the changed graphs are read again) instead of built afresh.
   */
  previous?: { pages: StorePages; change: ChangeSet; subjectsBefore: readonly string[] };
}

export class StorePages {
  private constructor(
    private readonly store: Store,
    /** The IRIs typed schema:Dataset: the server finds the base its resources are minted under from them. */
    readonly datasetIris: string[],
    /** A named graph's IRI dereferences to the graph's statements. */
    private readonly namedGraphs: ReadonlySet<string>,
    private readonly renderer: Renderer | undefined,
    private readonly lists: ListIndex | undefined,
  ) {}

  static async create(store: Store, options: StorePagesOptions): Promise<StorePages> {
    const result = await store.query(`SELECT ?d WHERE { ?d <${RDF_NS('type').value}> <${SCHEMA('Dataset').value}> }`);
    const iris: string[] = [];
    if (result.type === 'bindings') for await (const row of result.bindings) iris.push(row.get('d')!.value);
    iris.sort();
    const base = iris.find((iri) => iri.endsWith('/dataset'))?.slice(0, -'dataset'.length);
    // A store holding no projectgraph dataset (a bare N-Quads file) still answers queries and graph documents.
    let renderer: Renderer | undefined;
    let lists: ListIndex | undefined;
    if (base !== undefined) {
      const documents = await readSiteDocuments(options.outDir).catch((e: unknown) => {
        if (options.documentsOptional) return { catalog: [], void: [] };
        throw e;
      });
      const before = options.previous;
      renderer = await createRenderer(
        store,
        base,
        documents,
        before?.pages.renderer && before.pages.lists?.base === base
          ? { ...before, renderer: before.pages.renderer }
          : undefined,
      );
      const listsBefore = options.previous?.pages.lists;
      lists =
        listsBefore?.base === base
          ? await listsBefore.apply(options.previous!.change, store)
          : await ListIndex.build(store, base, options.pageRows ? { pageRows: options.pageRows } : {});
    }
    return new StorePages(store, iris, new Set(options.namedGraphs ?? []), renderer, lists);
  }

  /** Every IRI that answers: the resources with pages and the named graphs (the server knows them without a query). */
  addresses(): string[] {
    return [...(this.renderer?.resources ?? []), ...this.namedGraphs];
  }

  /** The representation asked for, or undefined when the store has nothing at that address. */
  async render(request: PageRequest): Promise<PageOutcome | undefined> {
    if (request.kind === 'list') return this.list(request.path, new URLSearchParams(request.search));
    const { iri, mediaType, base } = request;
    if (this.namedGraphs.has(iri)) {
      const quads = await this.graph(iri);
      const body = await writeRdfOrTable(iri, quads, mediaType, base);
      return { kind: 'body', response: { body, mediaType, truncated: false, rows: quads.length } };
    }
    const rendered = await this.renderer?.render(iri, mediaType);
    if (!rendered) return undefined;
    if (rendered.kind === 'dump') return { kind: 'file', file: rendered.file };
    return { kind: 'body', response: { body: rendered.body, mediaType, truncated: false, rows: 0 } };
  }

  private list(path: string, params: URLSearchParams): PageOutcome | undefined {
    if (!this.lists || !this.renderer) return undefined;
    const { site, downloads } = this.renderer;
    if (path === '/') {
      const body = renderHome(this.lists, site, [...downloads]);
      return { kind: 'body', response: { body, mediaType: 'text/html', truncated: false, rows: 0 } };
    }
    const answer = renderListPage(this.lists, site, path, params);
    if (!answer) return undefined;
    if (answer.status !== 200) return { kind: 'refused', status: answer.status, message: answer.message ?? '' };
    return { kind: 'body', response: { body: answer.body, mediaType: 'text/html', truncated: false, rows: 0 } };
  }

  /** The statements of a named graph, as the graph's own document. */
  private async graph(iri: string): Promise<RDF.Quad[]> {
    const result = await this.store.query(`CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <${iri}> { ?s ?p ?o } }`);
    const quads: RDF.Quad[] = [];
    if (result.type === 'quads') for await (const q of result.quads) quads.push(q);
    return quads;
  }
}

/** A named graph as RDF, or as a plain page of its statements with its JSON-LD: a graph has no page of its own. */
async function writeRdfOrTable(
  iri: string,
  quads: RDF.Quad[],
  mediaType: ResourceMediaType,
  base: string | undefined,
): Promise<string> {
  if (mediaType !== 'text/html') return writeRdf(quads, mediaType, base);
  return fallbackHtml(iri, quads, await writeRdf(quads, 'application/ld+json', base), base);
}
