// The remote store: the Store interface over an external store's SPARQL 1.1 endpoint (Virtuoso after `push`), with
// the dataset made explicit in every request so that it answers as the embedded store does over the same build.
import type * as RDF from '@rdfjs/types';
import { DataFactory, Parser } from 'n3';
import { ProjectgraphError } from '../errors.ts';
import { datasetIris as irisOf } from '../dataset-iris.ts';
import { HttpClient, answerText, describeFailure, redactUrl, splitCredentials } from '../push/http-client.ts';
import { countGraphs } from '../push/store-counts.ts';
import { SCHEMA } from '../vocab.ts';
import { formOf, inspect, toOperation, toSparql, type AlgebraNode } from './embedded.ts';
import type { ChangeSet, Description, GraphInfo, QueryOptions, QueryResult, Store, StoreOperation } from './store.ts';
import { describeBy } from './describe.ts';

export interface RemoteStoreOptions {
  /** The store's SPARQL query endpoint; credentials, if any, in its userinfo (sent only when it asks for them). */
  endpoint: string;
  /** The dataset's base IRI; found in the store (its schema:Dataset) when not given. */
  base?: string;
  /** The time limit of a request when the caller gives none. */
  timeoutMs?: number;
  /**
   * How old the list of published graphs may be before a query has it read again, in the background (default 10 s):
   * a graph a push adds is queryable that long after the push at most.
   */
  refreshMs?: number;
}

/** The store cannot be served from: it does not answer, refuses, or holds no projectgraph dataset. */
export class RemoteStoreUnavailable extends ProjectgraphError {
  declare readonly code: 'STORE_LOAD';
  constructor(
    /** The endpoint, without credentials. */
    readonly where: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super('STORE_LOAD', `cannot load ${where}: ${reason.replace(/\.$/, '')}`, { cause });
    this.name = 'RemoteStoreUnavailable';
  }
}

/** SPARQL JSON results as stores write them. */
type JsonTerm = { type: string; value: string; datatype?: string; 'xml:lang'?: string };
interface JsonResults {
  head?: { vars?: string[] };
  boolean?: boolean;
  results?: { bindings?: Record<string, JsonTerm>[] };
}

/**
 * A graph no store holds, sent as the only default-graph-uri or named-graph-uri of an empty part of a dataset:
 * without either parameter Virtuoso takes every graph it has, its system graphs included.
 */
export const NO_GRAPH = 'urn:projectgraph:no-graph';

/**
 * The most published graphs a query without a dataset names. Virtuoso echoes every protocol graph in a response
 * header (X-SPARQL-default-graph), which Node's fetch refuses past 16 KB (some 250 graphs), and its compiler refuses
 * the IN (…) they become at 11,251 graphs. Past this many, such a query goes without a dataset and the store's own
 * default graph answers (Virtuoso's: every graph it holds, its system graphs included).
 */
export const MAX_LISTED_GRAPHS = 100;

