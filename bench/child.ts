// One benchmark measurement in a process of its own (so its peak memory is its own); prints one JSON line with the figures.
// First, so that it sees Oxigraph's WebAssembly instance being made.
import { wasmMemoryBytes } from './wasm-memory.ts';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { StreamParser, StreamWriter } from 'n3';
import { collectSoonerForBuilds } from '../src/build/heap-growth.ts';
import { build, DEFAULT_SHAPES_DIR } from '../src/pipeline.ts';
import { progressOn } from '../src/progress.ts';
import { exportSite } from '../src/site/export-site.ts';
import { readRecords } from '../src/ingest/read-records.ts';
import { mapRecords } from '../src/map/map-records.ts';
import { loadShapes, validateRecords, validateWholeGraph } from '../src/validate/shacl.ts';
import { sortedGraph } from '../src/publish/graph.ts';
import { jsonLdChunks, viaJsonLdJs } from '../src/publish/jsonld.ts';
import { writePieces } from '../src/publish/write-dumps.ts';
import { jsonldContext } from '../src/publish/context.ts';
import path from 'node:path';
import { createEngine, executeQuery } from '../src/serve/engine.ts';
import { EmbeddedStore } from '../src/store/embedded.ts';
import { serverPathQuery } from './store-path.ts';
import { injectErrors } from './inject-errors.ts';
import { benchQueries, JSONLD_JS_MAX_RECORDS, timeRuns, type BenchQuery, type Sample } from './queries.ts';

const sec = (from: number) => (performance.now() - from) / 1000;
const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const rssMB = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

type Figures = Record<string, unknown>;

/** `build <data> <out>`: the real pipeline, timed per stage. */
async function buildTask(data: string, out: string): Promise<Figures> {
  // As `projectgraph build` does.
  collectSoonerForBuilds();
  const stages: Record<string, number> = {};
  let current: string | undefined;
  let since = performance.now();
  const started = since;
  const summary = await build({
    dataDir: data,
    outDir: out,
    sourceDateEpoch: '1764115200',
    onStage: (name) => {
      const now = performance.now();
      if (current !== undefined) stages[current] = (stages[current] ?? 0) + (now - since) / 1000;
      current = name;
      since = now;
      process.stderr.write(`[bench build] ${((now - started) / 1000).toFixed(1)} s: ${name} (rss ${rssMB()} MB)\n`);
    },
  });
  const now = performance.now();
  if (current !== undefined) stages[current] = (stages[current] ?? 0) + (now - since) / 1000;
  return {
    totalSec: sec(started),
    peakRssMB: peakRssMB(),
    stages,
    records: summary.records,
    triples: summary.triples,
    files: summary.files.length,
    reused: summary.reused,
  };
}

/** `export-site <output> <dir> <data>`: what `projectgraph export-site --out dir --from output` runs, timed. */
async function exportSiteTask(from: string, out: string, data: string): Promise<Figures> {
  const started = performance.now();
  const progress = progressOn();
  const report = await exportSite({ from, out, dataDir: data, shapesDir: DEFAULT_SHAPES_DIR, progress }).finally(() =>
    progress.close(),
  );
  return {
    exportSec: sec(started),
    peakRssMB: peakRssMB(),
    files: report.files.length,
    written: report.written.length,
    removed: report.removed.length,
    rendered: report.rendered,
  };
}

/** `limit <dump.ttl> <tmp.nt>`: n3 streaming parse of the Turtle dump and N-Triples writing of the same triples. */
async function limitTask(ttl: string, nt: string): Promise<Figures> {
  const started = performance.now();
  let triples = 0;
  await new Promise<void>((resolve, reject) => {
    const parser = new StreamParser({ format: 'text/turtle' });
    const writer = new StreamWriter({ format: 'N-Triples' });
    const file = createWriteStream(nt);
    parser.on('data', () => triples++);
    createReadStream(ttl)
      .on('error', reject)
      .pipe(parser)
      .on('error', reject)
      .pipe(writer)
      .on('error', reject)
      .pipe(file)
      .on('error', reject)
      .on('finish', resolve);
  });
  const n3ParseWriteSec = sec(started);
  const bytes = (await stat(nt)).size;
  await rm(nt, { force: true });
  return { n3ParseWriteSec, triples, ntBytes: bytes, peakRssMB: peakRssMB() };
}

async function mapped(data: string) {
  const records = await readRecords(data);
  return { records, mapped: [...mapRecords(records)] };
}
type Mapped = Awaited<ReturnType<typeof mapped>>;

/** `shacl <data>`: ours (batches in workers) against rdf-validate-shacl on the whole graph, on a copy with ~1 % injected errors. */
async function shaclTask({ records, mapped: clean }: Mapped): Promise<Figures> {
  const { mapped: faulty, injected } = injectErrors(clean, 100);
  const shapes = await loadShapes(DEFAULT_SHAPES_DIR, records.dataset.data.baseIri);
  let t = performance.now();
  const ours = await validateRecords(faulty, shapes);
  const oursSec = sec(t);
  t = performance.now();
  const whole = await validateWholeGraph(faulty, shapes);
  const wholeGraphSec = sec(t);
  return {
    oursSec,
    wholeGraphSec,
    sameResults: isDeepStrictEqual(ours, whole),
    injected,
    violations: whole.violations.length,
    warnings: whole.warnings.length,
    peakRssMB: peakRssMB(),
  };
}

