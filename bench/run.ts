// `npm run bench -- --records N`: generates synthetic records, measures our pipeline and endpoint against the anchors, prints a table, writes bench/results.json.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { editProjects } from './edit-records.ts';
import { generate } from './generate.ts';
import { JSONLD_JS_MAX_RECORDS, resourceSample, sampleOf, type Sample } from './queries.ts';
import { pushFigures, PUSH_MAX_RECORDS } from './push-figures.ts';
import { httpFigures, rebuildUnderLoad, startServe, virtuosoFigures, type Server } from './serve.ts';
import { targets, formatTable, ok, type Run, type SiteExportFigures } from './targets.ts';
import { SOURCE_LOADER_VARIABLE } from '../src/typescript-worker.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const BASE = 'https://projectgraph.example/';
/** Heap for the measuring children: the anchors (whole-graph SHACL, Comunica's store) need more than Node's default. */
const HEAP_MB = 16_384;
/** The largest run that exports the site: at a million records it would be some 15 million files. */
const SITE_MAX_RECORDS = 100_000;

const { values } = parseArgs({
  options: {
    records: { type: 'string', multiple: true },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: path.join(HERE, 'results.json') },
    keep: { type: 'boolean', default: false },
    'http-seconds': { type: 'string', default: '10' },
    prepared: { type: 'string', multiple: true },
    parts: { type: 'string' },
    'visible-seconds': { type: 'string', default: '60' },
  },
});
const PARTS = ['build', 'site', 'engine', 'store', 'http', 'rebuild', 'virtuoso', 'push', 'checks'] as const;
type Part = (typeof PARTS)[number];
const parts = new Set((values.parts ?? '').split(',').filter((x) => x !== '')) as Set<Part>;
for (const part of parts) {
  if (!PARTS.includes(part)) {
    process.stderr.write(`--parts takes a comma-separated list of ${PARTS.join(', ')}; got "${part}"\n`);
    process.exit(2);
  }
}
const httpSeconds = Number(values['http-seconds']);
const requested = (values.records ?? ['1000', '10000'])
  .flatMap((v) => v.split(','))
  .map((v) => Number(v.replace(/_/g, '')));
if (requested.some((n) => !Number.isInteger(n) || n < 1)) {
  process.stderr.write('--records takes whole numbers of projects, e.g. --records 1000 --records 10000\n');
  process.exit(2);
}
// Two targets compare with 10,000 records (linear build time, jsonld.js), so a larger run brings a 10,000 run along.
const sizes = [
  ...new Set([...requested, ...(Math.max(...requested) > JSONLD_JS_MAX_RECORDS ? [JSONLD_JS_MAX_RECORDS] : [])]),
].sort((a, b) => a - b);
const seed = Number(values.seed);

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * Runs one measurement in a fresh Node process and returns the figures it printed. A build runs with Node's own
 * heap limit, as `projectgraph build` does, so its peak memory is what a user's build takes (a larger limit lets
 * garbage pile up further before it is collected); the anchors and the stores get a large one.
 */
