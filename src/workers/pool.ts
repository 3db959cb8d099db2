// The one pool of worker threads for every parallel step: tasks queue for a free worker, under a time and a memory
// limit; a worker that runs over its time, runs out of memory or crashes fails its task and is replaced.
import { getHeapStatistics } from 'node:v8';
import type { TransferListItem, Worker } from 'node:worker_threads';
import { typescriptWorker } from '../typescript-worker.ts';
import type { RemoteError, TaskMessage, WorkerMessage } from './task-worker.ts';
import { InternalError, ProjectgraphError } from '../errors.ts';

export interface PoolOptions<Init, Report = never> {
  /** The worker module's TypeScript source (a sibling .js runs when compiled); it calls serveTasks. */
  module: URL;
  /** What its threads are called in error messages, e.g. "SHACL worker". */
  name: string;
  workers: number;
  /** Given to every worker at start: the state it loads once, before it takes tasks. */
  workerData?: Init;
  /** A task's time limit from the moment a worker takes it, in ms; the worker is terminated, which stops the work. */
  timeoutMs?: number;
  /** How many tasks may wait for a worker; run() refuses more. No limit by default. */
  queueLimit?: number;
  /** How long a task may wait for a worker, in ms. No limit by default. */
  queueTimeoutMs?: number;
  /**
   * Heap limit (old generation) of each worker, in MB. By default this thread's own limit: a worker's is not the
   * process's (--max-old-space-size does not reach workers), and a step moved into workers should not get less.
   */
  memoryMb?: number;
  /** Told what a worker reports while it sets itself up (how much of its data it has read). */
  onStarting?: (progress: Report) => void;
}

/** The heap limit a worker gets when `memoryMb` names none: this thread's own (see PoolOptions.memoryMb). */
export function workerMemoryMb(memoryMb?: number): number {
  return memoryMb ?? Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
}

/** Why a task or the pool failed; the pool's users map these to their own errors. */
export type PoolFailure =
  | 'start' // a worker could not set itself up (its error is in `remote`)
  | 'failed' // the task threw in the worker (its error is in `remote`); the worker goes on
  | 'timeout' // the task ran over the time limit; its worker was terminated and replaced
  | 'memory' // the worker ran out of its heap limit during the task (replaced), or while setting itself up
  | 'crash' // the worker died during the task; it was replaced
  | 'queue-full'
  | 'queue-timeout'
  | 'closed';

export class WorkerPoolError extends ProjectgraphError {
  constructor(
    readonly reason: PoolFailure,
    message: string,
    /** The error thrown in the worker, for 'start' and 'failed'. */
    readonly remote?: RemoteError,
  ) {
    // A pool failure is a fault of the step that used the pool; that step words it for the user.
    super('FAULT', message);
    this.name = 'WorkerPoolError';
  }
}

export interface RunOptions<Report = never> {
  /** Buffers of the task handed over to the worker instead of copied; they are unusable here afterwards. */
  transfer?: readonly TransferListItem[];
  /** This task's time limit, in ms, instead of the pool's. */
  timeoutMs?: number;
  /** Told what the task reports while it runs (TaskRunner's `report`); nothing once it has ended. */
  onProgress?: (progress: Report) => void;
}

/** How runEach tells of its tasks: `index` is the task's place in the order they were taken. */
export interface EachOptions<Task, Result, Report = never> {
  transfer?: (task: Task) => readonly TransferListItem[];
  onProgress?: (progress: Report, index: number) => void;
  /** Told of each result as it arrives, before all are in. */
  onResult?: (result: Result, index: number) => void;
}

interface Pending<Task, Result, Report> {
  task: Task;
  transfer: readonly TransferListItem[];
  timeoutMs: number | undefined;
  onProgress: ((progress: Report) => void) | undefined;
  resolve: (r: Result) => void;
  reject: (e: Error) => void;
  queueTimer?: NodeJS.Timeout;
}