/** `jsonld <data> <tmp.jsonld>`: the direct builder against jsonld.js fromRDF + compact of the same graph. */
async function jsonldTask({ records, mapped: ms }: Mapped, file: string): Promise<Figures> {
  const quads = sortedGraph(ms.flatMap((m) => m.quads)).quads;
  const context = jsonldContext(records.dataset.data.baseIri);
  let t = performance.now();
  await writePieces(file, jsonLdChunks(quads, context));
  const oursSec = sec(t);
  await rm(file, { force: true });
  const projects = records.records.filter((r) => r.kind === 'project').length;
  if (projects > JSONLD_JS_MAX_RECORDS) {
    return {
      oursSec,
      jsonldJsSec: null,
      skipped: `jsonld.js is skipped above ${JSONLD_JS_MAX_RECORDS} records (5.5 GB and ~80 s at 100,000)`,
    };
  }
  t = performance.now();
  await writePieces(file, [await viaJsonLdJs(quads, context)]);
  const jsonldJsSec = sec(t);
  await rm(file, { force: true });
  return { oursSec, jsonldJsSec };
}

async function timeQueries(
  run: (q: BenchQuery) => Promise<number>,
  queries: BenchQuery[],
): Promise<Record<string, Figures>> {
  const out: Record<string, Figures> = {};
  for (const q of queries) {
    const { p50Ms, rows } = (await timeRuns({ one: () => run(q) })).one;
    out[q.name] = { p50Ms, rows };
  }
  return out;
}

/**
 * `sparql-ours <dataset.nt> <base>`: the endpoint's own engine (src/serve/engine.ts: Comunica in front of the
 * embedded store) over the store the server loads from that build.
 */
async function sparqlOursTask(file: string, base: string, sample: Sample): Promise<Figures> {
  const t = performance.now();
  const store = await EmbeddedStore.load(path.dirname(file));
  const engine = await createEngine(store, { namedGraphs: (await store.graphs()).map((g) => g.name) });
  const loadSec = sec(t);
  const rssAfterLoad = rssMB();
  const queries = await timeQueries(
    async (q) => {
      const r = await executeQuery(engine, {
        query: q.sparql,
        baseIri: `${base}sparql`,
        mediaType: 'application/sparql-results+json',
        maxRows: 1_000_000,
      });
      return r.rows;
    },
    benchQueries(base, sample),
  );
  const triples = await store.size();
  return { loadSec, rssMB: Math.max(rssAfterLoad, rssMB()), peakRssMB: peakRssMB(), triples, queries };
}

/** `sparql-oxigraph <dataset.nt> <base>`: Oxigraph in-process on the same N-Triples. */
async function sparqlOxigraphTask(file: string, base: string, sample: Sample): Promise<Figures> {
  const oxigraph = await import('oxigraph');
  const t = performance.now();
  const store = new oxigraph.Store();
  // The file is loaded in line-aligned pieces: a 100,000-record dump is larger than V8's biggest string.
  const text = await readFile(file);
  const PIECE = 64 << 20;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + PIECE);
    while (end < text.length && text[end - 1] !== 0x0a) end++;
    store.load(text.subarray(start, end).toString('utf8'), { format: 'application/n-triples' });
    start = end;
  }
  const loadSec = sec(t);
  const rssAfterLoad = rssMB();
  const queries = await timeQueries(
    async (q) => {
      const result = store.query(q.sparql) as unknown;
      return Array.isArray(result) ? result.length : 1;
    },
    benchQueries(base, sample),
  );
  return { loadSec, rssMB: Math.max(rssAfterLoad, rssMB()), peakRssMB: peakRssMB(), triples: store.size, queries };
}

const megabytes = (bytes: number) => Math.round(bytes / 2 ** 20);
/**
 * What a load added to the process's resident memory; a small load can end with less than it started with, when a
 * collection returned more pages than the load took, and then it added nothing measurable.
 */
const addedMegabytes = (bytes: number) => Math.max(0, megabytes(bytes));
/** CPU seconds of this process (every thread) since `from`. */
const cpuSec = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};

/** Wall and CPU time of each run, alternating between the setups so that a busy neighbour slows them alike. */
async function interleaved(
  setups: Record<string, (q: BenchQuery) => Promise<number>>,
  queries: BenchQuery[],
): Promise<Record<string, Record<string, Figures>>> {
  const out: Record<string, Record<string, Figures>> = {};
  for (const q of queries) {
    const runs = Object.fromEntries(Object.entries(setups).map(([name, run]) => [name, () => run(q)]));
    const timed = await timeRuns(runs);
    out[q.name] = Object.fromEntries(Object.entries(timed).map(([name, t]) => [name, { ...t }]));
  }
  return out;
}