function child(task: string, args: string[]): Promise<Record<string, unknown>> {
  const heap = task === 'build' ? [] : [`--max-old-space-size=${HEAP_MB}`];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...heap, '--import', 'tsx', path.join(HERE, 'child.ts'), task, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      // Worker threads of the sources need the loader named (src/typescript-worker.ts).
      env: {
        ...process.env,
        [SOURCE_LOADER_VARIABLE]: new URL('../test/support/typescript-loader.mjs', import.meta.url).href,
      },
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`bench task ${task} failed (exit ${code}):\n${out.slice(-2000)}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>);
    });
  });
}

/**
 * The server's default of two query workers, unless two copies of the store (as measured by the store child of the
 * same run) would take more than 60 % of this machine's memory: then one. results.json says which.
 */
function serverWorkers(storeMB: number | undefined): number {
  if (storeMB === undefined) return 2;
  return 2 * storeMB > 0.6 * (totalmem() / 2 ** 20) ? 1 : 2;
}

interface Prepared {
  records: number;
  dir: string;
  data: string;
  out: string;
  sample: Sample;
  generateSec: number | null;
  /** A build given with --prepared: kept, and put back as it was after the rebuild part. */
  shared: boolean;
}

async function prepare(records: number): Promise<Prepared> {
  const dir = await mkdtemp(path.join(tmpdir(), `projectgraph-bench-${records}-`));
  const data = path.join(dir, 'data');
  log(`${records} records: generating into ${data}`);
  const t = performance.now();
  await generate(data, records, seed);
  return {
    records,
    dir,
    data,
    out: path.join(dir, 'out'),
    sample: await sampleOf(data, BASE),
    generateSec: (performance.now() - t) / 1000,
    shared: false,
  };
}

/** A directory holding `data/` (records) and `out/` (their build), made once and reused (--prepared). */
async function prepared(dir: string): Promise<Prepared> {
  const data = path.join(dir, 'data');
  const out = path.join(dir, 'out');
  for (const needed of [path.join(data, 'projects'), path.join(out, 'dataset.nq')]) {
    if (!existsSync(needed)) {
      process.stderr.write(`--prepared ${dir}: ${needed} is missing (see bench/README.md, "Prepared builds")\n`);
      process.exit(2);
    }
  }
  const records = (await readdir(path.join(data, 'projects'))).filter((f) => f.endsWith('.yaml')).length;
  return { records, dir, data, out, sample: await sampleOf(data, BASE), generateSec: null, shared: true };
}

type Figures = Record<string, unknown>;

/** Put back what the push part edited in a prepared build, once its push was measured. */
const restoreAfterPush: (() => Promise<void>)[] = [];

/** Whether a part runs: --parts, or every part (every part but the build for a prepared one). */
const runsPart = (p: Prepared, part: Part) => (values.parts ? parts.has(part) : !p.shared || part !== 'build');

/** Every part of one size, one after another; a part that fails leaves its error in its place. */
async function measure(p: Prepared): Promise<Run> {
  const n = p.records;
  const run: Run = { records: n, triples: null, generateSec: p.generateSec, prepared: p.shared ? p.dir : null };
  const attempt = async <T>(part: string, f: () => Promise<T>): Promise<T | { error: string }> => {
    try {
      return await f();
    } catch (e) {
      log(`${n}: ${part} failed: ${(e as Error).message.slice(0, 500)}`);
      return { error: (e as Error).message.slice(0, 2000) };
    }
  };
  if (runsPart(p, 'build')) {
    log(`${n}: build`);
    const build = await child('build', [p.data, p.out]);
    run.triples = build.triples as number;
    run.build = {
      totalSec: build.totalSec as number,
      peakRssMB: build.peakRssMB as number,
      stages: build.stages as Record<string, number>,
      records: build.records,
      files: build.files,
    };
    // Warm rebuilds into the same output, whose build cache the cold build left.
    log(`${n}: warm rebuild after one edited record`);
    await editProjects(p.data, 1, 'bewerkt');
    const one = await child('build', [p.data, p.out]);
    const some = Math.max(1, Math.round(n / 100));
    log(`${n}: warm rebuild after editing ${some} records (1 %)`);
    await editProjects(p.data, some, 'herzien');
    const percent = await child('build', [p.data, p.out]);
    run.warm = {
      oneEditSec: one.totalSec as number,
      onePercentSec: percent.totalSec as number,
      onePercentRecords: some,
      peakRssMB: Math.max(one.peakRssMB as number, percent.peakRssMB as number),
      stagesOneEdit: one.stages as Record<string, number>,
    };
    log(`${n}: n3 parse + write (the limit)`);
    const limit = await child('limit', [path.join(p.out, 'dataset.ttl'), path.join(p.dir, 'limit.nt')]);
    run.limit = { n3ParseWriteSec: limit.n3ParseWriteSec as number, triples: limit.triples };
  }
  if (runsPart(p, 'site')) {
    if (n > SITE_MAX_RECORDS) {
      run.siteExport = { skipped: `skipped above ${SITE_MAX_RECORDS.toLocaleString('en')} records` };
    } else {
      log(`${n}: export-site into an empty folder, then after one edited record and a rebuild`);
      run.siteExport = (await attempt('site', () => siteExportFigures(p))) as Run['siteExport'];
    }
  }
  if (runsPart(p, 'engine')) {
    const nt = path.join(p.out, 'dataset.nt');
    log(`${n}: SPARQL, the endpoint's engine over the embedded store`);
    const ours = await child('sparql-ours', [nt, BASE, JSON.stringify(p.sample)]);
    log(`${n}: SPARQL, Oxigraph over dataset.nt`);
    const oxi = await child('sparql-oxigraph', [nt, BASE, JSON.stringify(p.sample)]);
    run.triples ??= ours.triples as number;
    run.sparql = engineFigures(ours, oxi);
  }
  if (runsPart(p, 'store')) {
    log(`${n}: the embedded store: load, memory, queries through Comunica and Store.query`);
    const embedded = await child('store-embedded', [p.out, BASE, JSON.stringify(p.sample)]);
    log(`${n}: Oxigraph loading dataset.nq (the anchor)`);
    const oxi = await child('store-oxigraph', [path.join(p.out, 'dataset.nq')]);
    run.store = storeFigures(embedded, oxi);
  }
  const workers = serverWorkers(run.store?.wasmMB);
  const heapMb = HEAP_MB;
  const resources = await resourceSample(p.data, BASE, 100);
  const withServer = async (workers: number, use: (server: Server) => Promise<Figures>): Promise<Figures> => {
    const server = await startServe({ out: p.out, workers, heapMb });
    try {
      return await use(server);
    } finally {
      await server.stop();
    }
  };
  if (runsPart(p, 'http')) {
    log(`${n}: HTTP, projectgraph serve with ${workers} workers: lookups, resource pages; home and list pages`);
    const http = await attempt('http', () =>
      withServer(workers, (server) => httpFigures(server, BASE, p.sample, resources, httpSeconds)),
    );
    run.serve = { workers, ...http } as Run['serve'];
  }
  if (runsPart(p, 'rebuild')) {
    // The build runs beside the server: its peak (about 126 KB a record at 100,000) counts against the copies.
    const rebuildWorkers = 2 * (run.store?.wasmMB ?? 0) + 0.126 * n > 0.8 * (totalmem() / 2 ** 20) ? 1 : workers;
    log(`${n}: a one-record rebuild while autocannon runs (serve with ${rebuildWorkers} workers)`);
    run.rebuild = (await attempt('rebuild', () =>
      withServer(rebuildWorkers, (server) =>
        rebuildUnderLoad(server, {
          data: p.data,
          base: BASE,
          sample: p.sample,
          resources,
          rebuild: () => child('build', [p.data, p.out]),
          visibleLimitSec: Number(values['visible-seconds']),
          restore: p.shared,
        }),
      ),
    )) as Run['rebuild'];
    if (ok(run.rebuild)) run.rebuild.workers = rebuildWorkers;
  }
  if (runsPart(p, 'virtuoso')) {
    log(`${n}: serve --store over Virtuoso against Virtuoso's own endpoint`);
    run.virtuoso = (await attempt('virtuoso', () => virtuosoFigures(p.out, BASE, p.sample, heapMb))) as Run['virtuoso'];
  }
  // Issue 15 measures push at 100,000 and 10,000 records; at a million it would be hours of Virtuoso alone.
  if (runsPart(p, 'push') && n <= PUSH_MAX_RECORDS) {
    log(`${n}: push to a fresh Virtuoso (the first push), then after one edited record`);
    run.push = (await attempt('push', () =>
      pushFigures(p.out, async () => {
        // editProjects edits the first project of the sorted files when asked for one.
        const folder = path.join(p.data, 'projects');
        const first = path.join(folder, (await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort()[0]!);
        const original = await readFile(first, 'utf8');
        await editProjects(p.data, 1, 'gepusht');
        await child('build', [p.data, p.out]);
        // A prepared build is put back as it was (the rebuild part does the same).
        if (p.shared)
          restoreAfterPush.push(async () => {
            await writeFile(first, original);
            await child('build', [p.data, p.out]);
          });
      }),
    )) as Run['push'];
    for (const restore of restoreAfterPush.splice(0)) await restore();
  }
  if (runsPart(p, 'checks')) {
    log(`${n}: SHACL ours and whole graph; JSON-LD ours and jsonld.js`);
    const checks = await child('checks', [p.data, path.join(p.dir, 'bench.jsonld')]);
    run.shacl = checks.shacl as Run['shacl'];
    run.jsonld = checks.jsonld as Run['jsonld'];
  }
  // A prepared build's triples: the lines of its N-Triples dump, one triple each.
  run.triples ??= await lineCount(path.join(p.out, 'dataset.nt'));
  return run;
}

