// The bench's HTTP parts: `projectgraph serve` started from the source, loaded with autocannon (SPARQL lookups,
// resource pages, the home and list pages), a one-record rebuild under load, and serve --store over Virtuoso.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, link, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseDocument, YAMLMap } from 'yaml';
import autocannon, { type Result } from 'autocannon';
import { benchQueries, timeRuns, type Sample } from './queries.ts';
import { SCHEMA } from '../src/vocab.ts';
import { SOURCE_LOADER_VARIABLE } from '../src/typescript-worker.ts';
import { startVirtuoso, type Virtuoso } from '../test/push/support/virtuoso.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const CONNECTIONS = 10;
/** Sequential requests per home or list page: their latency is a visitor's, not a server's under load. */
const PAGE_REQUESTS = 20;
/** What a list page may weigh and take (issue 14). */
export const LIST_PAGE_MAX_BYTES = 200 * 1024;

type Figures = Record<string, unknown>;

export interface Server {
  proc: ChildProcess;
  /** The server's root, ending in `/`. */
  url: string;
  sparql: string;
  /** From the start until the endpoint answered a query with 200 (a loading server says 503 first). */
  readySec: number;
  stop(): Promise<void>;
}

export interface ServeOptions {
  out: string;
  workers: number;
  heapMb: number;
  /** serve --store: the external store's SPARQL endpoint. */
  store?: string;
  /** serve --timeout: the time limit of one query. */
  timeoutSec?: number;
  /** How long the server may take to answer its first query. */
  readyTimeoutSec?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `projectgraph serve` from the source (bench/cli.ts), on a free port, and waits until it answers. */
export async function startServe(options: ServeOptions): Promise<Server> {
  const started = performance.now();
  const args = ['serve', '--out', options.out, '--port', '0', '--host', '127.0.0.1'];
  args.push('--workers', String(options.workers));
  if (options.store !== undefined) args.push('--store', options.store);
  if (options.timeoutSec !== undefined) args.push('--timeout', String(options.timeoutSec));
  const proc = spawn(
    process.execPath,
    [`--max-old-space-size=${options.heapMb}`, '--import', 'tsx', path.join(HERE, 'cli.ts'), ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        // Worker threads of the sources need the loader named (src/typescript-worker.ts).
        [SOURCE_LOADER_VARIABLE]: new URL('../test/support/typescript-loader.mjs', import.meta.url).href,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${options.heapMb}`.trim(),
      },
    },
  );
  let seen = '';
  let errors = '';
  let exited: string | undefined;
  proc.stderr!.on('data', (d: Buffer) => (errors = (errors + d.toString()).slice(-4000)));
  proc.stdout!.on('data', (d: Buffer) => (seen = (seen + d.toString()).slice(-20_000)));
  proc.on('close', (code) => (exited = `the server stopped (exit ${code}):\n${errors}${seen.slice(-2000)}`));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const closed = new Promise((r) => proc.once('close', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await closed;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.readyTimeoutSec ?? 1800) * 1000;
  try {
    // A server that loads in the background listens first; one that loads first prints its URLs when ready.
    let url: string | undefined;
    let sparql: string | undefined;
    while (Date.now() < deadline && exited === undefined) {
      url ??= /(?:ready|listening) at (\S+?)(?::\s|\s|$)/.exec(seen)?.[1] ?? /home:\s+(\S+)/.exec(seen)?.[1];
      sparql ??= /SPARQL:\s+(\S+)/.exec(seen)?.[1];
      if (url !== undefined && sparql === undefined) sparql = new URL('sparql', url).href;
      if (sparql !== undefined && url !== undefined) {
        const status = await fetch(`${sparql}?query=${encodeURIComponent('ASK {}')}`, {
          headers: { accept: 'application/sparql-results+json' },
          signal: AbortSignal.timeout(5000),
        }).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) {
          return { proc, url: url.endsWith('/') ? url : `${url}/`, sparql, readySec: sec(started), stop };
        }
      }
      await sleep(200);
    }
    throw new Error(exited ?? `the server did not answer within ${options.readyTimeoutSec ?? 1800} s:\n${errors}`);
  } catch (e) {
    await stop();
    throw e;
  }
}

const sec = (from: number) => (performance.now() - from) / 1000;

/** The figures of one autocannon run that the targets read; failures are every non-2xx, error and timeout. */
function loadFigures(result: Result): Figures {
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    failed: result.non2xx + result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
  };
}

/** The server's URL of a dataset IRI (the server answers for IRIs under the base at the same path). */
const pathOf = (iri: string, base: string) => `/${iri.slice(base.length)}`;

/**
 * The home page and the list pages: each kind's list, a deep page of the projects, a search and a filtered list,
 * the lists of a keyword's, an organisation's and a programme's projects (the sample's), the concept scheme of the
 * keywords, and the home page's other links to lists. A URL that answers 404 is recorded with null figures: the
 * list does not exist.
 */
async function listPages(server: Server, base: string, sample: Sample): Promise<Record<string, Figures>> {
  const paths = new Set(['/', '/keyword']);
  for (const kind of ['project', 'organisation', 'programme', 'keyword', 'event', 'publication'])
    paths.add(`/list/${kind}`);
  // The last page of the largest list, where an offset-paged list would be slowest (its pager links to it).
  const projects = await fetch(new URL('list/project', server.url), { headers: { accept: 'text/html' } }).then((r) =>
    r.text(),
  );
  const last = Math.max(1, ...[...projects.matchAll(/[?&;]page=(\d+)/g)].map((m) => Number(m[1])));
  paths.add(`/list/project?page=${last}`);
  paths.add('/list/project?q=energie');
  paths.add('/list/project?status=completed&year=2015');
  for (const iri of [sample.keyword, sample.organisation, sample.programme])
    if (iri !== undefined) paths.add(`/list${pathOf(iri, base)}`);
  const home = await fetch(server.url, { headers: { accept: 'text/html' } }).then((r) => r.text());
  for (const m of home.matchAll(/href="([^"#]+)"/g)) {
    const u = new URL(m[1]!.replace(/&amp;/g, '&'), server.url);
    if (u.origin !== new URL(server.url).origin || !u.pathname.startsWith('/list/')) continue;
    if (paths.size >= 30) break;
    paths.add(u.pathname + u.search);
  }
  const out: Record<string, Figures> = {};
  for (const p of paths) {
    const times: number[] = [];
    let status = 0;
    let bytes = 0;
    for (let i = 0; i < PAGE_REQUESTS; i++) {
      const t = performance.now();
      // Uncompressed, as the size target means the page itself.
      const res = await fetch(new URL(p.slice(1), server.url), {
        headers: { accept: 'text/html', 'accept-encoding': 'identity' },
      });
      const body = Buffer.from(await res.arrayBuffer());
      times.push(performance.now() - t);
      status = res.status;
      bytes = body.length;
      if (status === 404) break;
    }
    times.sort((a, b) => a - b);
    out[p] =
      status === 404
        ? { status, bytes: null, p50Ms: null, maxMs: null }
        : { status, bytes, p50Ms: times[Math.floor(times.length / 2)]!, maxMs: times[times.length - 1]! };
  }
  return out;
}

/** SPARQL lookups, resource pages as HTML, the home and list pages: each figure against the running server. */
export async function httpFigures(
  server: Server,
  base: string,
  sample: Sample,
  resources: string[],
  seconds: number,
): Promise<Figures> {
  const lookup = benchQueries(base, sample)[0]!.sparql;
  const lookups = await autocannon({
    url: `${server.sparql}?query=${encodeURIComponent(lookup)}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { accept: 'application/sparql-results+json' },
  });
  const pages = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: resources.map((iri) => ({ path: pathOf(iri, base), headers: { accept: 'text/html' } })),
  });
  return {
    readySec: server.readySec,
    lookup: loadFigures(lookups),
    pages: { ...loadFigures(pages), resources: resources.length },
    lists: await listPages(server, base, sample),
  };
}

