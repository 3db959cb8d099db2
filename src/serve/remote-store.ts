// serve --store: the endpoint and the pages answered from an external store's SPARQL endpoint instead of an embedded
// copy, through the same engine (Comunica in front, whole operations), policy, limits and page rendering.
import { createEngine, executeQuery, type Engine } from './engine.ts';
import { parseQuery, PolicyError } from './query-policy.ts';
import { StoreLoadFailure } from '../store/store.ts';
import { BusyError, QueryFaultError, QueryTimeoutError, type StoreInfo } from './worker-pool.ts';
import type { PoolRequest } from './query-worker.ts';
import { mediaTypeForForm } from './admission.ts';
import { toAnswer, type Answer } from './answer.ts';
import { StorePages, type PageRequest } from './store-pages.ts';
import { ProjectgraphError } from '../errors.ts';
import { RemoteStore, RemoteStoreUnavailable } from '../store/remote.ts';
import { datasetOf } from '../store/embedded.ts';
import type { Evaluator } from '../store/comunica-source.ts';
import type { StoreOperation } from '../store/store.ts';

export interface RemoteStoreOptions {
  /** The store's SPARQL query endpoint (credentials, if any, in its userinfo). */
  endpoint: string;
  /** The published output: the catalogue and VoID the pages show are read from it. */
  outDir: string;
  /** Queries sent to the store at once; more wait in the queue. */
  concurrency: number;
  queueLimit: number;
  timeoutMs: number;
}

/**
 * Rows per request when the list index reads the store: Virtuoso cuts an answer at 10,000 rows unless configured
 * otherwise, and says nothing about it.
 */
const LIST_PAGE_ROWS = 10_000;

/**
 * Stands in for the worker pool: the same `run` and `page`, the same errors and limits, but each query goes to the
 * store. What keeps the embedded server safe holds here too:
 * - every query is parsed and checked by the same policy before it is sent (no update, LOAD, SERVICE, or
 *   FROM of a graph the dataset lacks), so the store is only ever asked to read;
 * - only the configured endpoint is contacted, and a redirect elsewhere is refused (RemoteStore);
 * - the time limit aborts the request (and so the connection the store works for);
 * - results are cut at the row limit here, whatever the store returns, and written by the same serialisers.
 * The store is read through RemoteStore, which names the dataset in every request (the published graphs when the
 * query names none).
 */
export class RemoteQueryPool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;
  /** Terminations because of the time limit, as the worker pool counts them. */
  timeouts = 0;
  /** Queries sent, as the worker pool counts them. */
  queries = 0;
  readonly readyWorkers: number;
  /** An external store is moved by push, not by serve: there is no switch to report. */
  readonly lastSwitch = undefined;
  private pages: { made: string; pages: Promise<StorePages> } | undefined;

  private constructor(
    private readonly options: RemoteStoreOptions,
    private readonly store: RemoteStore,
    private readonly engine: Engine,
    public info: StoreInfo,
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
      if (e instanceof RemoteStoreUnavailable) throw new StoreLoadFailure(e.where, e.reason);
      throw e;
    }
    // FROM / FROM NAMED may name the dataset's own graphs, as with the embedded store.
    const namedGraphs = graphs.map((g) => g.name);
    const engine = await createEngine(textFirst(store), { namedGraphs });
    const size = graphs.reduce((a, g) => a + g.triples, 0);
    const info: StoreInfo = {
      namedGraphs: new Set(namedGraphs),
      size,
      datasetIris: [...store.datasetIris],
      state: store.state,
    };
    const pool = new RemoteQueryPool(options, store, engine, info);
    return { pool, info };
  }

  async run(pooled: PoolRequest): Promise<Answer> {
    this.queries += 1;
    // The graphs a push added are named graphs too: the list is read again when it is older than RemoteStore's limit.
    const known = new Set(this.store.publishedGraphs);
    const parsed = parseQuery(pooled.query, { baseIri: pooled.baseIri, knownGraphs: known });
    const { mediaTypes, ...rest } = pooled;
    const mediaType = mediaTypeForForm(parsed.form, mediaTypes);
    await this.slot();
    try {
      const engine = { ...this.engine, namedGraphs: known };
      return toAnswer(await executeQuery(engine, { ...rest, query: parsed, mediaType }));
    } catch (e) {
      throw this.queryError(e);
    } finally {
      this.release();
    }
  }

  /** A resource's page or RDF, a list, the home page: rendered from what the store holds. */
  async page(request: PageRequest): Promise<Answer | { file: string } | undefined> {
    await this.slot();
    try {
      const page = await (await this.pagesNow()).render(request);
      if (!page) return undefined;
      if (page.kind === 'file') return { file: page.file };
      if (page.kind === 'refused') throw new PolicyError(page.message, page.status);
      return toAnswer(page.response);
    } catch (e) {
      throw this.queryError(e);
    } finally {
      this.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** The pages of what the store holds now: made again when a push has changed its graphs. */
  private pagesNow(): Promise<StorePages> {
    const made = this.store.publishedGraphs.join('\n');
    if (this.pages?.made !== made) {
      const pages = StorePages.create(this.store, {
        outDir: this.options.outDir,
        namedGraphs: this.store.publishedGraphs,
        pageRows: LIST_PAGE_ROWS,
        documentsOptional: true,
      });
      // A failed make is tried again by the next request.
      pages.catch(() => {
        if (this.pages?.pages === pages) this.pages = undefined;
      });
      this.pages = { made, pages };
    }
    return this.pages.pages;
  }

  /** The store's failures in the words of the worker pool's. */
  private queryError(e: unknown): unknown {
    if (e instanceof PolicyError || e instanceof BusyError) return e;
    if (!(e instanceof ProjectgraphError)) return new QueryFaultError(`the store failed: ${String(e)}`);
    if (e.code === 'QUERY_TIMEOUT') {
      this.timeouts++;
      return new QueryTimeoutError(this.options.timeoutMs / 1000);
    }
    // The store refusing a query our parser accepted is the query's fault (400); anything else is the store's (500).
    if (e.code === 'QUERY_REFUSED') return new PolicyError(e.message, 400);
    return new QueryFaultError(e.message);
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
}

/**
 * The remote store as Comunica's source sees it: a whole query goes as the client's text (the store parses it), with
 * the dataset the request gave; parts of a query as SPARQL made from their algebra.
 */
function textFirst(store: RemoteStore): Evaluator {
  return {
    query: (operation: StoreOperation) => store.query(operation),
    evaluateText: (text, operation, baseIri) => {
      const dataset = datasetOf(operation);
      return store.query(text, {
        ...(baseIri === undefined ? {} : { baseIri }),
        ...(dataset ? { defaultGraphs: dataset.defaultGraphs, namedGraphs: dataset.namedGraphs } : {}),
      });
    },
  };
}