/**
 * The site export as a user runs it after each build: cold into an empty folder, then into the same folder after
 * one edited record and a rebuild (the export renders what the build's change sets touched). A prepared build is
 * only read: its export goes into a temp folder, and the record is put back and rebuilt afterwards.
 */
async function siteExportFigures(p: Prepared): Promise<SiteExportFigures> {
  const dir = p.shared ? await mkdtemp(path.join(tmpdir(), `projectgraph-bench-site-${p.records}-`)) : p.dir;
  const site = path.join(dir, 'site');
  const exportInto = () => child('export-site', [p.out, site, p.data]);
  try {
    const cold = await exportInto();
    // editProjects edits the first project of the sorted files when asked for one.
    const folder = path.join(p.data, 'projects');
    const first = path.join(folder, (await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort()[0]!);
    const original = await readFile(first, 'utf8');
    await editProjects(p.data, 1, 'geëxporteerd');
    try {
      await child('build', [p.data, p.out]);
      const one = await exportInto();
      return {
        coldSec: cold.exportSec as number,
        oneEditSec: one.exportSec as number,
        files: cold.files as number,
        peakRssMB: Math.max(cold.peakRssMB as number, one.peakRssMB as number),
        resources: cold.rendered as number,
        oneEditRendered: one.rendered as number,
        oneEditWritten: one.written as number,
      };
    } finally {
      if (p.shared) {
        await writeFile(first, original);
        await child('build', [p.data, p.out]);
      }
    }
  } finally {
    if (p.shared) await rm(dir, { recursive: true, force: true });
  }
}

async function lineCount(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

function engineFigures(ours: Figures, oxi: Figures): Run['sparql'] {
  const oq = ours.queries as Record<string, { p50Ms: number; rows: number }>;
  const xq = oxi.queries as Record<string, { p50Ms: number; rows: number }>;
  const queries = Object.fromEntries(
    Object.keys(oq).map((name) => [
      name,
      {
        oursP50Ms: oq[name]!.p50Ms,
        oxigraphP50Ms: xq[name]?.p50Ms ?? null,
        rows: oq[name]!.rows,
        oxigraphRows: xq[name]?.rows ?? null,
      },
    ]),
  );
  return {
    loadSec: ours.loadSec as number,
    rssMB: ours.rssMB as number,
    oxigraphLoadSec: oxi.loadSec as number,
    oxigraphRssMB: oxi.rssMB as number,
    engine:
      'src/serve/engine.ts: Comunica in front of the embedded store (EmbeddedStore.load + createEngine + executeQuery, as the server)',
    queries,
  };
}

type QueryTimes = Record<string, { p50Ms: number; cpuP50Ms: number; rows: number }>;

function storeFigures(embedded: Figures, oxi: Figures): NonNullable<Run['store']> {
  const q = embedded.queries as Record<string, QueryTimes>;
  return {
    loadSec: embedded.loadSec as number,
    oxigraphLoadSec: oxi.loadSec as number,
    loadCpuSec: embedded.loadCpuSec as number,
    oxigraphLoadCpuSec: oxi.loadCpuSec as number,
    wasmMB: embedded.wasmMB as number,
    oxigraphWasmMB: oxi.wasmMB as number,
    rssDeltaMB: embedded.rssDeltaMB as number,
    oxigraphRssDeltaMB: oxi.rssDeltaMB as number,
    quads: embedded.quads as number,
    queries: Object.fromEntries(
      Object.entries(q).map(([name, t]) => [
        name,
        {
          comunicaP50Ms: t.comunica!.p50Ms,
          oxigraphP50Ms: t.oxigraph!.p50Ms,
          comunicaCpuP50Ms: t.comunica!.cpuP50Ms,
          oxigraphCpuP50Ms: t.oxigraph!.cpuP50Ms,
          rows: t.comunica!.rows,
          oxigraphRows: t.oxigraph!.rows,
        },
      ]),
    ),
  };
}

async function cleanup(p: Prepared): Promise<void> {
  if (p.shared) return;
  if (!values.keep) await rm(p.dir, { recursive: true, force: true });
  else log(`kept ${p.dir}`);
}

/** One size, its measurements one after another. */
async function runSize(p: Prepared): Promise<Run> {
  try {
    return await measure(p);
  } finally {
    await cleanup(p);
  }
}

/** Writes results.json with every run finished so far; the top level holds the largest run's figures. */
async function writeResults(runs: Run[]): Promise<string> {
  const ordered = [...runs].sort((a, b) => a.records - b.records);
  const largest = ordered[ordered.length - 1]!;
  const checks = targets(ordered);
  const results = {
    ...largest,
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      cpu: cpus()[0]?.model ?? '',
      memoryGB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    seed,
    runs: ordered,
    targets: checks,
  };
  await writeFile(String(values.out), `${JSON.stringify(results, null, 2)}\n`);
  return formatTable(ordered, checks);
}

/*
 * Sizes run one after another, largest first, and each measurement alone: running lanes side by side on two
 * cores cost the comparisons their fairness (batched SHACL needs both cores; a build beside it took one).
 */
const runs: Run[] = [];
let table = '';
const given = await Promise.all((values.prepared ?? []).map(prepared));
const todo: (() => Promise<Prepared>)[] = [
  ...given.sort((a, b) => b.records - a.records).map((p) => async () => p),
  ...(given.length > 0 && values.records === undefined ? [] : [...sizes].reverse().map((n) => () => prepare(n))),
];
for (const next of todo) {
  const p = await next();
  runs.push(await runSize(p));
  table = await writeResults(runs);
  log(`${p.records}: done, results written to ${String(values.out)}`);
}
process.stdout.write(`${table}\nwrote ${String(values.out)}\n`);
