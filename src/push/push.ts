// Push: brings a store's named graphs in line with a build over the Graph Store Protocol (or batched SPARQL Update when
// many graphs go), sending only what changed, then checks the store's counts.
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { MANIFEST_FILE, parseManifest, readGraphLines, type Manifest } from '../publish/change-sets.ts';
import { GraphStore, GraphStoreError, type StoreCode } from './graph-store.ts';
import { SparqlUpdate, type GraphContent } from './sparql-update.ts';
import { HttpClient, describeFailure, redactUrl, splitCredentials, type Credentials } from './http-client.ts';
import { markPending, pushStateFile, readPushState, writePushState, type PushStateToWrite } from './push-state.ts';
import { countGraphs, countNamed, countTotals } from './store-counts.ts';

export interface PushOptions {
  outDir: string;
  /** The store's SPARQL query endpoint: used to check what the store holds. */
  store: string;
  /** The store's Graph Store Protocol endpoint; default: the same URL as `store` (as Fuseki's dataset URL serves both). */
  graphStore?: string;
  /**
   * The store's SPARQL 1.1 Update endpoint. With it, a push that replaces many graphs (a first push, --full)
   * sends them many to a request (CLEAR, then INSERT DATA) instead of one Graph Store request per graph.
   */
  update?: string;
  /** Size of the N-Triples of one update request (default 1 MB: Virtuoso refuses queries past 10 MB). */
  batchBytes?: number;
  /** Fewer graphs to replace than this go one by one over the Graph Store Protocol, as edits do (default 16). */
  batchMinGraphs?: number;
  user?: string;
  password?: string;
  /** Send every graph, not only the changed ones. */
  full?: boolean;
  /**
   * After sending, count every graph the store holds under the dataset, not only those this push changed: finds
   * graphs changed or added behind push's back. A push without its state, and one with `full`, always do.
   */
  verifyAll?: boolean;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Waits before each retry of a request the store refused with a transient status (default: 0.25 s, 1 s, 4 s). */
  retryDelaysMs?: number[];
  timeoutMs?: number;
  /** Where push state is kept (default: see pushStateFile). */
  stateFile?: string;
  /** Called after each graph-store request succeeded; tests use it to stop a store half way through a push. */
  onSent?: (op: Operation) => void | Promise<void>;
  /** Told after each graph sent or deleted (or failed): how many of how many (progress of long pushes). */
  onProgress?: (done: number, total: number) => void;
}

/** One request to the store: a graph replaced or removed over the Graph Store Protocol, or graphs in one update. */
export type Operation = { method: 'PUT' | 'DELETE'; graph: string } | { method: 'UPDATE'; graphs: string[] };

/**
 * Why a graph is not in sync, in the terms that decide what to do next: the store could not be reached or did
 * not answer in time (run the same push again), it refused the account (fix the credentials) or the data (its
 * message says why), or it holds something other than what was sent.
 */
export type FailureKind = 'unreachable' | 'timeout' | 'credentials' | 'forbidden' | 'refused' | 'differs';

/** The code of each kind of failure, which gives the exit status (a retry helps only with 4). */
export const FAILURE_CODE = {
  credentials: 'STORE_CREDENTIALS',
  forbidden: 'STORE_FORBIDDEN',
  unreachable: 'STORE_UNREACHABLE',
  timeout: 'STORE_TIMEOUT',
  refused: 'STORE_REFUSED',
  differs: 'STORE_DIFFERS',
} as const satisfies Record<FailureKind, StoreCode>;

const KIND_OF_CODE = Object.fromEntries(Object.entries(FAILURE_CODE).map(([k, c]) => [c, k])) as Record<
  StoreCode,
  FailureKind
>;

export interface OutOfSync {
  graph: string;
  reason: string;
  kind: FailureKind;
}

export interface PushReport {
  graphStore: string;
  sparql: string;
  sequence: number;
  stateFile: string;
  put: string[];
  deleted: string[];
  unchanged: number;
  /** Graphs the push meant to replace and to delete. */
  planned: { put: number; delete: number };
  /** Graphs and triples the store holds under our prefix after the push, when every graph was counted. */
  verified?: { graphs: number; triples: number };
  outOfSync: OutOfSync[];
  /** What stopped the push, when something did: the failure that decides the advice (see FAILURE_ORDER). */
  failure?: { kind: FailureKind; reason: string };
  seconds: number;
}