interface Slot<Task, Result, Info, Report> {
  worker: Worker;
  ready: boolean;
  /** The workerData generation the worker holds (see renew); a replacement starts with the newest. */
  generation: number;
  /** Running the task that moves it to the newest generation. */
  renewing: boolean;
  /** Set once the worker has been given up (timed out, crashed, closed): none of its messages count any more. */
  gone: boolean;
  info?: Info;
  running?: { id: number; pending: Pending<Task, Result, Report>; timer?: NodeJS.Timeout };
}

export class WorkerPool<Task, Result, Info = undefined, Report = never> {
  private readonly slots: Slot<Task, Result, Info, Report>[] = [];
  private readonly queue: Pending<Task, Result, Report>[] = [];
  private nextId = 1;
  private closed = false;
  /** Why the last replacement worker could not start, for tasks that come when no worker is left. */
  private lastStartError?: Error;
  /** Tasks stopped by the time limit, for tests and the log. */
  timeouts = 0;
  /** Bumped by renew(): workers of an older generation are moved to the new one, one at a time. */
  private generation = 0;
  private workerData: unknown;
  private renewal?: {
    task: Task;
    onRenewed: (result: Result) => void;
    done: () => void;
  };

  private constructor(private readonly options: PoolOptions<unknown, Report>) {
    this.workerData = options.workerData;
  }

  /**
   * Starts the workers and waits until every one has set itself up; if one cannot, the others are stopped and
   * this rejects with its error ('start').
   */
  static async start<Init, Task, Result, Info = undefined, Report = never>(
    options: PoolOptions<Init, Report>,
  ): Promise<WorkerPool<Task, Result, Info, Report>> {
    const pool = new WorkerPool<Task, Result, Info, Report>(options);
    try {
      await Promise.all(Array.from({ length: Math.max(1, options.workers) }, () => pool.spawn()));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** What the first worker reported when it was ready (e.g. facts about the state it loaded). */
  get info(): Info | undefined {
    return this.slots.find((s) => s.ready)?.info;
  }

  /** Each worker's heap limit, in MB. */
  get memoryMb(): number {
    return workerMemoryMb(this.options.memoryMb);
  }

  get size(): number {
    return this.options.workers;
  }

  get busyWorkers(): number {
    return this.slots.filter((s) => s.running).length;
  }

  /** Workers that can take tasks (a replacement counts once it is set up). */
  get readyWorkers(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /** Runs one task on the next free worker; rejects with a WorkerPoolError saying why it did not give a result. */
  run(task: Task, options: RunOptions<Report> = {}): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      if (this.closed) return reject(this.closedError());
      if (this.slots.length === 0 && this.lastStartError) return reject(this.lastStartError);
      const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
      const pending: Pending<Task, Result, Report> = {
        task,
        transfer: options.transfer ?? [],
        timeoutMs,
        onProgress: options.onProgress,
        resolve,
        reject,
      };
      const free = this.slots.find((s) => this.takesTasks(s));
      if (free) return this.dispatch(free, pending);
      if (this.queue.length >= (this.options.queueLimit ?? Infinity)) {
        return reject(new WorkerPoolError('queue-full', `every ${this.options.name} is busy and the queue is full`));
      }
      if (this.options.queueTimeoutMs !== undefined) {
        const ms = this.options.queueTimeoutMs;
        pending.queueTimer = setTimeout(() => {
          this.unqueue(pending);
          reject(new WorkerPoolError('queue-timeout', `no ${this.options.name} was free within ${ms} ms`));
        }, ms);
      }
      this.queue.push(pending);
    });
  }

  /**
   * Runs every task of `tasks`, each as soon as a worker is free, and gives the results in the tasks' order. A task
   * is taken from the iterator only when a worker can start it, so a generator makes few at a time.
   */
  async runEach(tasks: Iterable<Task>, options: EachOptions<Task, Result, Report> = {}): Promise<Result[]> {
    const { transfer = () => [], onProgress, onResult } = options;
    const results: Result[] = [];
    const iterator = tasks[Symbol.iterator]();
    let taken = 0;
    let done = false;
    const lane = async () => {
      for (;;) {
        if (done) return;
        const next = iterator.next();
        if (next.done) {
          done = true;
          return;
        }
        const index = taken++;
        const run: RunOptions<Report> = { transfer: transfer(next.value) };
        if (onProgress) run.onProgress = (progress) => onProgress(progress, index);
        const result = await this.run(next.value, run);
        results[index] = result;
        onResult?.(result, index);
      }
    };
    try {
      await Promise.all(Array.from({ length: this.size }, lane));
    } finally {
      done = true;
    }
    return results;
  }

