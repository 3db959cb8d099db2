// The query pool of `serve`: query workers on the one worker pool (workers/pool.ts), whose failures it words as the
// endpoint's errors; bounded concurrency and queue, and a time limit enforced by terminating the worker.
import { WorkerPool, WorkerPoolError, workerMemoryMb } from '../workers/pool.ts';
import type { Answer } from './answer.ts';
import type { LoadedStore, PoolRequest, QueryReply, WorkerInit, WorkerTask } from './query-worker.ts';
import type { PageRequest } from './store-pages.ts';
import { PolicyError } from './query-policy.ts';
import path from 'node:path';
import { ProjectgraphError, invariant } from '../errors.ts';
import { StoreLoadFailure } from '../store/store.ts';

/** All workers are busy and the queue is full (→ 503 with Retry-After). */
export class BusyError extends ProjectgraphError {
  declare readonly code: 'QUERY_BUSY';
  constructor(readonly retryAfterSeconds: number) {
    super('QUERY_BUSY', 'too many queries at once; try again shortly');
    this.name = 'BusyError';
  }
}

/** The query ran into the time limit and was stopped (→ 503). */
export class QueryTimeoutError extends ProjectgraphError {
  declare readonly code: 'QUERY_TIMEOUT';
  constructor(readonly seconds: number) {
    super('QUERY_TIMEOUT', `the query was stopped after ${seconds} s, the time limit of this endpoint`);
    this.name = 'QueryTimeoutError';
  }
}

/** The query needed more memory than a worker may have; its worker was replaced (→ 500, with this message). */
export class QueryMemoryError extends ProjectgraphError {
  declare readonly code: 'QUERY_MEMORY';
  constructor(readonly memoryMb: number) {
    const message = `the query needed more than the ${memoryMb} MB of memory a query may use here, and was stopped`;
    super('QUERY_MEMORY', message);
    this.name = 'QueryMemoryError';
  }
}

/** The worker failed while running the query (→ 500, without the details). */
export class QueryFaultError extends ProjectgraphError {
  declare readonly code: 'QUERY_FAULT';
  constructor(readonly detail: string) {
    super('QUERY_FAULT', 'the query could not be evaluated');
    this.name = 'QueryFaultError';
  }
}

export interface StoreInfo {
  namedGraphs: ReadonlySet<string>;
  size: number;
  datasetIris: string[];
  /** The graphs.json state of the build the store holds. */
  state: string | undefined;
  /** Every IRI the store answers for (pages, graph documents), when known without asking the store. */
  addresses?: ReadonlySet<string>;
}

export interface PoolOptions {
  /** The build the workers load (resolved, not the `output` link). */
  outDir: string;
  /** SPARQL endpoints SERVICE may name. */
  allowService?: string[];
  workers: number;
  queueLimit: number;
  timeoutMs: number;
  /** The longest a query waits in the queue for a worker before it is turned away (503); default 1 s. */
  queueWaitMs?: number;
  /** Heap limit of each worker (old generation), in MB. */
  memoryMb?: number;
  /** Told while a worker loads the store: bytes of dataset.nq it has read. */
  onLoading?: (bytes: number) => void;
}

const WORKER_MODULE = new URL('./query-worker.ts', import.meta.url);

type Workers = WorkerPool<WorkerTask, QueryReply, LoadedStore, number>;

const toInfo = (loaded: LoadedStore): StoreInfo => ({
  namedGraphs: new Set(loaded.namedGraphs),
  size: loaded.size,
  datasetIris: loaded.datasetIris,
  state: loaded.state,
  addresses: new Set(loaded.addresses),
});

export class QueryPool {
  /** Queries handed to the pool, for tests and the log. */
  queries = 0;
  /** Moves to a new build, and how the last one was made. */
  switches = 0;
  lastSwitch: LoadedStore['via'] | undefined;

  private constructor(
    private readonly workers: Workers,
    private readonly options: PoolOptions,
    /** The store every worker holds once a move is over; during one, the moved workers'. */
    public info: StoreInfo,
  ) {}

  /** Starts every worker and waits until each has loaded the store; fails if the store cannot be loaded. */
  static async start(options: PoolOptions): Promise<{ pool: QueryPool; info: StoreInfo }> {
    let workers: Workers;
    try {
      workers = await WorkerPool.start<WorkerInit, WorkerTask, QueryReply, LoadedStore, number>({
        module: WORKER_MODULE,
        name: 'query worker',
        workers: options.workers,
        workerData: { outDir: options.outDir, allowService: options.allowService ?? [] },
        timeoutMs: options.timeoutMs,
        queueLimit: options.queueLimit,
        // A queued query waits briefly for a worker, then is turned away: not made to wait out a whole time limit.
        queueTimeoutMs: Math.min(options.queueWaitMs ?? 1000, options.timeoutMs),
        ...(options.memoryMb ? { memoryMb: options.memoryMb } : {}),
        ...(options.onLoading ? { onStarting: options.onLoading } : {}),
      });
    } catch (e) {
      throw loadError(e, options);
    }
    const loaded = workers.info;
    invariant(loaded, 'no query worker started');
    const pool = new QueryPool(workers, options, toInfo(loaded));
    return { pool, info: pool.info };
  }

