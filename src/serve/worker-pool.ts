// A pool of query worker threads: bounded concurrency and queue, and a time limit enforced by terminating the worker.
import type { Worker } from 'node:worker_threads';
import { typescriptWorker } from '../typescript-worker.ts';
import type { Answer } from './answer.ts';
import type { PoolRequest, WorkerInit, WorkerReply, WorkerRequest } from './query-worker.ts';
import { PolicyError } from './query-policy.ts';
import { ProjectgraphError, invariant } from '../errors.ts';

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

/** The data file could not be read or parsed; nothing is served. */
export class StoreLoadError extends ProjectgraphError {
  declare readonly code: 'STORE_LOAD';
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super('STORE_LOAD', `cannot load ${file}: ${detail.replace(/\.$/, '')}`);
    this.name = 'StoreLoadError';
  }
}

export interface StoreInfo {
  namedGraphs: ReadonlySet<string>;
  size: number;
  datasetIris: string[];
}

export interface PoolOptions {
  dataFile: string;
  workers: number;
  queueLimit: number;
  timeoutMs: number;
  /** The longest a query waits in the queue for a worker before it is turned away (503); default 1 s. */
  queueWaitMs?: number;
  /** Heap limit of each worker (old generation), in MB. */
  memoryMb?: number;
  /** Told while a worker loads the store: bytes of the data file it has read. */
  onLoading?: (bytes: number) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  ready: boolean;
}

interface Job {
  request: PoolRequest;
  resolve: (r: Answer) => void;
  reject: (e: Error) => void;
  queuedTimer?: NodeJS.Timeout;
}

const WORKER_MODULE = new URL('./query-worker.ts', import.meta.url);

export class QueryPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<Slot, { id: number; job: Job; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private closed = false;
  /** Terminations because of the time limit, for tests and the log. */
  timeouts = 0;
  /** Queries handed to the pool, for tests and the log. */
  queries = 0;

  private constructor(private readonly options: PoolOptions) {}

  /** Starts every worker and waits until each has loaded the store; fails if the store cannot be loaded. */
  static async start(options: PoolOptions): Promise<{ pool: QueryPool; info: StoreInfo }> {
    const pool = new QueryPool(options);
    let infos: StoreInfo[];
    try {
      infos = await Promise.all(Array.from({ length: Math.max(1, options.workers) }, () => pool.spawn()));
    } catch (e) {
      await pool.close();
      throw e;
    }
    const first = infos[0];
    invariant(first, 'no query worker started');
    return { pool, info: first };
  }

  get busyWorkers(): number {
    return this.running.size;
  }

  /** Workers that have loaded the store and can take queries (a replaced one counts once it is ready). */
  get readyWorkers(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /** Runs one query on a free worker, queueing briefly when all are busy. */
  run(request: PoolRequest): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.queries += 1;
      if (this.closed) return reject(new BusyError(5));
      const job: Job = { request, resolve, reject };
      const free = this.slots.find((s) => s.ready && !s.busy);
      if (free) return this.dispatch(free, job);
      if (this.queue.length >= this.options.queueLimit) return reject(new BusyError(this.retryAfter()));
      // A queued query waits briefly for a worker, then is turned away: not made to wait out a whole time limit.
      job.queuedTimer = setTimeout(() => {
        const at = this.queue.indexOf(job);
        if (at >= 0) this.queue.splice(at, 1);
        reject(new BusyError(this.retryAfter()));
      }, Math.min(this.options.queueWaitMs ?? 1000, this.options.timeoutMs));
      this.queue.push(job);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      clearTimeout(job.queuedTimer);
      job.reject(new BusyError(5));
    }
    for (const [, r] of this.running) clearTimeout(r.timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private retryAfter(): number {
    return Math.max(1, Math.ceil(this.options.timeoutMs / 1000));
  }

  private spawn(): Promise<StoreInfo> {
    const init: WorkerInit = { dataFile: this.options.dataFile };
    const worker = typescriptWorker(WORKER_MODULE, {
      workerData: init,
      ...(this.options.memoryMb ? { resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb } } : {}),
    });
    const slot: Slot = { worker, busy: false, ready: false };
    this.slots.push(slot);
    return new Promise((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'loading') this.options.onLoading?.(reply.bytes);
        else if (reply.kind === 'ready') {
          slot.ready = true;
          resolve({ namedGraphs: new Set(reply.namedGraphs), size: reply.size, datasetIris: reply.datasetIris });
          this.next(slot);
        } else if (reply.kind === 'failed-to-load') {
          reject(new StoreLoadError(this.options.dataFile, reply.message));
          this.remove(slot);
          void worker.terminate();
        } else {
          this.finish(slot, reply);
        }
      });
      worker.on('error', (e: NodeJS.ErrnoException) => {
        const memory = e.code === 'ERR_WORKER_OUT_OF_MEMORY' && this.options.memoryMb ? new QueryMemoryError(this.options.memoryMb) : undefined;
        if (!slot.ready) {
          reject(memory ? new StoreLoadError(this.options.dataFile, `${memory.message} (loading the store); raise serve --worker-memory`) : e);
        }
        this.fail(slot, e.message, memory);
      });
      worker.on('exit', () => this.fail(slot, 'query worker exited'));
    });
  }

  private dispatch(slot: Slot, job: Job): void {
    clearTimeout(job.queuedTimer);
    const id = this.nextId++;
    slot.busy = true;
    const timer = setTimeout(() => this.stop(slot), this.options.timeoutMs);
    this.running.set(slot, { id, job, timer });
    slot.worker.postMessage({ id, request: job.request } satisfies WorkerRequest);
  }

  private finish(slot: Slot, reply: Exclude<WorkerReply, { kind: 'loading' | 'ready' | 'failed-to-load' }>): void {
    const run = this.running.get(slot);
    if (!run || run.id !== reply.id) return;
    clearTimeout(run.timer);
    this.running.delete(slot);
    slot.busy = false;
    if (reply.kind === 'result') {
      const body = Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.length);
      run.job.resolve({ body, etag: reply.etag, mediaType: reply.mediaType, truncated: reply.truncated, rows: reply.rows });
    } else if (reply.kind === 'refused') {
      run.job.reject(new PolicyError(reply.message, reply.status, reply.code));
    } else {
      run.job.reject(new QueryFaultError(reply.message));
    }
    this.next(slot);
  }

  /** The time limit: the worker is terminated mid-evaluation, which frees its CPU and memory at once, and replaced. */
  private stop(slot: Slot): void {
    const run = this.running.get(slot);
    if (!run) return;
    this.running.delete(slot);
    this.timeouts += 1;
    this.remove(slot);
    slot.worker.removeAllListeners('exit');
    void slot.worker.terminate();
    run.job.reject(new QueryTimeoutError(this.options.timeoutMs / 1000));
    this.replace();
  }

  private fail(slot: Slot, detail: string, error?: Error): void {
    if (!this.slots.includes(slot)) return;
    const run = this.running.get(slot);
    this.running.delete(slot);
    this.remove(slot);
    if (run) {
      clearTimeout(run.timer);
      run.job.reject(error ?? new QueryFaultError(detail));
    }
    if (slot.ready) this.replace();
  }

  private replace(): void {
    if (this.closed) return;
    this.spawn().catch(() => {
      // The store loaded before, so a failure here is transient (e.g. memory); the remaining workers keep serving.
    });
  }

  private remove(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
  }

  private next(slot: Slot): void {
    const job = this.queue.shift();
    if (job) this.dispatch(slot, job);
  }
}