export async function push(options: PushOptions): Promise<PushReport> {
  const started = performance.now();
  // The build the output links to now: every read of this push is of that one build, though a new one may be
  // published meanwhile (the build before the newest is kept for readers such as this).
  const buildDir = await realpath(options.outDir).catch(() => options.outDir);
  const manifest = await readManifest(buildDir, options.outDir);
  const sparql = endpoint(options.store, '--store');
  const gsp = endpoint(options.graphStore ?? options.store, '--graph-store');
  const credentials: Credentials | undefined =
    options.user !== undefined
      ? { user: options.user, password: options.password ?? '' }
      : (gsp.credentials ?? sparql.credentials);
  const http = new HttpClient(credentials, options.timeoutMs);
  const store = new GraphStore(http, gsp.url);
  const update =
    options.update !== undefined ? new SparqlUpdate(http, endpoint(options.update, '--update').url) : undefined;
  const stateFile = options.stateFile ?? pushStateFile(options.outDir, gsp.url);
  const previous = await readPushState(stateFile);
  // A Map: the state of a large build has a hundred thousand graphs, which an object copies and updates slowly.
  const known = new Map<string, string | null>(Object.entries(previous?.graphs ?? {}));
  const outOfSync = new Map<string, { reason: string; kind: FailureKind }>();
  const state = (): PushStateToWrite => ({
    format: 'projectgraph-push/1',
    graphStore: redactUrl(gsp.url),
    sparql: redactUrl(sparql.url),
    graphs: known,
  });
  const report = (extra: Partial<PushReport> = {}): PushReport => {
    const rank = (o: { kind: FailureKind }) => FAILURE_ORDER.indexOf(o.kind);
    const failure = [...outOfSync.values()].sort((a, b) => rank(a) - rank(b))[0];
    return {
      graphStore: redactUrl(gsp.url),
      sparql: redactUrl(sparql.url),
      sequence: manifest.sequence,
      stateFile,
      put: [],
      deleted: [],
      unchanged: 0,
      planned: { put: 0, delete: 0 },
      ...extra,
      outOfSync: [...outOfSync].map(([graph, o]) => ({ graph, ...o })).sort((a, b) => (a.graph < b.graph ? -1 : 1)),
      ...(failure ? { failure } : {}),
      seconds: (performance.now() - started) / 1000,
    };
  };

  // Without a record of this store (first push, or the state was lost) or with --full, ask the store which
  // of our graphs it holds, so that graphs of records deleted since are removed too.
  // Graphs the store is known not to hold need no clearing before they are inserted.
  let held: Set<string> | undefined;
  if (!previous || options.full) {
    let counts: Map<string, number>;
    try {
      counts = await countGraphs(http, sparql.url, manifest.graphPrefix);
    } catch (e) {
      const kind = failureKind(e);
      const reason = `not sent: the store could not be asked what it holds (${describeFailure(e)})`;
      for (const g of Object.keys(manifest.graphs)) outOfSync.set(g, { reason, kind });
      return report({ planned: { put: Object.keys(manifest.graphs).length, delete: 0 } });
    }
    for (const g of counts.keys()) if (!(g in manifest.graphs) && !known.has(g)) known.set(g, null);
    held = new Set(counts.keys());
  }

  const puts = Object.keys(manifest.graphs).filter((g) => options.full || known.get(g) !== manifest.graphs[g]!.hash);
  const deletes = [...known.keys()].filter((g) => !(g in manifest.graphs));
  const unchanged = Object.keys(manifest.graphs).length - puts.length;
  // Until the store confirms them, the graphs about to change are unknown: a push killed now resends them next time.
  for (const g of [...puts, ...deletes]) known.set(g, null);
  // A first push writes the whole state; a later one lists only the graphs it is about to change beside it.
  if (!previous) await writePushState(stateFile, state());
  else if (puts.length + deletes.length > 0) await markPending(stateFile, [...puts, ...deletes]);

  const sent: string[] = [];
  const deleted: string[] = [];
  const batched = update !== undefined && puts.length >= (options.batchMinGraphs ?? 16);
  // Graphs still to go in update requests, and the size of one: halved each time the store refuses one as too
  // large, so that a store with a lower limit settles on what it takes rather than refusing every request.
  const queue = batched ? [...puts] : [];
  let batchBytes = options.batchBytes ?? 1_000_000;
  const ops: Operation[] = [
    ...(batched ? [] : puts.map((graph) => ({ method: 'PUT' as const, graph }))),
    ...deletes.map((graph) => ({ method: 'DELETE' as const, graph })),
  ];
  const total = puts.length + deletes.length;
  const graphsOf = (op: Operation) => (op.method === 'UPDATE' ? op.graphs : [op.graph]);
  let stopped: { reason: string; kind: FailureKind } | undefined;
  let next = 0;
  const retryDelays = options.retryDelaysMs ?? [250, 1000, 4000];
  const nqFile = path.join(buildDir, manifest.dump);
  let done = 0;
  const worker = async () => {
    while (stopped === undefined && (queue.length > 0 || next < ops.length)) {
      const op = queue.length > 0 ? takeBatch(queue, manifest, batchBytes) : ops[next++]!;
      try {
        if (op.method === 'UPDATE') {
          const lines = await readGraphLines(nqFile, manifest, op.graphs);
          const contents: GraphContent[] = op.graphs.map((graph) => ({
            graph,
            lines: lines.get(graph) ?? [],
            clear: held === undefined || held.has(graph),
          }));
          try {
            // One retry only: a refusal that stays goes again in smaller requests below, which are retried.
            await withRetries(() => update!.replaceGraphs(contents), retryDelays.slice(0, 1));
          } catch (e) {
            // A store that takes updates, but not this one (too large for it, or a graph it cannot take in an
            // update): its graphs go again in smaller requests, and a single graph over the Graph Store Protocol.
            if (!(e instanceof GraphStoreError) || KIND_OF_CODE[e.code] !== 'refused') throw e;
            if (op.graphs.length === 1) ops.splice(next, 0, { method: 'PUT', graph: op.graphs[0]! });
            else {
              const size = op.graphs.reduce((n, g) => n + manifest.graphs[g]!.length, 0);
              batchBytes = Math.min(batchBytes, Math.floor(size / 2));
              queue.unshift(...op.graphs);
            }
            continue;
          }
          sent.push(...op.graphs);
        } else if (op.method === 'PUT') {
          const body = ((await readGraphLines(nqFile, manifest, [op.graph])).get(op.graph) ?? []).join('');
          await withRetries(() => store.put(op.graph, body), retryDelays);
          sent.push(op.graph);
        } else {
          await withRetries(() => store.delete(op.graph), retryDelays);
          known.delete(op.graph);
          deleted.push(op.graph);
        }
      } catch (e) {
        const reason = e instanceof GraphStoreError ? e.message : `${op.method} failed: ${describeFailure(e)}`;
        const failure = { reason, kind: failureKind(e) };
        for (const g of graphsOf(op)) outOfSync.set(g, failure);
        // A store that is gone, or that refuses our account, will refuse the rest too: stop sending.
        if (!(e instanceof GraphStoreError) || e.status === 401 || e.status === 403) stopped = failure;
        done += graphsOf(op).length;
        options.onProgress?.(done, total);
        continue;
      }
      done += graphsOf(op).length;
      options.onProgress?.(done, total);
      await options.onSent?.(op);
    }
  };
  // Two update requests at once keep a store busy while the next is read and sent; more make Virtuoso's inserts
  // deadlock on each other (SR172), which costs retries.
  const width = options.concurrency ?? (batched ? 2 : 4);
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, ops.length + queue.length)) }, worker));
  const reached = new Set([...sent, ...deleted]);
  for (const g of [...puts, ...deletes]) {
    if (!outOfSync.has(g) && !reached.has(g)) {
      outOfSync.set(g, {
        reason: `not sent: the push stopped after an earlier failure (${stopped?.reason ?? 'unknown'})`,
        kind: stopped?.kind ?? 'unreachable',
      });
    }
  }

  // Verify. A push that changed few graphs counts those by name (the ones sent must hold what the build has, the
  // ones deleted nothing): work in proportion to the change, as a count by name costs about as much as one graph.
  // A push that asked the store what it holds (no push state, --full), one told to (verifyAll), or one that sent
  // more graphs than counting by name is worth, counts the whole dataset by its totals instead, one pass over the
  // store; only when the totals differ is every graph counted, to find which ones are wrong or should not be there.
  let verified: PushReport['verified'];
  try {
    const whole = held !== undefined || options.verifyAll === true || sent.length + deleted.length > BY_NAME_MAX;
    const totals = whole ? await countTotals(http, sparql.url, manifest.graphPrefix) : undefined;
    const inSync =
      totals !== undefined &&
      totals.graphs === Object.keys(manifest.graphs).length &&
      totals.triples === Object.values(manifest.graphs).reduce((n, e) => n + e.triples, 0);
    const counts = inSync
      ? new Map([...sent.map((g) => [g, manifest.graphs[g]!.triples] as const), ...deleted.map((g) => [g, 0] as const)])
      : whole
        ? await countGraphs(http, sparql.url, manifest.graphPrefix)
        : await countNamed(http, sparql.url, [...sent, ...deleted]);
    for (const g of sent) {
      const entry = manifest.graphs[g]!;
      const found = counts.get(g) ?? 0;
      if (found === entry.triples) known.set(g, entry.hash);
      else outOfSync.set(g, differs(`the store holds ${found} triples in this graph, the build ${entry.triples}`));
    }
    for (const g of deleted) {
      const n = counts.get(g) ?? 0;
      if (n === 0) continue;
      known.set(g, null);
      outOfSync.set(g, differs(`the store still holds this graph (${n} triples), which the build no longer has`));
    }
    if (whole && !inSync) {
      for (const [g, entry] of Object.entries(manifest.graphs)) {
        const found = counts.get(g) ?? 0;
        if (found === entry.triples) continue;
        known.set(g, null);
        const reason = `the store holds ${found} triples in this graph, the build ${entry.triples}`;
        if (!outOfSync.has(g)) outOfSync.set(g, differs(reason));
      }
      for (const [g, n] of counts) {
        if (g in manifest.graphs) continue;
        known.set(g, null);
        const reason = `the store still holds this graph (${n} triples), which the build no longer has`;
        if (!outOfSync.has(g)) outOfSync.set(g, differs(reason));
      }
    }
    if (totals) verified = totals;
  } catch (e) {
    const kind = failureKind(e);
    const unverified = `sent, but not verified: the store could not be asked (${describeFailure(e)})`;
    for (const g of sent) {
      known.set(g, null);
      if (!outOfSync.has(g)) outOfSync.set(g, { reason: unverified, kind });
    }
  }

  const final = state();
  if (outOfSync.size === 0) Object.assign(final, { sequence: manifest.sequence, state: manifest.state });
  await writePushState(stateFile, final);
  const planned = { put: puts.length, delete: deletes.length };
  return report({ put: sent.sort(), deleted: deleted.sort(), unchanged, planned, ...(verified ? { verified } : {}) });
}

