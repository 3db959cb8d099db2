// A query worker thread of the pool: loads the store once, then parses, checks and runs one query at a time;
// terminating it (the time limit) stops a query outright.
import { serveTasks } from '../workers/task-worker.ts';
import { createEngine, executeQuery, loadStore, type QueryRequest } from './engine.ts';
import { parseQuery, PolicyError } from './query-policy.ts';
import { mediaTypeForForm, type MediaChoices } from './admission.ts';
import { toAnswer, type Answer } from './answer.ts';
import { RDF, SCHEMA } from '../vocab.ts';

export interface WorkerInit {
  dataFile: string;
}

/** A query as the server hands it over: raw text (parsed here, off the server's thread) and a media type per kind. */
export type PoolRequest = Omit<QueryRequest, 'query' | 'mediaType'> & { query: string; mediaTypes: MediaChoices };

/** What a worker tells of the store it loaded (arrays: a Set does not cross threads as one). */
export interface LoadedStore {
  namedGraphs: string[];
  size: number;
  datasetIris: string[];
}

/** A query's outcome: its answer (the body arrives as a plain Uint8Array), or the policy's refusal. */
export type QueryReply =
  | { kind: 'answer'; answer: Omit<Answer, 'body'> & { body: Uint8Array } }
  | { kind: 'refused'; status: number; code: PolicyError['code']; message: string };

/** Progress reports are bytes of the data file read so far. */
await serveTasks<WorkerInit, PoolRequest, QueryReply, LoadedStore, number>(async ({ dataFile }, report) => {
  // At most twice a second: `serve` shows the load's progress.
  let told = -Infinity;
  const store = await loadStore(dataFile, (bytes) => {
    const now = performance.now();
    if (now - told < 500) return;
    told = now;
    report(bytes);
  });
  const engine = createEngine(store);
  // The dataset's own IRI tells the server which base its resources are minted under.
  const datasetIris = [...store.readQuads(null, RDF('type'), SCHEMA('Dataset'), null)].map((q) => q.subject.value);
  return {
    info: { namedGraphs: [...engine.namedGraphs], size: engine.size, datasetIris },
    run: async (request): Promise<QueryReply> => {
      const { mediaTypes, ...rest } = request;
      try {
        // Parsing and the policy run here: a large or pathological query costs this worker's time, never the server's.
        const parsed = parseQuery(request.query, { baseIri: request.baseIri, knownGraphs: engine.namedGraphs });
        const mediaType = mediaTypeForForm(parsed.form, mediaTypes);
        return { kind: 'answer', answer: toAnswer(await executeQuery(engine, { ...rest, query: parsed, mediaType })) };
      } catch (e) {
        if (e instanceof PolicyError) return { kind: 'refused', status: e.status, code: e.code, message: e.message };
        throw e;
      }
    },
    // The encoded answer is handed over, not copied: the server holds the one Buffer this worker made. A small
    // Buffer is a slice of Node's shared pool, which cannot be handed over; it is copied.
    transfer: (reply) => {
      if (reply.kind !== 'answer') return [];
      const { body } = reply.answer;
      return body.byteOffset === 0 && body.buffer.byteLength === body.length ? [body.buffer as ArrayBuffer] : [];
    },
  };
});
