// `node --import tsx bench/lists.ts --out DIR` (a built output/), or `--records N` to generate and build first: the
// list index's build time and memory over the embedded store, and the size and render time of the home and list pages.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from './generate.ts';
import { build } from '../src/pipeline.ts';
import { siteFor } from '../src/publish/site.ts';
import { EmbeddedStore } from '../src/store/embedded.ts';
import { ListIndex } from '../src/serve/list-index.ts';
import { renderHome, renderListPage } from '../src/serve/list-pages.ts';

const BASE = 'https://projectgraph.example/';
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    records: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '21' },
  },
});

async function prepared(): Promise<string> {
  if (values.out !== undefined) return values.out;
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-lists-bench-'));
  await generate(path.join(dir, 'data'), Number(values.records), 42);
  await build({ dataDir: path.join(dir, 'data'), outDir: path.join(dir, 'out'), sourceDateEpoch: '1764115200' });
  return path.join(dir, 'out');
}

const heapMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const out = await prepared();
const store = await EmbeddedStore.load(out);
const before = heapMb();
let t = performance.now();
const index = await ListIndex.build(store, BASE);
const buildMs = performance.now() - t;
const after = heapMb();
const site = siteFor(BASE, {
  name: 'Bench',
  licence: 'http://creativecommons.org/publicdomain/zero/1.0/',
  publisherName: 'Bench',
});
const keyword = index.entry(index.kind('keyword')[0]!).local;
const organisation = index.entry(index.kind('organisation')[0]!).local;
const programme = index.entry(index.kind('programme')[1]!).local;
const lastPage = Math.ceil(index.count('project') / 50);
const pages: [string, string][] = [
  ['/list/project', ''],
  ['/list/project', `page=${Math.ceil(lastPage / 2)}`],
  ['/list/project', 'q=energie'],
  ['/list/project', 'q=de gemeente'],
  ['/list/project', 'q=a'],
  ['/list/project', 'status=completed&year=2010'],
  [`/list/${keyword}`, 'q=wijk'],
  [`/list/${organisation}`, ''],
  [`/list/${programme}`, 'status=ongoing'],
  ['/list', 'q=beleid'],
  ['/list/publication', 'page=3'],
];
const runs = Number(values.runs);
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// coldMs: the first render of a query; p50Ms: the same page again, as when a visitor pages on (answers are kept).
const rows: { page: string; status: number; kb: number; coldMs: number; p50Ms: number }[] = [];
{
  const times: number[] = [];
  let body = '';
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    body = renderHome(index, site, []);
    times.push(performance.now() - t);
  }
  rows.push({ page: '/', status: 200, kb: Buffer.byteLength(body) / 1024, coldMs: times[0]!, p50Ms: median(times) });
}
for (const [p, q] of pages) {
  const times: number[] = [];
  t = performance.now();
  let answer = renderListPage(index, site, p, new URLSearchParams(q));
  const coldMs = performance.now() - t;
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    answer = renderListPage(index, site, p, new URLSearchParams(q));
    times.push(performance.now() - t);
  }
  rows.push({
    page: `${p}${q ? `?${q}` : ''}`,
    status: answer?.status ?? 0,
    kb: Buffer.byteLength(answer?.body ?? '') / 1024,
    coldMs,
    p50Ms: median(times),
  });
}
console.log(
  JSON.stringify(
    { out, resources: index.size, projects: index.count('project'), buildMs, indexHeapMb: after - before, rows },
    null,
    1,
  ),
);