/**
 * Past this many graphs sent or deleted, a push checks the whole dataset by its totals rather than each graph by
 * name: Virtuoso counts 200 graphs by name in about the time it totals 10,000 records' graphs.
 */
const BY_NAME_MAX = 1000;

/** The next update request: graphs from the front of the queue, at least one, up to about `bytes` in the dump. */
function takeBatch(queue: string[], manifest: Manifest, bytes: number): Operation {
  let size = manifest.graphs[queue[0]!]!.length;
  let n = 1;
  while (n < queue.length && size + manifest.graphs[queue[n]!]!.length <= bytes)
    size += manifest.graphs[queue[n++]!]!.length;
  return { method: 'UPDATE', graphs: queue.splice(0, n) };
}

/** The failure that decides the advice when graphs fail for several reasons: the one to fix first. */
const FAILURE_ORDER: FailureKind[] = ['credentials', 'forbidden', 'unreachable', 'timeout', 'refused', 'differs'];

/** Network errors of fetch (undici) that mean the store could not be reached at all. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

const differs = (reason: string) => ({ reason, kind: 'differs' as const });
const TIMED_OUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** What kind of failure an error of a request to the store is (FailureKind). */
export function failureKind(e: unknown): FailureKind {
  if (e instanceof GraphStoreError) return KIND_OF_CODE[e.code];
  if (e instanceof Error) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
    const code = (e as Error & { cause?: { code?: string } }).cause?.code;
    if (code !== undefined && TIMED_OUT.has(code)) return 'timeout';
    if (code !== undefined && UNREACHABLE.has(code)) return 'unreachable';
    // fetch's own "fetch failed" without a known code: the request did not get through.
    if (e instanceof TypeError && e.message === 'fetch failed') return 'unreachable';
  }
  return 'refused';
}

