// One benchmark measurement in a process of its own (so its peak memory is its own); prints one JSON line with the figures.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { StreamParser, StreamWriter } from 'n3';
import { build, DEFAULT_SHAPES_DIR } from '../src/pipeline.ts';
import { readRecords } from '../src/ingest/read-records.ts';
import { mapRecords } from '../src/map/map-records.ts';
import { loadShapes, validateRecords, validateWholeGraph } from '../src/validate/shacl.ts';
import { sortedGraph } from '../src/publish/graph.ts';
import { jsonLdChunks, viaJsonLdJs } from '../src/publish/jsonld.ts';
import { writePieces } from '../src/publish/write-dumps.ts';
import { jsonldContext } from '../src/publish/context.ts';
import { createEngine, executeQuery, loadStore } from '../src/serve/engine.ts';
import { injectErrors } from './inject-errors.ts';
import { benchQueries, JSONLD_JS_MAX_RECORDS, QUERY_RUNS, type BenchQuery, type Sample } from './queries.ts';

const sec = (from: number) => (performance.now() - from) / 1000;
const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const rssMB = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

type Figures = Record<string, unknown>;

/** `build <data> <out>`: the real pipeline, timed per stage. */
async function buildTask(data: string, out: string): Promise<Figures> {
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
    pageThreads: summary.pageThreads,
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
    const times: number[] = [];
    let rows = 0;
    // One warm-up run, then the timed ones.
    rows = await run(q);
    for (let i = 0; i < QUERY_RUNS; i++) {
      const t = performance.now();
      rows = await run(q);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    out[q.name] = { p50Ms: times[Math.floor(times.length / 2)]!, rows };
  }
  return out;
}

/** `sparql-ours <dataset.nt> <base>`: the endpoint's own engine factory (src/serve/engine.ts) over the store the server loads. */
async function sparqlOursTask(file: string, base: string, sample: Sample): Promise<Figures> {
  const t = performance.now();
  const engine = createEngine(await loadStore(file));
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
  return { loadSec, rssMB: Math.max(rssAfterLoad, rssMB()), peakRssMB: peakRssMB(), triples: engine.size, queries };
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

/** `checks <data> <tmp.jsonld>`: the SHACL and JSON-LD comparisons, sharing one ingest. */
async function checksTask(data: string, file: string): Promise<Figures> {
  const m = await mapped(data);
  return { shacl: await shaclTask(m), jsonld: await jsonldTask(m, file), peakRssMB: peakRssMB() };
}

const tasks: Record<string, (...args: string[]) => Promise<Figures>> = {
  checks: (data, file) => checksTask(data!, file!),
  build: (data, out) => buildTask(data!, out!),
  limit: (ttl, nt) => limitTask(ttl!, nt!),
  shacl: async (data) => shaclTask(await mapped(data!)),
  jsonld: async (data, file) => jsonldTask(await mapped(data!), file!),
  'sparql-ours': (file, base, sample) => sparqlOursTask(file!, base!, JSON.parse(sample!) as Sample),
  'sparql-oxigraph': (file, base, sample) => sparqlOxigraphTask(file!, base!, JSON.parse(sample!) as Sample),
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
