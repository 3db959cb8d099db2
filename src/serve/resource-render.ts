// Renders one resource's page (with its JSON-LD), Turtle, JSON-LD, N-Triples and RDF/XML from a Store, with the
// static site's own rendering code, so what the server answers equals what the build writes.
import type { Literal, Quad } from '@rdfjs/types';
import { DATASET_PATHS, datasetIris, iriAt } from '../dataset-iris.ts';
import { InternalError, ProjectgraphError } from '../errors.ts';
import { downloadsOf } from '../publish/downloads.ts';
import { sortedGraph } from '../publish/graph.ts';
import type { Download } from '../publish/home-page.ts';
import { toJsonLd } from '../publish/jsonld.ts';
import type { Site } from '../publish/page-layout.ts';
import { LABELS, ResourceIndex, pickLanguage } from '../publish/resource-index.ts';
import type { SiteDocuments } from '../publish/site-documents.ts';
import {
  DOCUMENTS,
  SERVICES,
  resourceHtml,
  resourceStatements,
  siteContext,
  siteFor,
  sitePrefixes,
} from '../publish/site.ts';
import { toTurtle } from '../publish/turtle.ts';
import { inVocabularyDocument } from '../publish/vocabulary.ts';
import type { ChangeSet, Store } from '../store/store.ts';
import { RDF, SCHEMA, ownVocabulary } from '../vocab.ts';
import { writeRdf, type ResourceMediaType } from './dereference.ts';

export type { SiteDocuments } from '../publish/site-documents.ts';

const TYPE = RDF('type').value;

/** A representation made here, or one of the dumps, which the server sends as the file the build wrote. */
export type Rendered =
  | { kind: 'body'; body: string; mediaType: ResourceMediaType }
  | {
      kind: 'dump';
      /** The dump's file name in the build ("dataset.ttl"), as the catalogue lists it. */
      file: string;
      mediaType: ResourceMediaType;
    };

export interface Renderer {
  /** The site's words and addresses, taken from the dataset's description in the store. */
  readonly site: Site;
  /** The dumps, from the catalogue, in the order the pages list them. */
  readonly downloads: readonly Download[];
  /** Every IRI with a page of its own (the home page and the SPARQL service excluded), as the static site has them. */
  readonly resources: ReadonlySet<string>;
  /** The store's state (graphs.json `state`) these were computed for. */
  readonly state: string | undefined;
  /**
   * The ancestors of resources' paths (keyword/clusters for keyword/clusters/wonen), whose types and labels a page's
   * crumbs show. After a change set it may hold some no resource has any more: a page asks only for its own.
   */
  readonly folders: ReadonlySet<string>;
  /** One representation of a resource; undefined when the resource has no page. */
  render(iri: string, mediaType: ResourceMediaType): Promise<Rendered | undefined>;
  /** Several representations of one resource, in the order asked, from one reading of the store (export-site). */
  renderEach(iri: string, mediaTypes: readonly ResourceMediaType[]): Promise<Rendered[] | undefined>;
}

/** The renderer of the build before a change set, and the subjects its changed graphs held then. */
export interface PreviousRenderer {
  renderer: Renderer;
  change: ChangeSet;
  /** The subjects of the changed graphs before the change (subjectsOfGraphs, asked before the store applied it). */
  subjectsBefore: readonly string[];
}

/** The subjects the named graphs hold, asked before a change set is applied so the pages know what may have left. */
export function subjectsOfGraphs(store: Store, graphs: readonly string[]): Promise<string[]> {
  return subjectsAmong(store, graphs, (values) => `VALUES ?g { ${values} } GRAPH ?g { ?s ?p ?o }`);
}

/** IRIs named in one query of subjectsAmong: a change set of many graphs is asked about in parts. */
const IRIS_PER_QUERY = 500;

