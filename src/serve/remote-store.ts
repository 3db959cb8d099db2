// serve --store: answers the endpoint's queries from an external store's SPARQL endpoint instead of memory, under the same policy and limits.
import { QueryEngine } from '@comunica/query-sparql-rdfjs';
import { BindingsFactory } from '@comunica/utils-bindings-factory';
import { ArrayIterator } from 'asynciterator';
import { DataFactory, Writer } from 'n3';
import type * as RDF from '@rdfjs/types';
import { withoutMetadata, xmlPrefixes, type QueryResponse } from './engine.ts';
import { RDF_XML, toRdfXml } from './rdfxml.ts';
import { parseQuery, PolicyError } from './query-policy.ts';
import { BusyError, QueryFaultError, QueryTimeoutError, StoreLoadError, type StoreInfo } from './worker-pool.ts';
import type { PoolRequest } from './query-worker.ts';
import { mediaTypeForForm } from './admission.ts';
import { toAnswer, type Answer } from './answer.ts';
import { toJsonLd } from '../publish/jsonld.ts';
import { ProjectgraphError } from '../errors.ts';
import { RemoteStore, RemoteStoreUnavailable } from '../store/remote.ts';
import type { QueryResult } from '../store/store.ts';
import { SPARQL_RESULTS_NS } from '../vocab.ts';

export interface RemoteStoreOptions {
  /** The store's SPARQL query endpoint (credentials, if any, in its userinfo). */
  endpoint: string;
  /** Queries sent to the store at once; more wait in the queue. */
  concurrency: number;
  queueLimit: number;
  timeoutMs: number;
}

/** A pool request once the query's form has picked its media type. */
type RemoteRequest = Omit<PoolRequest, 'mediaTypes'> & { mediaType: string };

/**
 * Stands in for the worker pool: the same `run`, the same errors and limits, but each query goes to the
 * store. What keeps the embedded server safe holds here too:
 * - every query is parsed and checked by the same policy before it is sent (no update, LOAD, SERVICE, or
 *   FROM of a graph the dataset lacks), so the store is only ever asked to read;
 * - only the configured endpoint is contacted, and a redirect elsewhere is refused;
 * - the time limit aborts the request (and so the connection the store works for);
 * - results are cut at the row limit here, whatever the store returns, and written in the asked format
 *   by the same serialisers as the embedded endpoint.
 * The store itself is read through RemoteStore, which names the dataset in every request (the published graphs
 * when the query names none) and asks for SPARQL JSON or N-Triples, which every store writes alike.
 */
export class RemoteQueryPool {
  private readonly comunica = withoutMetadata(new QueryEngine());
  private readonly bindings = new BindingsFactory(DataFactory as never);
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;
  /** Terminations because of the time limit, as the worker pool counts them. */
  timeouts = 0;
  readonly readyWorkers: number;

  private constructor(
    private readonly options: RemoteStoreOptions,
    private readonly store: RemoteStore,
    private readonly namedGraphs: Set<string>,
  ) {
    this.readyWorkers = options.concurrency;
  }

  get busyWorkers(): number {
    return this.running;
  }

  /** Asks the store for the dataset's IRI, its graphs and size; fails with the reason when the store does not answer. */
  static async start(options: RemoteStoreOptions): Promise<{ pool: RemoteQueryPool; info: StoreInfo }> {
    let store: RemoteStore;
    let graphs: { name: string; triples: number }[];
    try {
      store = await RemoteStore.connect({ endpoint: options.endpoint, timeoutMs: options.timeoutMs });
      graphs = await store.graphs();
    } catch (e) {
      if (e instanceof RemoteStoreUnavailable) throw new StoreLoadError(e.where, e.reason);
      throw e;
    }
    // FROM / FROM NAMED may name the dataset's own graphs, as with the embedded store.
    const pool = new RemoteQueryPool(options, store, new Set(graphs.map((g) => g.name)));
    const size = graphs.reduce((a, g) => a + g.triples, 0);
    return { pool, info: { namedGraphs: pool.namedGraphs, size, datasetIris: [...store.datasetIris] } };
  }

