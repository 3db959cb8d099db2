// A query worker thread: loads the store once, then parses, checks and runs one query at a time for the pool; terminating it stops a query outright.
import { invariant } from '../errors.ts';
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, executeQuery, loadStore, type QueryRequest } from './engine.ts';
import { parseQuery, PolicyError } from './query-policy.ts';
import { mediaTypeForForm, type MediaChoices } from './admission.ts';
import { toAnswer } from './answer.ts';
import { RDF, SCHEMA } from '../vocab.ts';

export interface WorkerInit {
  dataFile: string;
}

/** A query as the server hands it over: raw text (parsed here, off the server's thread) and a media type per kind. */
export type PoolRequest = Omit<QueryRequest, 'query' | 'mediaType'> & { query: string; mediaTypes: MediaChoices };

export type WorkerRequest = { id: number; request: PoolRequest };

export type WorkerReply =
  | { kind: 'loading'; bytes: number }
  | { kind: 'ready'; namedGraphs: string[]; size: number; datasetIris: string[] }
  | { kind: 'failed-to-load'; message: string }
  | { kind: 'result'; id: number; body: Uint8Array; etag: string; mediaType: string; truncated: boolean; rows: number }
  | { kind: 'refused'; id: number; status: number; code: PolicyError['code']; message: string }
  | { kind: 'fault'; id: number; message: string };

const port = parentPort;
invariant(port, 'query-worker.ts runs only as a worker thread');
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
    const { mediaTypes, ...rest } = request;
    new Promise<ReturnType<typeof toAnswer>>((resolve) => {
      // Parsing and the policy run here: a large or pathological query costs this worker's time, never the server's.
      const parsed = parseQuery(request.query, { baseIri: request.baseIri, knownGraphs: engine.namedGraphs });
      const mediaType = mediaTypeForForm(parsed.form, mediaTypes);
      resolve(executeQuery(engine, { ...rest, query: parsed, mediaType }).then(toAnswer));
    }).then(
      (a) => {
        // The encoded answer is handed over, not copied: the server holds the one Buffer this worker made.
        const body = new Uint8Array(a.body.buffer, a.body.byteOffset, a.body.length);
        const reply: WorkerReply = { kind: 'result', id, ...a, body };
        port.postMessage(reply, a.body.byteOffset === 0 && a.body.buffer.byteLength === a.body.length ? [a.body.buffer as ArrayBuffer] : []);
      },
      (e: unknown) => {
        const reply: WorkerReply =
          e instanceof PolicyError
            ? { kind: 'refused', id, status: e.status, code: e.code, message: e.message }
            : { kind: 'fault', id, message: e instanceof Error ? e.message : String(e) };
        port.postMessage(reply);
      },
    );
  });
} catch (e) {
  port.postMessage({ kind: 'failed-to-load', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
}