/** The distinct IRI subjects (`?s`) that `pattern` finds, for a list of IRIs put into it in parts as VALUES. */
async function subjectsAmong(
  store: Store,
  iris: readonly string[],
  pattern: (values: string) => string,
): Promise<string[]> {
  const subjects: string[] = [];
  for (let i = 0; i < iris.length; i += IRIS_PER_QUERY) {
    const values = iris
      .slice(i, i + IRIS_PER_QUERY)
      .map((iri) => `<${iri}>`)
      .join(' ');
    const result = await store.query(`SELECT DISTINCT ?s WHERE { ${pattern(values)} }`);
    if (result.type !== 'bindings') throw new InternalError('the store answered a SELECT without rows');
    for await (const row of result.bindings) {
      const s = row.get('s');
      if (s?.termType === 'NamedNode') subjects.push(s.value);
    }
  }
  return subjects;
}

/**
 * A renderer for the build the store holds now. `documents` are the catalogue and VoID, which the store does not
 * hold (readSiteDocuments reads them from the build). Make a new one when the store moves to another build.
 */
export async function createRenderer(
  store: Store,
  base: string,
  documents: SiteDocuments,
  previous?: PreviousRenderer,
): Promise<Renderer> {
  const state = store.state;
  const iris = datasetIris(base);
  const site = await siteOf(store, base);
  const paths = site.paths;
  const downloads = downloadsOf(base, documents.catalog);
  const catalog = sortedGraph(documents.catalog).quads;
  const voidDescription = sortedGraph(documents.void).quads;
  // Appended after the store's statements, as the build appends them after the dump's.
  const shownAfter = [...catalog, ...voidDescription];
  const resources = previous
    ? await movedResources(store, base, shownAfter, previous)
    : await resourcesOf(store, base, shownAfter);
  // A page's crumbs name the ancestors that are resources (keyword → keyword/clusters): their types and labels.
  // After a change set only the resources it brought add any.
  const before = previous?.renderer;
  let folders: ReadonlySet<string> = before?.folders ?? new Set();
  if (resources !== before?.resources) {
    const more = new Set(folders);
    for (const r of resources) {
      if (before?.resources.has(r)) continue;
      const segments = (paths.local(r) ?? '').split('/');
      for (let i = 1; i < segments.length; i++) more.add(iriAt(base, segments.slice(0, i).join('/')));
    }
    folders = more;
  }
  const folderQuads = new Map<string, Quad[]>([...folders].map((f) => [f, []]));
  for (const q of [...(await typesAndLabels(store, folders)), ...shownAfter]) {
    if (q.predicate.value === TYPE || LABELS.includes(q.predicate.value)) folderQuads.get(q.subject.value)?.push(q);
  }
  // The types and labels the store has of what the documents name: a page the documents link to or from (the VoID's
  // example resource) shows them, as the build's page does from the whole graph.
  const named = new Set<string>();
  for (const q of shownAfter) for (const t of [q.subject, q.object]) if (t.termType === 'NamedNode') named.add(t.value);
  const documentContext = await typesAndLabels(store, named);

  const indexFor = async (iri: string): Promise<ResourceIndex> => {
    const d = await store.describe(iri);
    const fromStore = d ? [...d.own, ...d.incoming, ...d.context, ...documentContext] : [...documentContext];
    const segments = (paths.local(iri) ?? '').split('/');
    for (let i = 1; i < segments.length; i++)
      fromStore.push(...(folderQuads.get(iriAt(base, segments.slice(0, i).join('/'))) ?? []));
    return new ResourceIndex([...sortedGraph(fromStore).quads, ...shownAfter], paths);
  };

  /** The whole document a resource's data is, for the documents the build writes whole (DOCUMENTS). */
  const documentQuads = async (local: string): Promise<Quad[]> => {
    if (local === DATASET_PATHS.catalog) return catalog;
    if (local === DATASET_PATHS.void) return voidDescription;
    if (local === DATASET_PATHS.vocabulary) {
      vocabulary ??= vocabularyDocument();
      return vocabulary;
    }
    // The dataset: the whole union, which is what its dumps hold.
    return constructed(store, 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }');
  };
  // Made on first use and kept (a failure is not): it is small, and finding it scans the store.
  let vocabulary: Promise<Quad[]> | undefined;
  const vocabularyDocument = async (): Promise<Quad[]> => {
    const query =
      `CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?s = <${iris.vocabulary.value}> || ` +
      `STRSTARTS(STR(?s), ${JSON.stringify(ownVocabulary(base).iri)})) }`;
    try {
      return sortedGraph(await constructed(store, query)).quads.filter((q) =>
        inVocabularyDocument(base, q.subject.value),
      );
    } catch (e) {
      vocabulary = undefined;
      throw e;
    }
  };

  const renderWith = async (
    iri: string,
    mediaType: ResourceMediaType,
    index: () => Promise<ResourceIndex>,
  ): Promise<Rendered> => {
    const local = paths.local(iri) ?? '';
    const body = (text: string): Rendered => ({ kind: 'body', body: text, mediaType });
    if (mediaType === 'text/html') return body(resourceHtml(await index(), site, iri, downloads));
    if (local === DATASET_PATHS.dataset) {
      const dump = downloads.find((d) => d.mediaType === mediaType);
      if (dump) return { kind: 'dump', file: dump.file, mediaType };
    }
    const quads = (DOCUMENTS as readonly string[]).includes(local)
      ? await documentQuads(local)
      : resourceStatements(await index(), iri);
    if (mediaType === 'text/turtle') return body(await toTurtle(quads, sitePrefixes(base)));
    if (mediaType === 'application/ld+json') return body(await toJsonLd(quads, siteContext(base)));
    return body(await writeRdf(quads, mediaType, base));
  };

  const render = async (iri: string, mediaType: ResourceMediaType): Promise<Rendered | undefined> => {
    if (!resources.has(iri)) return undefined;
    return renderWith(iri, mediaType, () => indexFor(iri));
  };

  const renderEach = async (iri: string, mediaTypes: readonly ResourceMediaType[]): Promise<Rendered[] | undefined> => {
    if (!resources.has(iri)) return undefined;
    // The store is asked once for all the forms: they are made from the same statements.
    let index: Promise<ResourceIndex> | undefined;
    const shared = () => (index ??= indexFor(iri));
    const out: Rendered[] = [];
    for (const type of mediaTypes) out.push(await renderWith(iri, type, shared));
    return out;
  };

  return { site, downloads, resources, state, folders, render, renderEach };
}