/** Polls `probe` until it says yes; the seconds it took, or null when it did not within `limitSec`. */
async function until(probe: () => Promise<boolean>, limitSec: number): Promise<number | null> {
  const started = performance.now();
  while (sec(started) < limitSec) {
    if (await probe().catch(() => false)) return sec(started);
    await sleep(50);
  }
  return null;
}

export interface RebuildOptions {
  data: string;
  base: string;
  sample: Sample;
  resources: string[];
  /** Runs the build of `data` into the served output, as `projectgraph build` does. */
  rebuild: () => Promise<Figures>;
  /** How long after the build the new value may take to show before it counts as not visible. */
  visibleLimitSec: number;
  /** Put the record back and build again afterwards (a prepared build shared with other runs). */
  restore: boolean;
}

/**
 * Edits one project's name, rebuilds into the output the server serves while autocannon loads it with lookups
 * and pages, and measures from the build's end until SPARQL and the project's page show the new name.
 */
export async function rebuildUnderLoad(server: Server, o: RebuildOptions): Promise<Figures> {
  const id = o.sample.project.slice(o.sample.project.lastIndexOf('/') + 1);
  const file = path.join(o.data, 'projects', `${id}.yaml`);
  const original = await readFile(file, 'utf8');
  const marker = `bench-edit-${Date.now()}`;
  // The record's name, or its Dutch one where it has translations (what the page shows first).
  const doc = parseDocument(original);
  const at = doc.get('name') instanceof YAMLMap ? ['name', 'nl'] : ['name'];
  const name = doc.getIn(at);
  if (typeof name !== 'string') throw new Error(`${file} has no name to edit at ${at.join('.')}`);
  doc.setIn(at, `${name} ${marker}`);
  const edited = doc.toString();
  const nameQuery = `SELECT ?name WHERE { <${o.sample.project}> <${SCHEMA('name').value}> ?name }`;
  const page = new URL(pathOf(o.sample.project, o.base).slice(1), server.url);
  const lookup = benchQueries(o.base, o.sample)[0]!.sparql;
  let finished!: (r: Result) => void;
  const result = new Promise<Result>((resolve) => (finished = resolve));
  const load = autocannon(
    {
      url: server.url,
      connections: CONNECTIONS,
      duration: 3600,
      requests: [
        {
          path: `/${server.sparql.slice(server.url.length)}?query=${encodeURIComponent(lookup)}`,
          headers: { accept: 'application/sparql-results+json' },
        },
        ...o.resources.map((iri) => ({ path: pathOf(iri, o.base), headers: { accept: 'text/html' } })),
      ],
    },
    (_e, r) => finished(r),
  );
  let build: Figures;
  let sparqlVisibleSec: number | null;
  let pageVisibleSec: number | null;
  try {
    await sleep(1000);
    await writeFile(file, edited);
    build = await o.rebuild();
    const sparqlSees = until(async () => {
      const r = await fetch(`${server.sparql}?query=${encodeURIComponent(nameQuery)}`, {
        headers: { accept: 'application/sparql-results+json' },
      });
      return r.ok && (await r.text()).includes(marker);
    }, o.visibleLimitSec);
    const pageSees = until(async () => {
      const r = await fetch(page, { headers: { accept: 'text/html' } });
      return r.ok && (await r.text()).includes(marker);
    }, o.visibleLimitSec);
    [sparqlVisibleSec, pageVisibleSec] = await Promise.all([sparqlSees, pageSees]);
    // Both clocks start at the build's end; the probes run side by side.
    await sleep(1000);
  } finally {
    load.stop();
  }
  const figures: Figures = {
    buildSec: build.totalSec,
    sparqlVisibleSec,
    pageVisibleSec,
    visibleLimitSec: o.visibleLimitSec,
    load: loadFigures(await result),
  };
  if (o.restore) {
    await writeFile(file, original);
    await o.rebuild();
  }
  return figures;
}

