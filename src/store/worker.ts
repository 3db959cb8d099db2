// The embedded store in a worker thread: Oxigraph evaluates synchronously, so a time limit can only stop a query by
// terminating the thread that runs it; the owner then starts a fresh worker, which loads the store again.
import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddedStore } from './embedded.ts';
import { InternalError, codeOf, type ErrorCode } from '../errors.ts';
import type { QueryOptions } from './store.ts';

export interface StoreWorkerInit {
  outDir: string;
}

export type StoreWorkerRequest = { id: number; query: string; options?: Omit<QueryOptions, 'signal'> };

export type StoreWorkerReply =
  | { kind: 'ready'; state: string | undefined; size: number }
  | { kind: 'failed-to-load'; code: ErrorCode; message: string }
  | { kind: 'result'; id: number; type: 'bindings' | 'quads' | 'boolean'; rows: number }
  | { kind: 'error'; id: number; code: ErrorCode; message: string };

const port = parentPort;
if (!port) throw new InternalError('store/worker.ts runs only as a worker thread');
const { outDir } = workerData as StoreWorkerInit;

try {
  const store = await EmbeddedStore.load(outDir);
  port.postMessage({ kind: 'ready', state: store.state, size: await store.size() } satisfies StoreWorkerReply);
  port.on('message', ({ id, query, options }: StoreWorkerRequest) => {
    try {
      const result = store.evaluate(query, options);
      let rows = 1;
      if (result.type === 'bindings' || result.type === 'quads') {
        // evaluate() holds every row already; counting is enough for the owner's checks.
        rows = 0;
        const items = result.type === 'bindings' ? result.bindings : result.quads;
        void (async () => {
          for await (const _ of items) rows++;
          port.postMessage({ kind: 'result', id, type: result.type, rows } satisfies StoreWorkerReply);
        })();
        return;
      }
      port.postMessage({ kind: 'result', id, type: result.type, rows } satisfies StoreWorkerReply);
    } catch (e) {
      port.postMessage({
        kind: 'error',
        id,
        code: codeOf(e),
        message: e instanceof Error ? e.message : String(e),
      } satisfies StoreWorkerReply);
    }
  });
} catch (e) {
  port.postMessage({
    kind: 'failed-to-load',
    code: codeOf(e),
    message: e instanceof Error ? e.message : String(e),
  } satisfies StoreWorkerReply);
}
