// A worker for the pool's tests: each task kind makes the worker behave in one way (answer, fail, spin, crash, hog).
import { threadId } from 'node:worker_threads';
import { serveTasks } from '../../src/workers/task-worker.ts';

export interface TestInit {
  greeting: string;
  /** Make the set-up fail, as a worker that cannot read its data does. */
  failStart?: boolean;
  /** Report 1, 2, … `startSteps` while setting up, as a worker loading its data does. */
  startSteps?: number;
  /** Run out of memory while setting up. */
  hogAtStart?: boolean;
}

export type TestTask =
  | { kind: 'echo'; value: string }
  | { kind: 'wait'; ms: number; value: string }
  /** Reports 1, 2, … `steps` while it runs, a few milliseconds apart, then answers. */
  | { kind: 'report'; steps: number; value: string }
  | { kind: 'spin' }
  | { kind: 'throw'; message: string }
  | { kind: 'exit'; code: number }
  | { kind: 'uncaught'; message: string }
  | { kind: 'hog' }
  /** Answers with `size` bytes, each `fill`, handed over (transferred) to the pool's thread. */
  | { kind: 'bytes'; size: number; fill: number }
  /** Answers with the byteLength this worker now sees of the last bytes it answered with (0 once handed over). */
  | { kind: 'kept' };

export interface TestResult {
  text: string;
  threadId: number;
  /** How many times this worker ran its set-up: once, however many tasks it ran. */
  setups: number;
  bytes?: Uint8Array;
}

function hog(): never {
  const kept: number[][] = [];
  for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => i));
}

let setups = 0;
let lastBytes: Uint8Array | undefined;

await serveTasks<TestInit, TestTask, TestResult, { threadId: number }, number>(async (init, report) => {
  setups += 1;
  if (init.failStart) throw new Error('cannot read /nowhere/graph.nt');
  if (init.hogAtStart) hog();
  for (let step = 1; step <= (init.startSteps ?? 0); step++) {
    report(step);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const answer = (text: string): TestResult => ({ text: `${init.greeting} ${text}`, threadId, setups });
  return {
    info: { threadId },
    transfer: (result) => (result.bytes ? [result.bytes.buffer as ArrayBuffer] : []),
    run: async (task, report) => {
      switch (task.kind) {
        case 'echo':
          return answer(task.value);
        case 'wait':
          await new Promise((resolve) => setTimeout(resolve, task.ms));
          return answer(task.value);
        case 'report':
          for (let step = 1; step <= task.steps; step++) {
            report(step);
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
          return answer(task.value);
        case 'spin':
          // Never returns: the pool's time limit has to stop it.
          for (;;);
        case 'throw':
          throw Object.assign(new RangeError(task.message), { status: 418 });
        case 'exit':
          return process.exit(task.code);
        case 'uncaught':
          setTimeout(() => {
            throw new Error(task.message);
          });
          return new Promise<TestResult>(() => {});
        case 'hog':
          return hog();
        case 'bytes':
          lastBytes = new Uint8Array(task.size).fill(task.fill);
          return { ...answer('bytes'), bytes: lastBytes };
        case 'kept':
          return answer(String(lastBytes?.byteLength));
      }
    },
  };
});
