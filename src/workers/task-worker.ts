// The worker side of the pool (pool.ts): a worker module calls serveTasks once, with how it sets itself up.
import { parentPort, workerData, type TransferListItem } from 'node:worker_threads';
import { InternalError } from '../errors.ts';

/** An error thrown in a worker, as plain data: errors lose their class and own fields when they cross threads. */
export interface RemoteError {
  name: string;
  message: string;
  stack?: string;
  /** The error's own fields that are plain data (a status, a code), so the pool's user can tell errors apart. */
  details: Record<string, string | number | boolean>;
}

/**
 * What a worker does once set up: `run` takes one task at a time; `info` goes to the pool when it is ready. While a
 * task runs, `report` sends the pool's user word of its progress (files written so far), before the result.
 */
export interface TaskRunner<Task, Result, Info = undefined, Report = never> {
  run(task: Task, report: (progress: Report) => void): Result | Promise<Result>;
  info?: Info;
  /**
   * Buffers of a result handed over to the pool's thread instead of copied (a large answer made once here); they
   * are unusable in the worker afterwards.
   */
  transfer?: (result: Result) => readonly TransferListItem[];
}

/** Messages from the pool to a worker. */
export interface TaskMessage<Task> {
  id: number;
  task: Task;
}

/** Messages from a worker to the pool. */
export type WorkerMessage<Result, Info, Report = never> =
  | { kind: 'ready'; info: Info | undefined }
  | { kind: 'start-failed'; error: RemoteError }
  | { kind: 'starting'; progress: Report }
  | { kind: 'progress'; id: number; progress: Report }
  | { kind: 'done'; id: number; result: Result }
  | { kind: 'failed'; id: number; error: RemoteError };

export function remoteError(e: unknown): RemoteError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), details: {} };
  const details: RemoteError['details'] = {};
  for (const [key, value] of Object.entries(e)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') details[key] = value;
  }
  return { name: e.name, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}), details };
}

/**
 * Sets the worker up from the pool's workerData (state loaded once: shapes, a store), tells the pool it is ready,
 * then answers each task. An error of a task is sent back as that task's failure; the worker goes on. While it sets
 * itself up, `report` tells the pool's onStarting how far it has got.
 */
export async function serveTasks<Init, Task, Result, Info = undefined, Report = never>(
  setup: (
    init: Init,
    report: (progress: Report) => void,
  ) => TaskRunner<Task, Result, Info, Report> | Promise<TaskRunner<Task, Result, Info, Report>>,
): Promise<void> {
  const port = parentPort;
  if (!port) throw new InternalError('serveTasks runs only in a worker thread started by the pool');
  const send = (m: WorkerMessage<Result, Info, Report>, transfer: readonly TransferListItem[] = []) =>
    port.postMessage(m, transfer);
  let runner: TaskRunner<Task, Result, Info, Report>;
  try {
    runner = await setup(workerData as Init, (progress) => send({ kind: 'starting', progress }));
  } catch (e) {
    send({ kind: 'start-failed', error: remoteError(e) });
    return;
  }
  port.on('message', ({ id, task }: TaskMessage<Task>) => {
    // Through an async function, so a handler that throws before its first await fails its task, not the worker.
    const report = (progress: Report) => send({ kind: 'progress', id, progress });
    (async () => runner.run(task, report))().then(
      (result) => {
        // A result that cannot cross (not cloneable, a buffer it cannot hand over) fails its task, not the worker.
        try {
          send({ kind: 'done', id, result }, runner.transfer?.(result));
        } catch (e) {
          send({ kind: 'failed', id, error: remoteError(e) });
        }
      },
      (e: unknown) => send({ kind: 'failed', id, error: remoteError(e) }),
    );
  });
  send({ kind: 'ready', info: runner.info });
}
