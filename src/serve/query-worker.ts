// A query worker thread of the pool: holds one copy of the store (Oxigraph, loaded from a build's dataset.nq) and
// answers one task at a time: a SPARQL query, a resource's page or RDF, a list page, or the move to a new build.
// Terminating it (the time limit) stops a task outright.
import { serveTasks } from '../workers/task-worker.ts';
import { createEngine, executeQuery, type Engine, type QueryRequest } from './engine.ts';
import { parseQuery, PolicyError } from './query-policy.ts';
import { mediaTypeForForm, type MediaChoices } from './admission.ts';
import { toAnswer, type Answer } from './answer.ts';
import { EmbeddedStore } from '../store/embedded.ts';
import { readChangeSet } from '../store/change-set.ts';
import type { ChangeSet } from '../store/store.ts';
import { StorePages, type PageRequest } from './store-pages.ts';
import { subjectsOfGraphs } from './resource-render.ts';

export interface WorkerInit {
  /** The build the store is loaded from (a resolved `.output.builds/<n>`, never the `output` link). */
  outDir: string;
  /** SPARQL endpoints SERVICE may name. */
  allowService: string[];
}

/** A query as the server hands it over: raw text (parsed here, off the server's thread) and a media type per kind. */
export type PoolRequest = Omit<QueryRequest, 'query' | 'mediaType'> & { query: string; mediaTypes: MediaChoices };

export type WorkerTask =
  | { kind: 'query'; request: PoolRequest }
  | { kind: 'page'; request: PageRequest }
  | { kind: 'switch'; outDir: string };

/** What a worker tells of the store it holds (arrays: a Set does not cross threads as one). */
export interface LoadedStore {
  namedGraphs: string[];
  size: number;
  datasetIris: string[];
  /** The graphs.json state of the build the store holds. */
  state: string | undefined;
  /** How the store came to hold it: loaded whole, or moved by a change set from the state before. */
  via: 'load' | 'change-set';
  /** Every IRI with a page or a graph document: the server answers 404 for any other without asking a worker. */
  addresses: string[];
}

/** A task's outcome: an answer (the body arrives as a plain Uint8Array), the policy's refusal, or nothing there. */
export type QueryReply =
  | { kind: 'answer'; answer: Omit<Answer, 'body'> & { body: Uint8Array } }
  | { kind: 'refused'; status: number; code: PolicyError['code']; message: string }
  | { kind: 'missing' }
  /** The page is a published file (the dataset's dumps are its RDF forms). */
  | { kind: 'file'; file: string }
  | { kind: 'switched'; info: LoadedStore };

/** Progress reports are bytes of dataset.nq read so far. */
await serveTasks<WorkerInit, WorkerTask, QueryReply, LoadedStore, number>(async (init, report) => {
  // At most twice a second: `serve` shows the load's progress.
  let told = -Infinity;
  const onProgress = ({ bytes }: { bytes: number }) => {
    const now = performance.now();
    if (now - told < 500) return;
    told = now;
    report(bytes);
  };
  let store = await EmbeddedStore.load(init.outDir, { onProgress, allowService: init.allowService });
  // Both are set by describe() before the first task.
  let engine!: Engine;
  let pages!: StorePages;
  let outDir = init.outDir;
  const describe = async (
    via: LoadedStore['via'],
    change?: { change: ChangeSet; subjectsBefore: string[] },
  ): Promise<LoadedStore> => {
    const namedGraphs = (await store.graphs()).map((g) => g.name);
    engine = await createEngine(store, {
      namedGraphs,
      allowService: init.allowService,
      // Unset before the first store is described.
      ...((engine as Engine | undefined) ? { reuse: engine } : {}),
    });
    pages = await StorePages.create(store, {
      outDir,
      namedGraphs,
      ...(change ? { previous: { pages, ...change } } : {}),
    });
    return {
      namedGraphs,
      size: await store.size(),
      datasetIris: pages.datasetIris,
      state: store.state,
      via,
      addresses: pages.addresses(),
    };
  };
  const info = await describe('load');
  const stateOf = (): { state?: string } => (store.state === undefined ? {} : { state: store.state });

  const runQuery = async (request: PoolRequest): Promise<QueryReply> => {
    const { mediaTypes, ...rest } = request;
    try {
      // Parsing and the policy run here: a large or pathological query costs this worker's time, never the server's.
      const parsed = parseQuery(request.query, {
        baseIri: request.baseIri,
        knownGraphs: engine.namedGraphs,
        allowService: engine.allowService,
      });
      const mediaType = mediaTypeForForm(parsed.form, mediaTypes);
      const answer = toAnswer(await executeQuery(engine, { ...rest, query: parsed, mediaType }));
      return { kind: 'answer', answer: { ...answer, ...stateOf() } };
    } catch (e) {
      if (e instanceof PolicyError) return { kind: 'refused', status: e.status, code: e.code, message: e.message };
      throw e;
    }
  };

  /**
   * The next build: by its change set when one leads from the state held (only the changed graphs are dropped and
   * loaded), else loaded whole. Either way in this one task, so no query of this worker sees a mix of the two.
   */
  const moveTo = async (next: string): Promise<QueryReply> => {
    outDir = next;
    const change = store.state === undefined ? undefined : await readChangeSet(outDir, store.state);
    if (change) {
      // What the changed graphs held before: the pages learn from it which resources the change may have removed.
      const subjectsBefore = await subjectsOfGraphs(
        store,
        change.graphs.map((g) => g.name),
      );
      await store.apply(change);
      return { kind: 'switched', info: await describe('change-set', { change, subjectsBefore }) };
    }
    // The old copy is freed before the new one is loaded: one copy per worker, even while moving.
    store.close();
    store = await EmbeddedStore.load(outDir, { onProgress, allowService: init.allowService });
    return { kind: 'switched', info: await describe('load') };
  };

  return {
    info,
    run: async (task): Promise<QueryReply> => {
      switch (task.kind) {
        case 'query':
          return runQuery(task.request);
        case 'page': {
          const page = await pages.render(task.request);
          if (!page) return { kind: 'missing' };
          if (page.kind === 'file') return page;
          if (page.kind === 'refused') {
            return { kind: 'refused', status: page.status, code: 'QUERY_REFUSED', message: page.message };
          }
          return { kind: 'answer', answer: { ...toAnswer(page.response), ...stateOf() } };
        }
        case 'switch':
          return moveTo(task.outDir);
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