/**
 * `store-embedded <out> <base> <sample>`: the embedded store as serve loads it (EmbeddedStore.load), its memory,
 * and the six queries through Comunica in front of it (store-path.ts) against Oxigraph's own Store.query on the
 * same store in the same process.
 */
async function storeEmbeddedTask(outDir: string, base: string, sample: Sample): Promise<Figures> {
  const rssBefore = process.memoryUsage().rss;
  const wasmBefore = wasmMemoryBytes();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const store = await EmbeddedStore.load(outDir);
  const loadSec = sec(t);
  const loadCpuSec = cpuSec(cpu);
  const rssAfterLoad = process.memoryUsage().rss;
  const wasmAfterLoad = wasmMemoryBytes();
  const query = await serverPathQuery(store, `${base}sparql`);
  const queries = await interleaved(
    {
      comunica: async (q) => (await query(q.sparql)).rows,
      oxigraph: async (q) => {
        // The default graph as serve queries it: the union of the graphs, where each statement sits in one graph.
        const r = store.oxigraph.query(q.sparql, { use_default_graph_as_union: true }) as unknown;
        return Array.isArray(r) ? r.length : 1;
      },
    },
    benchQueries(base, sample),
  );
  return {
    loadSec,
    loadCpuSec,
    rssDeltaMB: addedMegabytes(rssAfterLoad - rssBefore),
    wasmMB: megabytes(wasmAfterLoad - wasmBefore),
    wasmAfterQueriesMB: megabytes(wasmMemoryBytes() - wasmBefore),
    peakRssMB: peakRssMB(),
    quads: store.oxigraph.size,
    queries,
  };
}

/** dataset.nq in 8 MB pieces, as Oxigraph's load takes an iterable of bytes (the file is larger than a string). */
function* pieces(file: string): Generator<Uint8Array> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    for (let at = 0; at < size; ) {
      const buffer = Buffer.allocUnsafe(8 << 20);
      const n = readSync(fd, buffer, 0, buffer.length, at);
      if (n === 0) break;
      at += n;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** `store-oxigraph <dataset.nq>`: the anchor for load time and memory, Oxigraph's fastest load of the same file. */
async function storeOxigraphTask(file: string): Promise<Figures> {
  const { default: oxigraph } = await import('oxigraph');
  const rssBefore = process.memoryUsage().rss;
  const wasmBefore = wasmMemoryBytes();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const store = new oxigraph.Store();
  store.load(pieces(file), { format: 'application/n-quads', no_transaction: true });
  const loadSec = sec(t);
  const loadCpuSec = cpuSec(cpu);
  const rssAfterLoad = process.memoryUsage().rss;
  return {
    loadSec,
    loadCpuSec,
    rssDeltaMB: addedMegabytes(rssAfterLoad - rssBefore),
    wasmMB: megabytes(wasmMemoryBytes() - wasmBefore),
    peakRssMB: peakRssMB(),
    quads: store.size,
    bytes: (await stat(file)).size,
  };
}

/** `checks <data> <tmp.jsonld>`: the SHACL and JSON-LD comparisons, sharing one ingest. */
async function checksTask(data: string, file: string): Promise<Figures> {
  const m = await mapped(data);
  return { shacl: await shaclTask(m), jsonld: await jsonldTask(m, file), peakRssMB: peakRssMB() };
}

const tasks: Record<string, (...args: string[]) => Promise<Figures>> = {
  checks: (data, file) => checksTask(data!, file!),
  build: (data, out) => buildTask(data!, out!),
  'export-site': (from, out, data) => exportSiteTask(from!, out!, data!),
  limit: (ttl, nt) => limitTask(ttl!, nt!),
  shacl: async (data) => shaclTask(await mapped(data!)),
  jsonld: async (data, file) => jsonldTask(await mapped(data!), file!),
  'sparql-ours': (file, base, sample) => sparqlOursTask(file!, base!, JSON.parse(sample!) as Sample),
  'sparql-oxigraph': (file, base, sample) => sparqlOxigraphTask(file!, base!, JSON.parse(sample!) as Sample),
  'store-embedded': (out, base, sample) => storeEmbeddedTask(out!, base!, JSON.parse(sample!) as Sample),
  'store-oxigraph': (file) => storeOxigraphTask(file!),
};

const [name, ...args] = process.argv.slice(2);
const task = name !== undefined ? tasks[name] : undefined;
if (!task) {
  process.stderr.write(`usage: child.ts ${Object.keys(tasks).join('|')} ARGS\n`);
  process.exit(2);
}
const figures = await task(...args);
process.stdout.write(`\nRESULT ${JSON.stringify(figures)}\n`);
// Also into the log, so the figures of a long run survive even if the runner is stopped before it writes results.json.
process.stderr.write(`[bench ${name}] RESULT ${JSON.stringify(figures)}\n`);
// Worker threads or Comunica timers must not keep a finished measurement alive.
process.exit(0);
