// The worker pool: tasks run on threads set up once; a time limit, a memory limit and a crash each fail only their
// task, and the pool goes on with a new worker; queue limits and shutdown refuse tasks with a reason.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool, WorkerPoolError, type PoolFailure, type PoolOptions } from '../../src/workers/pool.ts';
import type { TestInit, TestResult, TestTask } from './pool-test-worker.ts';

const MODULE = new URL('./pool-test-worker.ts', import.meta.url);
// Workers start through tsx here, which takes a second or more on a busy machine.
const SLOW = 60_000;

type TestPool = WorkerPool<TestTask, TestResult, { threadId: number }, number>;

function start(options: Partial<PoolOptions<TestInit, number>> = {}): Promise<TestPool> {
  return WorkerPool.start<TestInit, TestTask, TestResult, { threadId: number }, number>({
    module: MODULE,
    name: 'test worker',
    workers: 1,
    workerData: { greeting: 'hello' },
    ...options,
  });
}

/** The reason of the WorkerPoolError that `p` rejects with. */
async function failure(p: Promise<unknown>): Promise<{ reason: PoolFailure; error: WorkerPoolError }> {
  const error = await p.then(
    () => {
      throw new Error('expected the task to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkerPoolError);
  return { reason: (error as WorkerPoolError).reason, error: error as WorkerPoolError };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('worker pool', () => {
  it(
    'passes on what a task reports while it runs, in order and before its result',
    async () => {
      const pool = await start();
      try {
        const seen: (number | string)[] = [];
        const result = await pool.run({ kind: 'report', steps: 5, value: 'done' }, { onProgress: (n) => seen.push(n) });
        seen.push(result.text);
        expect(seen).toEqual([1, 2, 3, 4, 5, 'hello done']);
        // A task that reports nothing, and a run without onProgress, are untouched by it.
        expect((await pool.run({ kind: 'report', steps: 3, value: 'quiet' })).text).toBe('hello quiet');
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'runs tasks on workers that set themselves up once from workerData',
    async () => {
      const pool = await start({ workers: 2 });
      try {
        const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((value) => pool.run({ kind: 'echo', value })));
        expect(results.map((r) => r.text)).toEqual(['hello a', 'hello b', 'hello c', 'hello d', 'hello e']);
        expect(new Set(results.map((r) => r.setups))).toEqual(new Set([1]));
        expect(pool.info?.threadId).toBeGreaterThan(0);
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'stops a busy-looping task at its time limit, and goes on with a new worker',
    async () => {
      const pool = await start({ timeoutMs: 500 });
      try {
        const first = await pool.run({ kind: 'echo', value: 'before' });
        const began = Date.now();
        const { reason, error } = await failure(pool.run({ kind: 'spin' }));
        expect(reason).toBe('timeout');
        expect(error.message).toMatch(/500 ms/);
        expect(Date.now() - began).toBeLessThan(5_000);
        expect(pool.timeouts).toBe(1);
        const after = await pool.run({ kind: 'echo', value: 'after' });
        expect(after.text).toBe('hello after');
        expect(after.threadId).not.toBe(first.threadId);
        // The loop really ended: this process uses next to no CPU while the pool is idle.
        const cpu = process.cpuUsage();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const used = process.cpuUsage(cpu);
        expect((used.user + used.system) / 1000).toBeLessThan(400);
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'gives one task a time limit of its own',
    async () => {
      const pool = await start();
      try {
        const { reason, error } = await failure(
          pool.run({ kind: 'wait', ms: 5_000, value: 'late' }, { timeoutMs: 200 }),
        );
        expect(reason).toBe('timeout');
        expect(error.message).toMatch(/200 ms/);
        expect((await pool.run({ kind: 'wait', ms: 300, value: 'in time' })).text).toBe('hello in time');
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'fails a task whose worker runs out of its memory limit, and goes on with a new worker',
    async () => {
      const pool = await start({ memoryMb: 32 });
      try {
        const { reason, error } = await failure(pool.run({ kind: 'hog' }));
        expect(reason).toBe('memory');
        expect(error.message).toMatch(/test worker ran out of memory \(limit 32 MB\)/);
        expect((await pool.run({ kind: 'echo', value: 'again' })).text).toBe('hello again');
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'reports a worker that exits or throws outside a task as a crash of the task, and replaces it',
    async () => {
      const pool = await start();
      try {
        const exited = await failure(pool.run({ kind: 'exit', code: 7 }));
        expect(exited.reason).toBe('crash');
        expect(exited.error.message).toMatch(/exit code 7/);
        const thrown = await failure(pool.run({ kind: 'uncaught', message: 'lost in a timer' }));
        expect(thrown.reason).toBe('crash');
        expect(thrown.error.message).toMatch(/lost in a timer/);
        expect((await pool.run({ kind: 'echo', value: 'still here' })).text).toBe('hello still here');
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'fails a task that throws with the worker’s error and its fields, and the same worker goes on',
    async () => {
      const pool = await start();
      try {
        const before = await pool.run({ kind: 'echo', value: 'x' });
        const { reason, error } = await failure(pool.run({ kind: 'throw', message: 'no such thing' }));
        expect(reason).toBe('failed');
        expect(error.message).toMatch(/no such thing/);
        expect(error.remote).toMatchObject({ name: 'RangeError', message: 'no such thing', details: { status: 418 } });
        const after = await pool.run({ kind: 'echo', value: 'y' });
        expect(after.threadId).toBe(before.threadId);
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'hands a result’s buffer over to the pool’s thread instead of copying it',
    async () => {
      const pool = await start();
      try {
        const result = await pool.run({ kind: 'bytes', size: 1 << 20, fill: 7 });
        expect(result.bytes?.length).toBe(1 << 20);
        expect(result.bytes?.every((b) => b === 7)).toBe(true);
        // Handed over, the worker's own view of those bytes is empty: they were moved, not copied.
        expect((await pool.run({ kind: 'kept' })).text).toBe('hello 0');
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'passes on what each worker reports while it sets itself up, before start resolves',
    async () => {
      const seen: number[] = [];
      const workerData = { greeting: 'hi', startSteps: 3 };
      const pool = await start({ workers: 2, workerData, onStarting: (n) => seen.push(n) });
      try {
        expect([...seen].sort()).toEqual([1, 1, 2, 2, 3, 3]);
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'does not start when a worker runs out of memory while setting itself up, and says so',
    async () => {
      const { reason, error } = await failure(
        start({ memoryMb: 32, workerData: { greeting: 'hi', hogAtStart: true } }),
      );
      expect(reason).toBe('memory');
      expect(error.message).toMatch(/test worker ran out of memory \(limit 32 MB\) while starting/);
    },
    SLOW,
  );

  it(
    'does not start when a worker cannot set itself up, and names the cause',
    async () => {
      const { reason, error } = await failure(start({ workers: 2, workerData: { greeting: 'hi', failStart: true } }));
      expect(reason).toBe('start');
      expect(error.message).toMatch(/test worker could not start: cannot read \/nowhere\/graph\.nt/);
    },
    SLOW,
  );

  it(
    'refuses a task when the queue is full, and one that waited longer than the queue allows',
    async () => {
      const pool = await start({ queueLimit: 1, queueTimeoutMs: 300 });
      try {
        const busy = pool.run({ kind: 'wait', ms: 2_000, value: 'slow' });
        const queued = pool.run({ kind: 'echo', value: 'queued' });
        expect((await failure(pool.run({ kind: 'echo', value: 'one too many' }))).reason).toBe('queue-full');
        expect((await failure(queued)).reason).toBe('queue-timeout');
        expect((await busy).text).toBe('hello slow');
      } finally {
        await pool.close();
      }
    },
    SLOW,
  );

  it(
    'shuts down: running and queued tasks fail as closed, later ones are refused',
    async () => {
      const pool = await start();
      const running = failure(pool.run({ kind: 'wait', ms: 10_000, value: 'never' }));
      const queued = failure(pool.run({ kind: 'echo', value: 'never either' }));
      await until(() => pool.busyWorkers === 1);
      await pool.close();
      expect((await running).reason).toBe('closed');
      expect((await queued).reason).toBe('closed');
      expect((await failure(pool.run({ kind: 'echo', value: 'late' }))).reason).toBe('closed');
      expect(pool.readyWorkers).toBe(0);
    },
    SLOW,
  );
});

describe('worker pool, runEach', () => {
  let pool: TestPool;
  beforeAll(async () => {
    pool = await start({ workers: 2 });
  }, SLOW);
  afterAll(() => pool.close());

  it(
    'gives every result in the order of the tasks, taking a task only when a worker is free',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 12 }), async (delays) => {
          // A task is asked for only when a worker is free to start it: never with both busy.
          let busyWhenAsked = 0;
          function* tasks(): Generator<TestTask> {
            for (const [i, ms] of delays.entries()) {
              busyWhenAsked = Math.max(busyWhenAsked, pool.busyWorkers);
              yield { kind: 'wait', ms, value: String(i) };
            }
          }
          const results = await pool.runEach(tasks());
          expect(results.map((r) => r.text)).toEqual(delays.map((_, i) => `hello ${i}`));
          expect(busyWhenAsked).toBeLessThan(2);
        }),
        { numRuns: 25 },
      );
    },
    SLOW,
  );

  it(
    "tells each task's reports and result with the task's index, as they come",
    async () => {
      const steps = [3, 0, 5, 1, 4];
      const reported = steps.map((): number[] => []);
      const resultAt: number[] = [];
      const tasks = steps.map((n, i): TestTask => ({ kind: 'report', steps: n, value: String(i) }));
      const results = await pool.runEach(tasks, {
        onProgress: (step, index) => reported[index]!.push(step),
        onResult: (result, index) => {
          // Every report of a task comes before its result.
          expect(reported[index]).toHaveLength(steps[index]!);
          expect(result.text).toBe(`hello ${index}`);
          resultAt.push(index);
        },
      });
      expect(results.map((r) => r.text)).toEqual(steps.map((_, i) => `hello ${i}`));
      expect(reported).toEqual(steps.map((n) => Array.from({ length: n }, (_, k) => k + 1)));
      expect([...resultAt].sort()).toEqual([0, 1, 2, 3, 4]);
    },
    SLOW,
  );

  it(
    'fails with the first failing task',
    async () => {
      const tasks: TestTask[] = [
        { kind: 'echo', value: 'a' },
        { kind: 'throw', message: 'bad batch' },
        { kind: 'echo', value: 'c' },
      ];
      expect((await failure(pool.runEach(tasks))).error.message).toMatch(/bad batch/);
    },
    SLOW,
  );
});