/** The site's words (name, licence, publisher) from the dataset's own statements, as the build takes them. */
async function siteOf(store: Store, base: string): Promise<Site> {
  const iris = datasetIris(base);
  const d = await store.describe(iris.dataset.value);
  const about = (s: string, p: string) =>
    [...(d?.own ?? []), ...(d?.context ?? [])].filter((q) => q.subject.value === s && q.predicate.value === p);
  const dutch = (s: string, p: string) =>
    pickLanguage(
      about(s, p)
        .map((q) => q.object)
        .filter((o): o is Literal => o.termType === 'Literal'),
    )?.value;
  const name = dutch(iris.dataset.value, SCHEMA('name').value);
  const licence = about(iris.dataset.value, SCHEMA('license').value)[0]?.object.value;
  const publisher = about(iris.dataset.value, SCHEMA('publisher').value)[0]?.object.value;
  const publisherName = publisher === undefined ? undefined : dutch(publisher, SCHEMA('name').value);
  if (name === undefined || licence === undefined || publisherName === undefined) {
    throw new ProjectgraphError(
      'STORE_LOAD',
      `the store holds no description of the dataset <${iris.dataset.value}> (its name, licence and publisher's name)` +
        ': load a build of this base IRI into it',
    );
  }
  return siteFor(base, { name, licence, publisherName });
}

/** A subject's document: the IRI without its fragment. */
const documentOf = (iri: string) => {
  const hash = iri.indexOf('#');
  return hash === -1 ? iri : iri.slice(0, hash);
};

/** The documents of the subjects under the base that the catalogue and VoID describe (the store does not hold them). */
function shownDocuments(base: string, shownAfter: readonly Quad[]): Set<string> {
  const documents = new Set<string>();
  for (const q of shownAfter)
    if (q.subject.termType === 'NamedNode' && q.subject.value.startsWith(base))
      documents.add(documentOf(q.subject.value));
  return documents;
}