const run = promisify(execFile);

/** Rows of a SPARQL JSON body. */
const rowsOf = (body: string) => (JSON.parse(body) as { results: { bindings: unknown[] } }).results.bindings.length;

/**
 * A fresh Virtuoso sized as its own guide sizes one for 2 GB: the test set-up's buffers (80 MB) and 60 s query limit
 * are for small test data.
 */
export async function startSizedVirtuoso(): Promise<Virtuoso> {
  const virtuoso = await startVirtuoso(120_000);
  try {
    await virtuoso.kill();
    for (const f of ['virtuoso.db', 'virtuoso.trx', 'virtuoso.lck', 'virtuoso-temp.db'])
      await rm(path.join(virtuoso.dir, f), { force: true });
    const iniFile = path.join(virtuoso.dir, 'virtuoso.ini');
    await writeFile(
      iniFile,
      (await readFile(iniFile, 'utf8'))
        .replace(/^NumberOfBuffers = \d+$/m, 'NumberOfBuffers = 170000')
        .replace(/^MaxDirtyBuffers = \d+$/m, 'MaxDirtyBuffers = 130000')
        .replace(/^MaxQueryExecutionTime = \d+$/m, 'MaxQueryExecutionTime = 600'),
    );
    await virtuoso.restart();
    return virtuoso;
  } catch (e) {
    await virtuoso.stop();
    throw e;
  }
}

