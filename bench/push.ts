// Benchmark: full versus incremental push of 10,000 synthetic projects to a fresh Virtuoso; writes bench/push-results.json.
// Run: npx tsx bench/push.ts [projects]   (needs Debian's virtuoso-opensource; takes a few minutes)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.ts';
import { DEFAULT_SHAPES_DIR, check } from '../src/pipeline.ts';
import { DirectoryWriter, OutputDir } from '../src/publish/output-dir.ts';
import { namedGraphs } from '../src/publish/named-graphs.ts';
import { datasetIris } from '../src/dataset-iris.ts';
import { changeDates, publishNamedGraphs } from '../src/publish/change-sets.ts';
import { sitePrefixes } from '../src/publish/site.ts';
import { writePieces } from '../src/publish/write-dumps.ts';
import { push, type Operation } from '../src/push/push.ts';
import { startVirtuoso } from '../test/push/support/virtuoso.ts';

const projects = Number(process.argv[2] ?? 10_000);
const root = await mkdtemp(path.join(tmpdir(), 'projectgraph-bench-push-'));
const data = path.join(root, 'data');
const out = path.join(root, 'output');
const seconds = (t: number) => Math.round((performance.now() - t) / 10) / 100;

/**
 * The part of `build` that push reads: ingest, map, validate, then dataset.nq, graphs.json and the change
 * sets, through the same staged output. The pages and other files of a full build are left out: push
 * never reads them, and they would make this benchmark about page writing.
 */
async function build(options: { dataDir: string; outDir: string }): Promise<{ records: number }> {
  const { records, mapped } = await check({ dataDir: options.dataDir });
  const base = records.dataset.data.baseIri;
  const graphs = namedGraphs(records, mapped);
  const output = await OutputDir.claim(options.outDir, { dataDir: options.dataDir, shapesDir: DEFAULT_SHAPES_DIR });
  try {
    const previousDir = output.currentDir ?? path.join(output.builds, 'none');
    const dates = await changeDates(previousDir, graphs, '2026-09-21');
    const out = new DirectoryWriter(await output.stage());
    await publishNamedGraphs({
      graphs,
      previousDir,
      base,
      graphPrefix: datasetIris(base).graphs.prefix,
      prefixes: sitePrefixes(base),
      dates,
      write: (n, c) => out.write(n, c),
      writeLarge: (n, pieces) => writePieces(path.join(out.dir, n), pieces),
    });
    await output.publish();
  } finally {
    await output.release();
  }
  return { records: records.records.length };
}

await generate(data, projects);
process.stderr.write(`generated ${projects} projects in ${data}\n`);
let t = performance.now();
const first = await build({ dataDir: data, outDir: out });
const buildSeconds = seconds(t);
process.stderr.write(`built in ${buildSeconds} s\n`);
const manifest = JSON.parse(await readFile(path.join(out, 'graphs.json'), 'utf8')) as {
  graphs: Record<string, unknown>;
};

const virtuoso = await startVirtuoso();
try {
  const options = {
    outDir: out,
    store: virtuoso.sparql,
    graphStore: virtuoso.graphStore,
    // The first push goes in batched SPARQL Update requests; the edit below, one graph, over the Graph Store Protocol.
    update: `${virtuoso.http}/sparql-auth`,
    user: 'dba',
    password: 'dba',
  };
  t = performance.now();
  const full = await push({ ...options, full: true });
  const fullSeconds = seconds(t);
  process.stderr.write(`full push in ${fullSeconds} s\n`);
  if (full.outOfSync.length > 0)
    throw new Error(`full push not in sync: ${JSON.stringify(full.outOfSync.slice(0, 3))}`);

  // Edit one project's name, rebuild, push: exactly one graph must go.
  const projectFile = path.join(
    data,
    'projects',
    (await import('node:fs')).readdirSync(path.join(data, 'projects')).sort()[0]!,
  );
  const text = await readFile(projectFile, 'utf8');
  await writeFile(projectFile, text.replace(/^name: (.*)$/m, 'name: $1 (bewerkt)'));
  t = performance.now();
  await build({ dataDir: data, outDir: out });
  const rebuildSeconds = seconds(t);
  const sent: Operation[] = [];
  t = performance.now();
  const incremental = await push({ ...options, onSent: (op) => void sent.push(op) });
  const incrementalSeconds = seconds(t);
  if (incremental.outOfSync.length > 0 || sent.length !== 1)
    throw new Error(`incremental push sent ${sent.length} graphs`);

  t = performance.now();
  const noop = await push(options);
  const noopSeconds = seconds(t);

  const results = {
    what: 'projectgraph push to Virtuoso 7.2 (Debian virtuoso-opensource, fresh database, Digest auth as dba): the full push in SPARQL 1.1 Update requests of about 1 MB (--update), the edit over the Graph Store Protocol; 4 requests in flight; each push includes its check (the graphs sent counted by name, the dataset by its totals)',
    machine: '2 cores, Node 20; Virtuoso on the same machine (127.0.0.1)',
    // Other work on the machine slows every figure here; the 1-minute load average when the run ended says how much.
    loadAverageAtEnd: Math.round(loadavg()[0]! * 10) / 10,
    buildNote: 'build = ingest, map, SHACL, named graphs and change sets only (what push reads); no pages',
    command: `npx tsx bench/push.ts ${projects}`,
    projects,
    records: first.records,
    graphs: Object.keys(manifest.graphs).length,
    triples: full.verified?.triples,
    buildSeconds,
    fullPush: { seconds: fullSeconds, graphsSent: full.put.length },
    oneRecordEdit: {
      rebuildSeconds,
      pushSeconds: incrementalSeconds,
      graphsSent: sent.length,
      graph: sent[0]?.method === 'PUT' ? sent[0].graph : undefined,
    },
    nothingChanged: { pushSeconds: noopSeconds, graphsSent: noop.put.length },
  };
  const file = fileURLToPath(new URL('./push-results.json', import.meta.url));
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  await virtuoso.stop();
  await rm(root, { recursive: true, force: true });
}
