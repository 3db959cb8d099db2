// The store interface serve depends on: SPARQL over the published named graphs, one resource's description, the
// list of graphs, moving to a new build by a change set.
import type * as RDF from '@rdfjs/types';
import { ProjectgraphError } from '../errors.ts';

/** A SPARQL query as text, or as algebra (the traqula / Comunica algebra the query policy produces). */
export type StoreOperation = string | { type: string; [key: string]: unknown };

export interface QueryOptions {
  /** Base IRI for relative IRIs in a query given as text. */
  baseIri?: string;
  /**
   * The protocol's dataset (default-graph-uri / named-graph-uri). When either is given it replaces the query's
   * own FROM / FROM NAMED, as SPARQL 1.1 Protocol §2.1.4 says. Without both, the default graph is the union of
   * the published graphs and every published graph is a named graph.
   */
  defaultGraphs?: readonly string[];
  namedGraphs?: readonly string[];
  /** Stops waiting for the result. An in-process store cannot interrupt a running evaluation: see worker.ts. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Rows of a SELECT: each binding maps a variable name (without `?`) to a term; unbound variables are absent. */
export interface BindingsResult {
  type: 'bindings';
  variables: string[];
  bindings: AsyncIterable<ReadonlyMap<string, RDF.Term>>;
}

export interface QuadsResult {
  type: 'quads';
  quads: AsyncIterable<RDF.Quad>;
}

export interface BooleanResult {
  type: 'boolean';
  value: boolean;
}

export type QueryResult = BindingsResult | QuadsResult | BooleanResult;

/** What a resource's pages are made from. Statements are triples of the default graph (the union). */
export interface Description {
  /** The statements about the resource and about its fragments (`<r>#record`), which share its page. */
  own: RDF.Quad[];
  /** Statements of other resources that point at the resource or one of its fragments. */
  incoming: RDF.Quad[];
  /**
   * The types and labels of everything the resource links to or is linked from; of a fragment of another resource
   * among them (`<project>#source`) every statement, as a page shows it whole (its wiki page, its JSON-LD node).
   */
  context: RDF.Quad[];
}

export interface GraphInfo {
  /** The graph's IRI. */
  name: string;
  triples: number;
  /** sha256 (hex) of the graph's sorted N-Triples lines, as graphs.json states it (for a store loaded from a build). */
  hash?: string;
}

/** One build's change to the store: the new content of every graph that changed (absent content: the graph is gone). */
export interface ChangeSet {
  /** The state (graphs.json `state`) the store must be in for the change to apply. */
  from: string;
  /** The state it is in afterwards. */
  to: string;
  sequence: number;
  graphs: { name: string; hash?: string; quads?: readonly RDF.Quad[] }[];
}

export interface Store {
  query(operation: StoreOperation, options?: QueryOptions): Promise<QueryResult>;
  /** The statements a resource's page shows; undefined when nothing is said about it. */
  describe(iri: string): Promise<Description | undefined>;
  graphs(): Promise<GraphInfo[]>;
  /** Drops and reloads only the graphs the change set names; refuses (StoreStateError) one for another state. */
  apply(changeSet: ChangeSet): Promise<void>;
  /** The number of distinct triples of the default graph (the union of the graphs). */
  size(): Promise<number>;
  /** The graphs.json state the store holds, when it was loaded from a build. */
  readonly state: string | undefined;
}

/** A change set for another state than the store's: the caller reloads from the dump instead. */
export class StoreStateError extends ProjectgraphError {
  declare readonly code: 'STORE_LOAD';
  constructor(
    readonly expected: string,
    readonly actual: string | undefined,
  ) {
    super(
      'STORE_LOAD',
      `the change set applies to state ${expected}, but the store holds ${actual ?? 'an unknown state'}`,
    );
    this.name = 'StoreStateError';
  }
}

/** The query used SERVICE with an endpoint that is not allow-listed; nothing was sent anywhere. */
export class ServiceRefusedError extends ProjectgraphError {
  declare readonly code: 'QUERY_REFUSED';
  constructor(readonly endpoint: string) {
    super(
      'QUERY_REFUSED',
      `SERVICE <${endpoint}> is not allowed: this endpoint only queries the endpoints its operator allow-listed`,
    );
    this.name = 'ServiceRefusedError';
  }
}

/** An update reached the store, which serves published builds and changes only by apply(). */
export class UpdateRefusedError extends ProjectgraphError {
  declare readonly code: 'QUERY_REFUSED';
  constructor() {
    super('QUERY_REFUSED', 'SPARQL Update is not allowed: the store is read-only');
    this.name = 'UpdateRefusedError';
  }
}

/** A build the store cannot load (dataset.nq missing, unreadable or not N-Quads): nothing is served from it. */
export class StoreLoadFailure extends ProjectgraphError {
  declare readonly code: 'STORE_LOAD';
  constructor(
    readonly file: string,
    readonly detail: string,
    cause?: unknown,
    /** False when building again would not help (the build is too large for the store). */
    readonly rebuildHelps = true,
  ) {
    super('STORE_LOAD', `cannot load ${file}: ${detail.replace(/\.$/, '')}`, { cause });
    this.name = 'StoreLoadFailure';
  }
}

/** A build's graphs.json that cannot be read: the build on disk is damaged. */
export function damagedManifest(file: string, problem: string): ProjectgraphError {
  return new ProjectgraphError('BUILD_DAMAGED', `${file} ${problem}: run "projectgraph build" again`);
}
