// A query worker thread: loads the store once, then runs one query at a time for the pool; terminating it stops a query outright.
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, executeQuery, loadStore, type QueryRequest } from './engine.ts';
import { PolicyError } from './query-policy.ts';
import { RDF, SCHEMA } from '../vocab.ts';

export interface WorkerInit {
  dataFile: string;
}

export type WorkerRequest = { id: number; request: Omit<QueryRequest, 'query'> & { query: string } };

export type WorkerReply =
  | { kind: 'loading'; bytes: number }
  | { kind: 'ready'; namedGraphs: string[]; size: number; datasetIris: string[] }
  | { kind: 'failed-to-load'; message: string }
  | { kind: 'result'; id: number; body: string; mediaType: string; truncated: boolean; rows: number }
  | { kind: 'refused'; id: number; status: number; message: string }
  | { kind: 'fault'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('query-worker.ts runs only as a worker thread');
const { dataFile } = workerData as WorkerInit;

try {
  // Bytes read so far, at most twice a second: `serve` shows the load's progress.
  let told = -Infinity;
  const store = await loadStore(dataFile, (bytes) => {
    const now = performance.now();
    if (now - told < 500) return;
    told = now;
    port.postMessage({ kind: 'loading', bytes } satisfies WorkerReply);
  });
  const engine = createEngine(store);
  // The dataset's own IRI tells the server which base its resources are minted under.
  const datasetIris = [...store.readQuads(null, RDF('type'), SCHEMA('Dataset'), null)].map((q) => q.subject.value);
  port.postMessage({ kind: 'ready', namedGraphs: [...engine.namedGraphs], size: engine.size, datasetIris } satisfies WorkerReply);
  port.on('message', (message: WorkerRequest) => {
    const { id, request } = message;
    executeQuery(engine, request).then(
      (r) => port.postMessage({ kind: 'result', id, ...r } satisfies WorkerReply),
      (e: unknown) => {
        const reply: WorkerReply =
          e instanceof PolicyError
            ? { kind: 'refused', id, status: e.status, message: e.message }
            : { kind: 'fault', id, message: e instanceof Error ? e.message : String(e) };
        port.postMessage(reply);
      },
    );
  });
} catch (e) {
  port.postMessage({ kind: 'failed-to-load', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
}
