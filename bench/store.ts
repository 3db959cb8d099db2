// `node --import tsx bench/store.ts --out DIR` (a built output/), or `--records N` to generate and build first: the six
// domain queries through Oxigraph's own Store.query, through Comunica in front of the embedded store, and through
// today's endpoint engine, in one process and one run; prints p50s and the ratios to Oxigraph.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { QueryEngine } from '@comunica/query-sparql-rdfjs';
import { generate } from './generate.ts';
import { benchQueries, sampleOf, type BenchQuery } from './queries.ts';
import { build } from '../src/pipeline.ts';
import { createEngine, executeQuery, loadStore } from '../src/serve/engine.ts';
import { parseQuery } from '../src/serve/query-policy.ts';
import { EmbeddedStore } from '../src/store/embedded.ts';
import { storeContext } from '../src/store/comunica-source.ts';

const BASE = 'https://projectgraph.example/';
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    data: { type: 'string' },
    records: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '9' },
  },
});
const RUNS = Number(values.runs);

async function prepared(): Promise<{ out: string; data: string }> {
  if (values.out !== undefined && values.data !== undefined) return { out: values.out, data: values.data };
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-store-bench-'));
  const data = path.join(dir, 'data');
  const out = path.join(dir, 'out');
  await generate(data, Number(values.records), 42);
  await build({ dataDir: data, outDir: out, sourceDateEpoch: '1764115200' });
  return { out, data };
}

/** CPU time of one call, in ms: the machine is shared, wall time would measure the neighbours. */
async function cpuMs(run: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  const before = process.cpuUsage();
  const rows = await run();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, rows };
}

async function p50(run: () => Promise<number>): Promise<{ p50Ms: number; rows: number }> {
  let rows = (await cpuMs(run)).rows;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await cpuMs(run);
    times.push(r.ms);
    rows = r.rows;
  }
  times.sort((a, b) => a - b);
  return { p50Ms: times[Math.floor(times.length / 2)]!, rows };
}

const { out, data } = await prepared();
const sample = await sampleOf(data, BASE);
const queries = benchQueries(BASE, sample);
const endpoint = `${BASE}sparql`;

let t = performance.now();
const store = await EmbeddedStore.load(out);
const storeLoadSec = (performance.now() - t) / 1000;
const known = new Set((await store.graphs()).map((g) => g.name));
t = performance.now();
const today = createEngine(await loadStore(path.join(out, 'dataset.nt')));
const todayLoadSec = (performance.now() - t) / 1000;
const comunica = new QueryEngine();
const context = { ...storeContext(store), baseIRI: endpoint };

const setups: Record<string, (q: BenchQuery) => Promise<number>> = {
  oxigraph: async (q) => {
    const r = store.oxigraph.query(q.sparql, { use_default_graph_as_union: true });
    return Array.isArray(r) ? r.length : 1;
  },
  comunicaOverStore: async (q) => {
    const op = parseQuery(q.sparql, { baseIri: endpoint, knownGraphs: known }).withDataset();
    const result = await comunica.query(op as never, context as never);
    if (result.resultType !== 'bindings') throw new Error('bindings expected');
    return (await (await result.execute()).toArray()).length;
  },
  comunicaOverStoreJson: async (q) => {
    const op = parseQuery(q.sparql, { baseIri: endpoint, knownGraphs: known }).withDataset();
    const result = await comunica.query(op as never, context as never);
    const written = await comunica.resultToString(result, 'application/sparql-results+json', context as never);
    let body = '';
    for await (const chunk of written.data) body += String(chunk);
    return body.length;
  },
  todaysEngine: async (q) =>
    (
      await executeQuery(today, {
        query: q.sparql,
        baseIri: endpoint,
        mediaType: 'application/sparql-results+json',
        maxRows: 1e6,
      })
    ).rows,
};

const figures: Record<string, Record<string, { p50Ms: number; rows: number }>> = {};
for (const q of queries) {
  figures[q.name] = {};
  for (const [name, run] of Object.entries(setups)) figures[q.name]![name] = await p50(() => run(q));
}
const lines = [
  `store load ${storeLoadSec.toFixed(2)} s, today's load ${todayLoadSec.toFixed(2)} s, ${await store.size()} triples`,
];
lines.push(['query', ...Object.keys(setups), 'comunica/oxigraph'].join('\t'));
for (const [name, f] of Object.entries(figures)) {
  const ratio = f.comunicaOverStore!.p50Ms / f.oxigraph!.p50Ms;
  lines.push([name, ...Object.values(f).map((x) => `${x.p50Ms.toFixed(2)} (${x.rows})`), ratio.toFixed(2)].join('\t'));
}
process.stdout.write(`${lines.join('\n')}\nRESULT ${JSON.stringify({ storeLoadSec, todayLoadSec, figures })}\n`);
process.exit(0);