  async run(pooled: PoolRequest): Promise<Answer> {
    // Checked again here, whoever the caller is: nothing but a read of our own graphs reaches the store.
    const parsed = parseQuery(pooled.query, { baseIri: pooled.baseIri, knownGraphs: this.namedGraphs });
    const { mediaTypes, ...rest } = pooled;
    const request: RemoteRequest = { ...rest, mediaType: mediaTypeForForm(parsed.form, mediaTypes) };
    await this.slot();
    try {
      if (parsed.form === 'select' || parsed.form === 'ask')
        return toAnswer(await this.bindingsQuery(request, parsed.form));
      return toAnswer(await this.quadsQuery(request));
    } finally {
      this.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  private slot(): Promise<void> {
    if (this.closed) return Promise.reject(new BusyError(5));
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.queueLimit)
      return Promise.reject(new BusyError(Math.max(1, Math.ceil(this.options.timeoutMs / 1000))));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          const at = this.waiting.indexOf(wake);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(new BusyError(Math.max(1, Math.ceil(this.options.timeoutMs / 1000))));
          // As in the worker pool: a short wait for a free slot, not a whole time limit.
        },
        Math.min(1000, this.options.timeoutMs),
      );
      const wake = () => {
        clearTimeout(timer);
        if (this.closed) return reject(new BusyError(5));
        this.running++;
        resolve();
      };
      this.waiting.push(wake);
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  /** Asks the store, with the protocol's dataset and the endpoint's URL as base; errors as the worker pool's. */
  private async ask(request: RemoteRequest): Promise<QueryResult> {
    try {
      return await this.store.query(request.query, {
        // Relative IRIs resolve against our endpoint's URL, as in the embedded engine, not against the store's.
        baseIri: request.baseIri,
        // A request without default-graph-uri and named-graph-uri has no protocol dataset (lists come empty then).
        ...((request.defaultGraphs?.length ?? 0) + (request.namedGraphs?.length ?? 0) > 0
          ? { defaultGraphs: request.defaultGraphs ?? [], namedGraphs: request.namedGraphs ?? [] }
          : {}),
      });
    } catch (e) {
      if (!(e instanceof ProjectgraphError)) throw new QueryFaultError(`the store failed: ${String(e)}`);
      if (e.code === 'QUERY_TIMEOUT') {
        this.timeouts++;
        throw new QueryTimeoutError(this.options.timeoutMs / 1000);
      }
      // The store refusing a query our parser accepted is the query's fault (400); anything else is the store's (500).
      if (e.code === 'QUERY_REFUSED') throw new PolicyError(e.message, 400);
      throw new QueryFaultError(e.message);
    }
  }

  private async bindingsQuery(request: RemoteRequest, form: 'select' | 'ask'): Promise<QueryResponse> {
    const result = await this.ask(request);
    if (form === 'ask' || result.type === 'boolean')
      return askResponse(result.type === 'boolean' && result.value, request.mediaType);
    if (result.type !== 'bindings') throw new QueryFaultError('the store answered a SELECT with a graph');
    const kept: RDF.Bindings[] = [];
    let truncated = false;
    for await (const row of result.bindings) {
      if (kept.length >= request.maxRows) {
        truncated = true;
        break;
      }
      kept.push(this.bindings.bindings([...row].map(([name, t]) => [DataFactory.variable(name), t])));
    }
    const rows = {
      resultType: 'bindings',
      execute: async () => new ArrayIterator(kept, { autoStart: false }),
      metadata: async () => ({ variables: result.variables.map((v) => DataFactory.variable(v)) }),
    };
    // The same writers as the embedded endpoint; the result object is built here, not by Comunica's query.
    const serialised = await this.comunica.resultToString(rows as never, request.mediaType);
    let body = '';
    for await (const chunk of serialised.data) body += typeof chunk === 'string' ? chunk : String(chunk);
    // As in engine.ts: a carriage return in a literal survives XML only as a character reference.
    if (request.mediaType === 'application/sparql-results+xml') body = body.replace(/\r/g, '&#13;');
    return { body, mediaType: request.mediaType, truncated, rows: kept.length };
  }

  private async quadsQuery(request: RemoteRequest): Promise<QueryResponse> {
    const result = await this.ask(request);
    if (result.type !== 'quads') throw new QueryFaultError('the store answered a CONSTRUCT with rows');
    const quads: RDF.Quad[] = [];
    for await (const q of result.quads) quads.push(q);
    const truncated = quads.length > request.maxRows;
    const kept = truncated ? quads.slice(0, request.maxRows) : quads;
    let body: string;
    if (request.mediaType === 'application/ld+json') body = await toJsonLd(kept, request.jsonLdContext ?? {});
    else if (request.mediaType === RDF_XML) body = await toRdfXml(kept, xmlPrefixes(request.jsonLdContext));
    else {
      const writer = new Writer({ format: request.mediaType === 'application/n-triples' ? 'N-Triples' : 'Turtle' });
      writer.addQuads(kept);
      body = await new Promise<string>((resolve, reject) =>
        writer.end((e, out: string) => (e ? reject(e) : resolve(out))),
      );
    }
    return { body, mediaType: request.mediaType, truncated, rows: kept.length };
  }
}

/** An ASK answer in the asked format; written here as engine.ts does, since Comunica's XML writer fails on booleans. */
function askResponse(answer: boolean, mediaType: string): QueryResponse {
  const body =
    mediaType === 'application/sparql-results+xml'
      ? `<?xml version="1.0"?>\n<sparql xmlns="${SPARQL_RESULTS_NS}">\n  <head></head>\n  <boolean>${String(answer)}</boolean>\n</sparql>\n`
      : mediaType === 'text/csv'
        ? `_askResult\r\n${String(answer)}\r\n`
        : mediaType === 'text/tab-separated-values'
          ? `?_askResult\n${String(answer)}\n`
          : `{"head":{},"boolean":${String(answer)}}\n`;
  return { body, mediaType, truncated: false, rows: 1 };
}