/**
 * PUT and DELETE of a whole graph are idempotent, so a refusal that says "try again" is retried.
 * Virtuoso needs this: concurrent first uses of a language tag race on its RDF_LANGUAGE table and one
 * of the loads fails with a 500 (SR197, non-unique primary key) that succeeds when sent again.
 */
async function withRetries(send: () => Promise<void>, delaysMs: number[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof GraphStoreError) || !TRANSIENT.has(e.status)) throw e;
      const delay = delaysMs[attempt];
      if (delay === undefined)
        throw attempt === 0 ? e : new GraphStoreError(`${e.message}; tried ${attempt + 1} times`, e.status);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Statuses after which the same request may succeed: timeouts, rate limits and server-side failures. */
const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);

async function readManifest(dir: string, outDir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new UsageError(`${path.join(outDir, MANIFEST_FILE)} not found: run "projectgraph build" first`);
  }
  const m = parseManifest(text);
  if (typeof m === 'string')
    throw new UsageError(`${path.join(outDir, MANIFEST_FILE)} ${m}: run "projectgraph build" again`);
  return m;
}

function endpoint(value: string, option: string): ReturnType<typeof splitCredentials> {
  let parsed: ReturnType<typeof splitCredentials>;
  try {
    parsed = splitCredentials(value);
  } catch {
    throw new UsageError(`${option} must be an http or https URL`);
  }
  if (parsed.url.protocol !== 'http:' && parsed.url.protocol !== 'https:')
    throw new UsageError(`${option} must be an http or https URL`);
  return parsed;
}