/** The documents that have no page of their own: the home page and the services the server answers itself. */
const withoutPages = (base: string) => new Set<string>([base, ...SERVICES.map((s) => iriAt(base, s))]);

/**
 * The IRIs with pages: the documents (IRIs without their fragment) of every subject under the base, in the store or
 * in the documents beside it, except the home page and the services the server answers itself.
 */
async function resourcesOf(store: Store, base: string, shownAfter: readonly Quad[]): Promise<Set<string>> {
  const result = await store.query(
    `SELECT DISTINCT ?d WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), ${JSON.stringify(base)})) ` +
      'BIND(IF(CONTAINS(STR(?s), "#"), STRBEFORE(STR(?s), "#"), STR(?s)) AS ?d) }',
  );
  if (result.type !== 'bindings') throw new InternalError('the store answered a SELECT without rows');
  const documents = new Set<string>();
  for await (const row of result.bindings) {
    const d = row.get('d');
    if (d) documents.add(d.value);
  }
  for (const d of shownDocuments(base, shownAfter)) documents.add(d);
  const excluded = withoutPages(base);
  return new Set([...documents].filter((d) => !excluded.has(d)).sort());
}

/**
 * The IRIs with pages after a change set, from those before it: only the documents of subjects the changed graphs
 * held before or hold now can have come or gone. One of them is kept while any subject of it is still in the store.
 */
async function movedResources(
  store: Store,
  base: string,
  shownAfter: readonly Quad[],
  previous: PreviousRenderer,
): Promise<ReadonlySet<string>> {
  const candidates = new Set<string>(previous.subjectsBefore);
  for (const g of previous.change.graphs)
    for (const q of g.quads ?? []) if (q.subject.termType === 'NamedNode') candidates.add(q.subject.value);
  const under = [...candidates].filter((iri) => iri.startsWith(base));
  const stated = new Set(
    (await subjectsAmong(store, under, (values) => `VALUES ?s { ${values} } ?s ?p ?o`)).map(documentOf),
  );
  const shown = shownDocuments(base, shownAfter);
  const excluded = withoutPages(base);
  const before = previous.renderer.resources;
  const come: string[] = [];
  const gone = new Set<string>();
  for (const d of new Set(under.map(documentOf))) {
    if (excluded.has(d)) continue;
    if (shown.has(d) || stated.has(d) || (await anyOfDocument(store, d))) {
      if (!before.has(d)) come.push(d);
    } else if (before.has(d)) gone.add(d);
  }
  for (const d of shown) if (!excluded.has(d) && !before.has(d)) come.push(d);
  // The usual edit brings and takes no page: the set before serves on, with no copy of it.
  if (come.length === 0 && gone.size === 0) return before;
  return new Set([...before, ...come].filter((d) => !gone.has(d)).sort());
}

/**
 * Whether the store states anything about the document or one of its fragments: a scan, asked only for a document
 * none of whose subjects in the change is left.
 */
async function anyOfDocument(store: Store, document: string): Promise<boolean> {
  const result = await store.query(
    `ASK { ?s ?p ?o FILTER(isIRI(?s) && (?s = <${document}> || STRSTARTS(STR(?s), ${JSON.stringify(`${document}#`)}))) }`,
  );
  return result.type === 'boolean' && result.value;
}

const LABEL_LIST = [TYPE, ...LABELS].map((p) => `<${p}>`).join(', ');

/** The types and labels the store has of the given IRIs, in one query. */
async function typesAndLabels(store: Store, iris: Iterable<string>): Promise<Quad[]> {
  const values = [...iris].map((i) => `<${i}>`).join(' ');
  if (values === '') return [];
  return constructed(
    store,
    `CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { ${values} } ?s ?p ?o FILTER(?p IN (${LABEL_LIST})) }`,
  );
}

async function constructed(store: Store, query: string): Promise<Quad[]> {
  const result = await store.query(query);
  if (result.type !== 'quads') throw new InternalError('the store answered a CONSTRUCT without quads');
  const quads: Quad[] = [];
  for await (const q of result.quads) quads.push(q);
  return quads;
}