/** Characters an IRI may not hold inside <…> in SPARQL. */
const UNSAFE_IRI = /[\s<>"{}|^`\\]/;

interface Dataset {
  default: readonly string[];
  named: readonly string[];
  /** No dataset parameters at all: the store's own default graph and named graphs. */
  storeDefault?: boolean;
}

/**
 * Reads an external store through its SPARQL endpoint; writing it is push's work (see apply()). The stores this
 * was measured with depart from SPARQL's dataset rules: Virtuoso's default graph without a dataset is every graph
 * it holds (its own system graphs too), a protocol default-graph-uri adds to the query's FROM instead of replacing
 * it, and a default graph alone leaves GRAPH ranging over every graph. So every request names its whole dataset
 * in the protocol's parameters, with the query's own FROM / FROM NAMED moved there, and without a dataset the
 * published graphs (those under the dataset's graph prefix) are the default graph and the named graphs. The
 * published graphs are listed when the store connects and again by refresh() and graphs().
 */
export class RemoteStore implements Store {
  private published: string[] = [];
  private listedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<unknown> | undefined;

  /** The prefix of the published graphs' IRIs (`<base>graph/`). */
  readonly graphPrefix: string;

  private constructor(
    private readonly http: HttpClient,
    private readonly endpoint: URL,
    /** The dataset's base IRI. */
    readonly base: string,
    /** The IRIs of the schema:Dataset resources the store holds. */
    readonly datasetIris: readonly string[],
    private readonly timeoutMs: number,
    private readonly refreshMs: number,
  ) {
    this.graphPrefix = irisOf(base).graphs.prefix;
  }

  /** Connects and lists the published graphs; fails with the reason when the store cannot be served from. */
  static async connect(options: RemoteStoreOptions): Promise<RemoteStore> {
    let parsed: ReturnType<typeof splitCredentials>;
    try {
      parsed = splitCredentials(options.endpoint);
    } catch {
      throw new RemoteStoreUnavailable(options.endpoint, 'the endpoint is not a URL');
    }
    const { url, credentials } = parsed;
    const where = redactUrl(url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RemoteStoreUnavailable(where, 'the endpoint must be an http or https URL');
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    // 'error': a redirect could lead anywhere, and only the configured endpoint may ever be contacted.
    const http = new HttpClient(credentials, timeoutMs, 'error');
    try {
      const datasets =
        options.base !== undefined ? [irisOf(options.base).dataset.value] : await findDatasets(http, url);
      const base = datasets.find((iri) => iri.endsWith('/dataset'))?.slice(0, -'dataset'.length);
      if (base === undefined) {
        const why = 'it holds no projectgraph dataset (no schema:Dataset in a named graph): push a build to it first';
        throw new RemoteStoreUnavailable(where, why);
      }
      const store = new RemoteStore(http, url, base, datasets, timeoutMs, options.refreshMs ?? 10_000);
      await store.refresh();
      return store;
    } catch (e) {
      if (e instanceof RemoteStoreUnavailable) throw e;
      const reason = e instanceof ProjectgraphError ? e.message : `the store did not answer: ${describeFailure(e)}`;
      throw new RemoteStoreUnavailable(where, reason, e);
    }
  }

  /** The store is written by `projectgraph push`, which keeps the pushed state beside the build, not in the store. */
  get state(): string | undefined {
    return undefined;
  }

  /** Lists the published graphs again (after a push added or removed some); returns them with their triples. */
  async refresh(): Promise<GraphInfo[]> {
    const started = performance.now();
    const counts = await countGraphs(this.http, this.endpoint, this.graphPrefix);
    const graphs = [...counts]
      .map(([name, triples]) => ({ name, triples }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.published = graphs.map((g) => g.name);
    this.listedAt = started;
    return graphs;
  }

  /** The published graphs as the last refresh() found them. */
  get publishedGraphs(): readonly string[] {
    return this.published;
  }

  graphs(): Promise<GraphInfo[]> {
    return this.refresh();
  }

  async size(): Promise<number> {
    const rows = await this.select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }', this.union());
    return Number(rows[0]?.n?.value ?? 0);
  }

  /**
   * Refuses: a remote store is brought to a new build by `projectgraph push`, which sends only the changed graphs
   * over the Graph Store protocol, verifies the store's counts and records what the store holds. Writing it from
   * serve as well would need write credentials in the server that answers the public, and two writers of the same
   * store with two records of its state.
   */
  async apply(_changeSet: ChangeSet): Promise<void> {
    throw new ProjectgraphError(
      'STORE_LOAD',
      `the store at ${redactUrl(this.endpoint)} is not written by serve: run "projectgraph push" to bring it to a new build`,
    );
  }

  async query(operation: StoreOperation, options: QueryOptions = {}): Promise<QueryResult> {
    options.signal?.throwIfAborted();
    let algebra = typeof operation === 'string' ? toOperation(operation, options.baseIri) : (operation as AlgebraNode);
    // SERVICE would have the store fetch from wherever the query says; Comunica in front plans allow-listed ones.
    inspect(algebra, new Set());
    let dataset: Dataset | undefined;
    const ownDataset = algebra.type === 'from';
    if (ownDataset) {
      const names = (key: string) => (algebra[key] as RDF.NamedNode[]).map((g) => g.value);
      dataset = { default: names('default'), named: names('named') };
      algebra = algebra.input as AlgebraNode;
    }
    if (options.defaultGraphs !== undefined || options.namedGraphs !== undefined) {
      dataset = { default: options.defaultGraphs ?? [], named: options.namedGraphs ?? [] };
    }
    const form = formOf(algebra);
    // The query's own text when it can go as it is: written back from algebra, IRIs are absolute already.
    const asWritten = typeof operation === 'string' && !ownDataset;
    const base =
      options.baseIri !== undefined && !UNSAFE_IRI.test(options.baseIri) ? `BASE <${options.baseIri}>\n` : '';
    const text =
      algebra.type === 'describe'
        ? describeAsConstruct(algebra)
        : asWritten
          ? `${base}${operation}`
          : toSparql(algebra);
    const request = { dataset: dataset ?? this.union(), signal: options.signal, timeoutMs: options.timeoutMs };
    if (form === 'select' || form === 'ask') {
      const json = await this.results(text, request);
      if (form === 'ask') return { type: 'boolean', value: Boolean(json.boolean) };
      const rows = (json.results?.bindings ?? []).map(
        (row) => new Map(Object.entries(row).map(([name, t]) => [name, fromJson(t)] as const)),
      );
      return { type: 'bindings', variables: json.head?.vars ?? [], bindings: iterate(rows) };
    }
    return { type: 'quads', quads: iterate(await this.quads(text, request)) };
  }

  /**
   * One CONSTRUCT for the resource, its fragments one link away and the links to them, one more for the types
   * and labels of what they link to (and for fragments further away, which the data rarely has).
   */
  async describe(iri: string): Promise<Description | undefined> {
    if (UNSAFE_IRI.test(iri)) return undefined;
    const dataset = this.union();
    return describeBy(iri, (text) => this.quads(text, { dataset }));
  }

  /** The dataset of a query that names none: the published graphs, as default graph (their union) and as named. */
  private union(): Dataset {
    // Past the limit the list goes in no query, so it is not worth a scan of the store (graphs() still reads it).
    if (this.published.length > MAX_LISTED_GRAPHS) return { default: [], named: [], storeDefault: true };
    if (this.refreshing === undefined && performance.now() - this.listedAt > this.refreshMs) {
      // The query goes with the list it has; a store that cannot list its graphs now is asked again next time.
      this.refreshing = this.refresh()
        .catch(() => undefined)
        .finally(() => (this.refreshing = undefined));
    }
    return { default: this.published, named: this.published };
  }

  private async select(text: string, dataset: Dataset): Promise<Record<string, JsonTerm>[]> {
    return (await this.results(text, { dataset })).results?.bindings ?? [];
  }

  private async results(text: string, request: Request): Promise<JsonResults> {
    const body = await this.send(text, 'application/sparql-results+json', request);
    try {
      return JSON.parse(body) as JsonResults;
    } catch {
      throw new ProjectgraphError('QUERY_FAULT', 'the store did not answer with SPARQL JSON results');
    }
  }

  private async quads(text: string, request: Request): Promise<RDF.Quad[]> {
    const body = await this.send(text, 'application/n-triples', request);
    try {
      return new Parser({ format: 'N-Triples' }).parse(body);
    } catch (e) {
      throw new ProjectgraphError('QUERY_FAULT', `the store's N-Triples did not parse: ${describe(e)}`);
    }
  }

  /** POSTs the query with its whole dataset in the protocol's parameters; returns the body of a success. */
  private async send(text: string, accept: string, request: Request): Promise<string> {
    const form = new URLSearchParams({ query: text });
    const { dataset } = request;
    if (!dataset.storeDefault) {
      for (const g of dataset.default.length > 0 ? dataset.default : [NO_GRAPH]) form.append('default-graph-uri', g);
      for (const g of dataset.named.length > 0 ? dataset.named : [NO_GRAPH]) form.append('named-graph-uri', g);
    }
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    let res: Response;
    try {
      res = await this.http.request(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
        body: form.toString(),
        timeoutMs,
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (e) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (e instanceof Error && e.name === 'TimeoutError') {
        throw new ProjectgraphError('QUERY_TIMEOUT', `the store did not answer within ${timeoutMs / 1000} s`);
      }
      throw new ProjectgraphError('STORE_UNREACHABLE', `the store did not answer: ${describeFailure(e)}`, {
        cause: e,
      });
    }
    const body = await res.text();
    if (res.ok) return body;
    const detail = answerText(body, 300);
    // The store refusing a query our parser accepted is the query's fault; anything else is the store's.
    if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403) {
      throw new ProjectgraphError('QUERY_REFUSED', `the store refused the query: ${detail}`);
    }
    throw new ProjectgraphError('QUERY_FAULT', `the store answered HTTP ${res.status}: ${detail}`);
  }
}

interface Request {
  dataset: Dataset;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** The schema:Dataset resources in the store's named graphs; projectgraph's is `<base>dataset`. */
async function findDatasets(http: HttpClient, endpoint: URL): Promise<string[]> {
  const query = `SELECT DISTINCT ?d WHERE { GRAPH ?g { ?d a <${SCHEMA('Dataset').value}> } } LIMIT 10`;
  const res = await http.request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json' },
    body: new URLSearchParams({ query }).toString(),
  });
  const text = await res.text();
  if (!res.ok) {
    const detail = answerText(text);
    throw new ProjectgraphError('STORE_LOAD', `the store answered HTTP ${res.status}: ${detail}`);
  }
  let rows: Record<string, JsonTerm>[];
  try {
    rows = (JSON.parse(text) as JsonResults).results?.bindings ?? [];
  } catch {
    throw new ProjectgraphError('STORE_LOAD', 'the store did not answer with SPARQL JSON results');
  }
  return rows.map((r) => r.d?.value).filter((v): v is string => v !== undefined);
}

/**
 * DESCRIBE as the embedded store answers it, the statements whose subject is a described resource, written as
 * the CONSTRUCT Comunica makes of it: what a store's own DESCRIBE gives differs from store to store.
 */
function describeAsConstruct(describe: AlgebraNode): string {
  const terms = describe.terms as RDF.Term[];
  const input = describe.input as AlgebraNode | undefined;
  const template: string[] = [];
  const branches: string[] = [];
  for (const term of terms) {
    if (term.termType === 'NamedNode') {
      template.push(`<${term.value}> ?__p ?__o .`);
      branches.push(`{ <${term.value}> ?__p ?__o }`);
    } else if (term.termType === 'Variable' && input !== undefined) {
      const chosen = toSparql({
        type: 'distinct',
        input: { type: 'project', input, variables: [DataFactory.variable(term.value)] },
      });
      template.push(`?${term.value} ?__p ?__o .`);
      branches.push(`{ { ${chosen} } ?${term.value} ?__p ?__o }`);
    }
  }
  if (branches.length === 0) return 'CONSTRUCT {} WHERE {}';
  return `CONSTRUCT { ${template.join(' ')} } WHERE { ${branches.join(' UNION ')} }`;
}

function fromJson(t: JsonTerm): RDF.Term {
  if (t.type === 'uri') return DataFactory.namedNode(t.value);
  if (t.type === 'bnode') return DataFactory.blankNode(t.value);
  if (t['xml:lang']) return DataFactory.literal(t.value, t['xml:lang']);
  // 'typed-literal' is the older name some stores (Virtuoso) still write.
  return DataFactory.literal(t.value, t.datatype ? DataFactory.namedNode(t.datatype) : undefined);
}

function iterate<T>(items: readonly T[]): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* items;
    },
  };
}

function describe(e: unknown): string {
  return e instanceof ProjectgraphError ? e.message : describeFailure(e);
}
