// `npm run bench -- --records N`: generates synthetic records, measures our pipeline and endpoint against the anchors, prints a table, writes bench/results.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './generate.ts';
import { benchQueries, JSONLD_JS_MAX_RECORDS, sampleOf, type Sample } from './queries.ts';
import { targets, formatTable, type Run } from './targets.ts';
import { SOURCE_LOADER_VARIABLE } from '../src/typescript-worker.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const BASE = 'https://projectgraph.example/';
/** Heap for the measuring children: the anchors (whole-graph SHACL, Comunica's store) need more than Node's default. */
const HEAP_MB = 16_384;

const { values } = parseArgs({
  options: {
    records: { type: 'string', multiple: true },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: path.join(HERE, 'results.json') },
    keep: { type: 'boolean', default: false },
    'http-seconds': { type: 'string', default: '10' },
  },
});
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

/** Runs one measurement in a fresh Node process and returns the figures it printed. */
function child(task: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', path.join(HERE, 'child.ts'), task, ...args],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
        // Worker threads of the sources need the loader named (src/typescript-worker.ts).
        env: {
          ...process.env,
          [SOURCE_LOADER_VARIABLE]: new URL('../test/support/typescript-loader.mjs', import.meta.url).href,
        },
      },
    );
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

/** Starts `projectgraph serve` on a free port and resolves with its SPARQL URL once it listens. */
function startServer(out: string, workers: number): Promise<{ proc: ChildProcess; sparql: string }> {
  return new Promise((resolve, reject) => {
    // Each query worker holds its own store; at 100,000 records that needs more than Node's default heap.
    const args = ['serve', '--out', out, '--port', '0', '--host', '127.0.0.1', '--workers', String(workers)];
    const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'projectgraph.js'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_MB}`.trim() },
    });
    let seen = '';
    let errors = '';
    proc.stderr!.on('data', (d: Buffer) => (errors = (errors + d.toString()).slice(-4000)));
    proc.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      const m = /SPARQL:\s+(\S+)/.exec(seen);
      if (m) resolve({ proc, sparql: m[1]! });
    });
    proc.on('error', reject);
    proc.on('close', (code) => reject(new Error(`the server stopped (exit ${code}) before it listened:\n${errors}`)));
  });
}

/**
 * The server's default of two query workers, unless two copies of the store (as measured by the SPARQL child
 * of the same run) would take more than 60 % of this machine's memory: then one, as the README advises for
 * large datasets. results.json says which.
 */
function serverWorkers(storeRssMB: number): number {
  return 2 * storeRssMB > 0.6 * (totalmem() / 2 ** 20) ? 1 : 2;
}

async function httpFigures(out: string, sample: Sample, workers: number): Promise<Record<string, unknown>> {
  const started = performance.now();
  const { proc, sparql } = await startServer(out, workers);
  const readySec = (performance.now() - started) / 1000;
  try {
    const { default: autocannon } = await import('autocannon');
    const lookup = benchQueries(BASE, sample)[0]!.sparql;
    const result = await autocannon({
      url: `${sparql}?query=${encodeURIComponent(lookup)}`,
      connections: 10,
      duration: Number(values['http-seconds']),
      headers: { accept: 'application/sparql-results+json' },
    });
    const ok = result['2xx'];
    return {
      lookupReqPerSec: result.requests.average,
      p99Ms: result.latency.p99,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      ok,
      serverReadySec: readySec,
      workers,
    };
  } finally {
    proc.kill('SIGTERM');
  }
}

interface Prepared {
  records: number;
  dir: string;
  data: string;
  out: string;
  sample: Sample;
  generateSec: number;
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
  };
}

type Figures = Record<string, unknown>;

/** The build and everything that needs its output: the n3 limit, both SPARQL engines, the HTTP server. */
async function buildLane(p: Prepared): Promise<Figures> {
  const n = p.records;
  log(`${n}: build`);
  const build = await child('build', [p.data, p.out]);
  log(`${n}: n3 parse + write (the limit)`);
  const limit = await child('limit', [path.join(p.out, 'dataset.ttl'), path.join(p.dir, 'limit.nt')]);
  const nt = path.join(p.out, 'dataset.nt');
  log(`${n}: SPARQL, our engine`);
  const ours = await child('sparql-ours', [nt, BASE, JSON.stringify(p.sample)]);
  log(`${n}: SPARQL, Oxigraph`);
  const oxi = await child('sparql-oxigraph', [nt, BASE, JSON.stringify(p.sample)]);
  log(`${n}: HTTP, autocannon against projectgraph serve`);
  const workers = serverWorkers(ours.rssMB as number);
  let http: Figures;
  try {
    http = await httpFigures(p.out, p.sample, workers);
  } catch (e) {
    http = { lookupReqPerSec: null, p99Ms: null, workers, error: (e as Error).message.slice(0, 500) };
  }
  return { build, limit, ours, oxi, http };
}

/** SHACL (ours and whole graph) and JSON-LD (ours and jsonld.js), from the records, in one process. */
async function checkLane(p: Prepared): Promise<Figures> {
  log(`${p.records}: SHACL ours and whole graph; JSON-LD ours and jsonld.js`);
  return child('checks', [p.data, path.join(p.dir, 'bench.jsonld')]);
}

function assemble(p: Prepared, lane: Figures, checks: Figures): Run {
  const { build, limit, ours, oxi, http } = lane as Record<string, Figures>;
  const oq = ours!.queries as Record<string, { p50Ms: number; rows: number }>;
  const xq = oxi!.queries as Record<string, { p50Ms: number; rows: number }>;
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
    records: p.records,
    triples: build!.triples as number,
    generateSec: p.generateSec,
    build: {
      totalSec: build!.totalSec as number,
      peakRssMB: build!.peakRssMB as number,
      stages: build!.stages as Record<string, number>,
      records: build!.records,
      files: build!.files,
      pageThreads: build!.pageThreads,
    },
    limit: { n3ParseWriteSec: limit!.n3ParseWriteSec as number, triples: limit!.triples },
    shacl: checks.shacl as Run['shacl'],
    jsonld: checks.jsonld as Run['jsonld'],
    sparql: {
      loadSec: ours!.loadSec as number,
      rssMB: ours!.rssMB as number,
      oxigraphLoadSec: oxi!.loadSec as number,
      oxigraphRssMB: oxi!.rssMB as number,
      engine: 'src/serve/engine.ts: Comunica over rdf-stores (loadStore + createEngine + executeQuery, as the server)',
      queries,
    },
    http: http as Run['http'],
  };
}

async function cleanup(p: Prepared): Promise<void> {
  if (!values.keep) await rm(p.dir, { recursive: true, force: true });
  else log(`kept ${p.dir}`);
}

/** One size, its measurements one after another. */
async function runSize(records: number): Promise<Run> {
  const p = await prepare(records);
  try {
    const lane = await buildLane(p);
    return assemble(p, lane, await checkLane(p));
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
for (const n of [...sizes].reverse()) {
  runs.push(await runSize(n));
  table = await writeResults(runs);
  log(`${n}: done, results written to ${String(values.out)}`);
}
process.stdout.write(`${table}\nwrote ${String(values.out)}\n`);