  /** Each worker's JavaScript heap bound, in MB (its store's WebAssembly memory is outside it). */
  get memoryMb(): number {
    return this.workers.memoryMb;
  }

  get busyWorkers(): number {
    return this.workers.busyWorkers;
  }

  /** Workers that have loaded the store and can take queries (a replaced one counts once it is ready). */
  get readyWorkers(): number {
    return this.workers.readyWorkers;
  }

  /** Terminations because of the time limit, for tests and the log. */
  get timeouts(): number {
    return this.workers.timeouts;
  }

  /** Runs one query on a free worker, queueing briefly when all are busy. */
  async run(request: PoolRequest): Promise<Answer> {
    this.queries += 1;
    const answer = await this.task({ kind: 'query', request });
    invariant(answer && 'body' in answer, 'a query gave no answer');
    return answer;
  }

  /**
   * A resource's page or RDF, a named graph, the home page or a list, rendered from the store; the name of a published
   * file when that file is the representation; undefined when the store has nothing at that address.
   */
  page(request: PageRequest): Promise<Answer | { file: string } | undefined> {
    return this.task({ kind: 'page', request });
  }

  /**
   * Moves the workers to the build in `outDir` (by its change set where one leads there), one worker at a time
   * while the others answer; resolves once all hold it.
   */
  async switchTo(outDir: string): Promise<StoreInfo> {
    this.options.outDir = outDir;
    let moved: LoadedStore | undefined;
    await this.workers.renew(
      { kind: 'switch', outDir },
      { outDir, allowService: this.options.allowService ?? [] },
      (r) => {
        if (r.kind !== 'switched') return;
        moved = r.info;
        this.info = toInfo(r.info);
      },
    );
    this.switches += 1;
    this.lastSwitch = moved?.via ?? 'load';
    return this.info;
  }

  private async task(task: WorkerTask): Promise<Answer | { file: string } | undefined> {
    let reply: QueryReply;
    try {
      reply = await this.workers.run(task);
    } catch (e) {
      throw this.queryError(e);
    }
    if (reply.kind === 'refused') throw new PolicyError(reply.message, reply.status, reply.code);
    if (reply.kind === 'file') return { file: reply.file };
    if (reply.kind !== 'answer') return undefined;
    const { body, ...rest } = reply.answer;
    return { ...rest, body: Buffer.from(body.buffer, body.byteOffset, body.length) };
  }

  close(): Promise<void> {
    return this.workers.close();
  }

  private queryError(e: unknown): unknown {
    if (!(e instanceof WorkerPoolError)) return e;
    switch (e.reason) {
      case 'timeout':
        return new QueryTimeoutError(this.options.timeoutMs / 1000);
      case 'memory':
        return new QueryMemoryError(this.workers.memoryMb);
      case 'queue-full':
      case 'queue-timeout':
        return new BusyError(Math.max(1, Math.ceil(this.options.timeoutMs / 1000)));
      case 'closed':
        return new BusyError(5);
      case 'failed':
        return new QueryFaultError(e.remote?.message ?? e.message);
      case 'start':
      case 'crash':
        return new QueryFaultError(e.message);
    }
  }
}

/** Why the workers could not load the store, in the words `serve` shows. */
function loadError(e: unknown, options: PoolOptions): unknown {
  if (!(e instanceof WorkerPoolError)) return e;
  const dump = path.join(options.outDir, 'dataset.nq');
  if (e.reason === 'memory') {
    const memory = new QueryMemoryError(workerMemoryMb(options.memoryMb || undefined));
    return new StoreLoadFailure(dump, `${memory.message} (loading the store); raise serve --worker-memory`);
  }
  if (e.reason === 'start' && e.remote) {
    // The store's own load failure names its file and what went wrong: said once, not wrapped in another.
    const { code, file, detail, rebuildHelps } = e.remote.details;
    if (code === 'STORE_LOAD' && typeof file === 'string' && typeof detail === 'string')
      return new StoreLoadFailure(file, detail, undefined, rebuildHelps !== false);
    return new StoreLoadFailure(dump, e.remote.message);
  }
  return e;
}
