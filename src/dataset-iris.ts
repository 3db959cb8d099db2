// The dataset's own IRIs, all under its base IRI: fixed resources, documents, services, named graphs, change sets.
import { DataFactory } from 'n3';
import type { NamedNode } from '@rdfjs/types';
import { mintIris } from './map/iri.ts';

const { namedNode } = DataFactory;

/**
 * The paths of the dataset's fixed resources under the base IRI. The static site writes its files at these paths
 * and the server answers on them, so a path here is both an IRI and a place in output/. map/iri.ts mints the
 * dataset's and publisher's IRIs; a test holds its paths to these.
 */
export const DATASET_PATHS = {
  dataset: 'dataset',
  publisher: 'publisher',
  catalog: 'catalog',
  /** Our vocabulary's document; its terms are `def/<term>`. */
  vocabulary: 'def',
  void: 'void',
  sparql: 'sparql',
  /** The server's paged lists (`list/project?q=…`): answered by `projectgraph serve`, no file of output/. */
  lists: 'list',
  sitemap: 'sitemap.xml',
  /** Named graphs live apart from the resources they describe (see publish/named-graphs.ts). */
  graphs: 'graph',
  /** Change sets: `changes/<sequence>.trig` and the graphs of inserts and deletes inside them. */
  changes: 'changes',
} as const;

/** The dataset graph's name under the graphs' prefix: the dataset's own description and our vocabulary. */
export const DATASET_GRAPH = 'dataset';

/** The namespace IRI of our own vocabulary's terms: under its document, so each term resolves to a page. */
export function vocabularyNamespace(base: string): string {
  return `${base}${DATASET_PATHS.vocabulary}/`;
}

/** The IRI at a path under the base (`project/x` → `<base>project/x`): for paths a request or a page names. */
export function iriAt(base: string, local: string): string {
  return base + local;
}

/** Every IRI of the dataset under `base`; the records' own IRIs are minted by map/iri.ts and included here. */
export function datasetIris(base: string) {
  const at = (path: string): NamedNode => namedNode(base + path);
  const catalog = at(DATASET_PATHS.catalog);
  const graphPrefix = `${base}${DATASET_PATHS.graphs}/`;
  return {
    ...mintIris(base),
    home: namedNode(base),
    catalog,
    vocabulary: at(DATASET_PATHS.vocabulary),
    void: at(DATASET_PATHS.void),
    sparql: at(DATASET_PATHS.sparql),
    sitemap: at(DATASET_PATHS.sitemap),
    /** A file of output/ at its address on the site (a dump: "dataset.ttl"). */
    file: (name: string): NamedNode => at(name),
    /** A part of the catalogue (contact point, distributions): a fragment of it, so it needs no page of its own. */
    inCatalog: (fragment: string): NamedNode => namedNode(`${catalog.value}#${fragment}`),
    graphs: {
      prefix: graphPrefix,
      /** The graph of the dataset's own description and our vocabulary. */
      dataset: namedNode(`${graphPrefix}${DATASET_GRAPH}`),
      /** A record's graph: its kind and id, the same stable parts its resource IRI is minted from. */
      record: (kind: string, id: string): NamedNode => namedNode(`${graphPrefix}${kind}/${id}`),
    },
    /** The graph of the statements change set `sequence` adds to or removes from a graph (`local`: its path). */
    change: (sequence: number, kind: 'added' | 'removed', local: string): NamedNode =>
      at(`${DATASET_PATHS.changes}/${sequence}/${kind}/${local}`),
  };
}

export type DatasetIris = ReturnType<typeof datasetIris>;
