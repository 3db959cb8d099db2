// Benchmark: the six domain queries through RemoteStore against the same queries sent to Virtuoso over plain HTTP.
// Run: npx tsx bench/remote-store.ts --data DIR --out DIR   (a built output of bench/generate.ts data; needs virtuoso-t)
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { benchQueries, sampleOf, timeRuns } from './queries.ts';
import { RemoteStore } from '../src/store/remote.ts';
import type { QueryResult } from '../src/store/store.ts';
import { push } from '../src/push/push.ts';
import { startVirtuoso } from '../test/push/support/virtuoso.ts';

const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } } });
if (values.data === undefined || values.out === undefined) throw new Error('usage: --data DIR --out DIR');
const out = values.out;
const manifest = JSON.parse(await readFile(path.join(out, 'graphs.json'), 'utf8')) as { graphPrefix: string };
const base = manifest.graphPrefix.replace(/graph\/$/, '');
const queries = benchQueries(base, await sampleOf(values.data, base));

async function time(run: () => Promise<number>): Promise<{ p50: number; rows: number }> {
  const { p50Ms, rows } = (await timeRuns({ one: run })).one;
  return { p50: Math.round(p50Ms * 100) / 100, rows };
}

async function drain(result: QueryResult): Promise<number> {
  if (result.type === 'boolean') return 1;
  let n = 0;
  for await (const _ of result.type === 'bindings' ? result.bindings : result.quads) n++;
  return n;
}

const virtuoso = await startVirtuoso(120_000);
try {
  const t = performance.now();
  const report = await push({
    outDir: out,
    store: virtuoso.sparql,
    graphStore: virtuoso.graphStore,
    user: 'dba',
    password: 'dba',
    stateFile: path.join(virtuoso.dir, 'push-state.json'),
    concurrency: 8,
  });
  if (report.outOfSync.length > 0) throw new Error(`push not in sync: ${JSON.stringify(report.outOfSync[0])}`);
  process.stderr.write(`pushed ${report.put.length} graphs in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  const store = await RemoteStore.connect({ endpoint: virtuoso.sparql, timeoutMs: 120_000 });
  const plain = async (query: string): Promise<number> => {
    const res = await fetch(virtuoso.sparql, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json' },
      body: new URLSearchParams({ query }).toString(),
    });
    const json = (await res.json()) as { results: { bindings: unknown[] } };
    return json.results.bindings.length;
  };
  const results: Record<string, unknown> = { graphs: store.publishedGraphs.length };
  for (const q of queries) {
    const http = await time(() => plain(q.sparql));
    const remote = await time(async () => drain(await store.query(q.sparql)));
    results[q.name] = {
      virtuosoHttp: http,
      remoteStore: remote,
      ratio: Math.round((remote.p50 / http.p50) * 100) / 100,
    };
    process.stderr.write(`${q.name}: ${JSON.stringify(results[q.name])}\n`);
  }
  process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
} finally {
  await virtuoso.stop();
}