/**
 * serve --store over a fresh Virtuoso holding the build's dataset.nq (bulk-loaded, as the quickest way to the same
 * named graphs that push writes): the six queries through the server against Virtuoso's own endpoint.
 */
export async function virtuosoFigures(out: string, base: string, sample: Sample, heapMb: number): Promise<Figures> {
  const virtuoso = await startSizedVirtuoso();
  try {
    const t = performance.now();
    const nq = path.join(virtuoso.dir, 'dataset.nq');
    await link(path.join(out, 'dataset.nq'), nq).catch(() => copyFile(path.join(out, 'dataset.nq'), nq));
    const ini = await readFile(path.join(virtuoso.dir, 'virtuoso.ini'), 'utf8');
    const sqlPort = /ServerPort = (127\.0\.0\.1:\d+)/.exec(ini)![1]!;
    const sql = "ld_dir('.', 'dataset.nq', 'urn:projectgraph:bench:unused'); rdf_loader_run(); checkpoint;";
    await run('isql-vt', [sqlPort, 'dba', 'dba', `exec=${sql}`], { maxBuffer: 1 << 24 });
    const loadSec = sec(t);
    // The server counts the store's graphs when it starts, under the query time limit: at 10,000 records on a
    // busy machine that took longer than the default 10 s.
    const server = await startServe({
      out,
      workers: 2,
      heapMb,
      store: virtuoso.sparql,
      timeoutSec: 120,
      readyTimeoutSec: 600,
    });
    try {
      const ask = async (endpoint: string, query: string) => {
        const r = await fetch(`${endpoint}?query=${encodeURIComponent(query)}`, {
          headers: { accept: 'application/sparql-results+json' },
        });
        if (!r.ok) throw new Error(`${endpoint} answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
        return rowsOf(await r.text());
      };
      const queries: Record<string, Figures> = {};
      for (const q of benchQueries(base, sample)) {
        const t = await timeRuns({
          serve: () => ask(server.sparql, q.sparql),
          virtuoso: () => ask(virtuoso.sparql, q.sparql),
        });
        queries[q.name] = {
          serveP50Ms: t.serve.p50Ms,
          virtuosoP50Ms: t.virtuoso.p50Ms,
          rows: t.serve.rows,
          virtuosoRows: t.virtuoso.rows,
        };
      }
      return { loadSec, serveReadySec: server.readySec, queries };
    } finally {
      await server.stop();
    }
  } finally {
    await virtuoso.stop();
  }
}