  /**
   * Moves every worker to new state: `workerData` is what workers started from now on load, and `task` is run once on
   * each worker already running, one worker at a time, so the others go on answering. Until the first worker has
   * moved, tasks go to the old ones; from then on only to moved ones, so no task started after another that saw the
   * new state sees the old. A worker whose move fails is replaced by one that starts from `workerData`.
   * `onRenewed` is told each moved worker's result. Resolves once every worker has moved.
   */
  renew(task: Task, workerData: unknown, onRenewed: (result: Result) => void = () => {}): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    this.generation += 1;
    this.workerData = workerData;
    const previous = this.renewal;
    return new Promise<void>((resolve) => {
      this.renewal = {
        task,
        onRenewed,
        done: () => {
          previous?.done();
          resolve();
        },
      };
      this.kick();
    });
  }

  /** Refuses queued tasks, stops the running ones and every worker; resolves once all threads have ended. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) {
      clearTimeout(pending.queueTimer);
      pending.reject(this.closedError());
    }
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      slot.gone = true;
      if (slot.running) {
        clearTimeout(slot.running.timer);
        slot.running.pending.reject(this.closedError());
        slot.running = undefined;
      }
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private closedError(): WorkerPoolError {
    return new WorkerPoolError('closed', `the ${this.options.name} pool was shut down before the task finished`);
  }

  /** Starts one worker; resolves once it is set up, rejects ('start') if it cannot be. */
  private spawn(): Promise<void> {
    const { module } = this.options;
    const memoryMb = this.memoryMb;
    const worker = typescriptWorker(module, {
      workerData: this.workerData,
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    });
    const slot: Slot<Task, Result, Info, Report> = {
      worker,
      ready: false,
      gone: false,
      generation: this.generation,
      renewing: false,
    };
    this.slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage<Result, Info, Report>) => {
        if (slot.gone) return;
        if (m.kind === 'ready') {
          slot.ready = true;
          slot.info = m.info;
          resolve();
          this.kick();
        } else if (m.kind === 'start-failed') {
          this.giveUp(slot);
          void worker.terminate();
          reject(new WorkerPoolError('start', `a ${this.options.name} could not start: ${m.error.message}`, m.error));
        } else if (m.kind === 'starting') {
          this.options.onStarting?.(m.progress);
        } else if (m.kind === 'progress') {
          // Word from a task that has ended (timed out, given up) no longer counts.
          if (slot.running?.id === m.id) slot.running.pending.onProgress?.(m.progress);
        } else {
          this.finish(slot, m);
        }
      });
      worker.on('error', (e: Error & { code?: string }) => {
        if (slot.gone) return;
        const memory = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
        const detail = memory ? `ran out of memory (limit ${memoryMb} MB)` : `crashed: ${e.message}`;
        if (!slot.ready) {
          const message = `a ${this.options.name} ${detail} while starting`;
          reject(new WorkerPoolError(memory ? 'memory' : 'start', message));
        }
        this.lost(slot, memory ? 'memory' : 'crash', detail);
      });
      worker.on('exit', (code) => {
        if (slot.gone) return;
        const detail = `stopped (exit code ${code})`;
        if (!slot.ready) reject(new WorkerPoolError('start', `a ${this.options.name} ${detail} while starting`));
        this.lost(slot, 'crash', detail);
      });
    });
  }

  private dispatch(slot: Slot<Task, Result, Info, Report>, pending: Pending<Task, Result, Report>): void {
    clearTimeout(pending.queueTimer);
    const id = this.nextId++;
    const ms = pending.timeoutMs;
    const timer = ms === undefined ? undefined : setTimeout(() => this.stop(slot, ms), ms);
    slot.running = { id, pending, ...(timer ? { timer } : {}) };
    slot.worker.postMessage({ id, task: pending.task } satisfies TaskMessage<Task>, pending.transfer);
  }

  private finish(
    slot: Slot<Task, Result, Info, Report>,
    m: Extract<WorkerMessage<Result, Info, Report>, { kind: 'done' | 'failed' }>,
  ): void {
    const running = slot.running;
    if (!running || running.id !== m.id) return;
    clearTimeout(running.timer);
    slot.running = undefined;
    if (slot.renewing) {
      slot.renewing = false;
      if (m.kind === 'done') {
        slot.generation = this.generation;
        this.renewal?.onRenewed(m.result);
      } else {
        // Half moved is no state to answer from: the worker is replaced by one that loads the new state whole.
        this.giveUp(slot);
        void slot.worker.terminate();
        this.replace();
      }
      this.kick();
      return;
    }
    if (m.kind === 'done') running.pending.resolve(m.result);
    else {
      const message = `a ${this.options.name} failed: ${m.error.message}`;
      running.pending.reject(new WorkerPoolError('failed', message, m.error));
    }
    this.kick();
  }

  /** The time limit: terminating the thread stops the task mid-work and frees its memory; a new worker replaces it. */
  private stop(slot: Slot<Task, Result, Info, Report>, ms: number): void {
    const running = slot.running;
    if (!running || slot.gone) return;
    this.timeouts += 1;
    slot.running = undefined;
    this.giveUp(slot);
    void slot.worker.terminate();
    running.pending.reject(new WorkerPoolError('timeout', `the task was stopped after ${ms} ms, its time limit`));
    this.replace();
  }

  /** The worker died by itself: its task fails with the cause, and a new worker takes its place. */
  private lost(slot: Slot<Task, Result, Info, Report>, reason: 'memory' | 'crash', detail: string): void {
    const { running, ready } = slot;
    slot.running = undefined;
    this.giveUp(slot);
    if (running) {
      clearTimeout(running.timer);
      running.pending.reject(new WorkerPoolError(reason, `the ${this.options.name} ${detail} during the task`));
    }
    if (ready) this.replace();
  }

  private giveUp(slot: Slot<Task, Result, Info, Report>): void {
    slot.gone = true;
    slot.ready = false;
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
  }

  private replace(): void {
    if (this.closed) return;
    this.spawn().catch((e: unknown) => {
      // Every worker set itself up before, so this is rare (memory, a file gone); while others live they go on.
      // With none left, waiting tasks would wait for ever: they fail with the cause.
      this.lastStartError = e instanceof Error ? e : new InternalError(String(e));
      if (this.slots.length > 0) return;
      for (const pending of this.queue.splice(0)) {
        clearTimeout(pending.queueTimer);
        pending.reject(this.lastStartError);
      }
    });
  }

  private unqueue(pending: Pending<Task, Result, Report>): void {
    const at = this.queue.indexOf(pending);
    if (at >= 0) this.queue.splice(at, 1);
  }

  /** Whether a worker may take a task now: free, and of the newest generation unless none of it is ready yet. */
  private takesTasks(slot: Slot<Task, Result, Info, Report>): boolean {
    if (!slot.ready || slot.running || slot.gone) return false;
    return slot.generation === this.generation || !this.slots.some((s) => s.ready && s.generation === this.generation);
  }

  /** Gives every free worker its next piece of work: the move to the newest generation first, then a queued task. */
  private kick(): void {
    const renewal = this.renewal;
    if (renewal) {
      const behind = this.slots.filter((s) => s.generation < this.generation);
      if (behind.length === 0) {
        // Replacements started during the move hold the new state already; the pool waits only for them to start.
        if (this.slots.every((s) => s.ready || s.gone) || this.slots.length === 0) {
          this.renewal = undefined;
          renewal.done();
        }
      } else if (!behind.some((s) => s.renewing)) {
        const free = behind.find((s) => s.ready && !s.running);
        if (free) {
          free.renewing = true;
          this.dispatch(free, {
            task: renewal.task,
            transfer: [],
            timeoutMs: undefined,
            onProgress: undefined,
            resolve: () => {},
            reject: () => {},
          });
        }
      }
    }
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (this.takesTasks(slot)) this.dispatch(slot, this.queue.shift()!);
    }
  }
}
