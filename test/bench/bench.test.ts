// Smoke run of `npm run bench` at 200 records: every figure of bench/results.json is produced (timings are not judged).
// It needs Debian's virtuoso-opensource (the serve --store part), and fails saying so when it is missing.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runNode } from '../support/project.ts';

/** `npm run bench` with `args`, as its script runs it. */
const run = (args: string[]) => runNode(['--import', 'tsx', path.join(ROOT, 'bench', 'run.ts'), ...args], ROOT);

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** results.json as far as this test reads it: every figure is unknown until an assertion has checked it. */
interface Results {
  records: unknown;
  triples: unknown;
  build: { totalSec: unknown; peakRssMB: unknown; stages: Record<string, unknown> };
  limit: { n3ParseWriteSec: unknown };
  warm: Record<string, unknown>;
  shacl: { oursSec: unknown; wholeGraphSec: unknown; sameResults: unknown; violations: unknown };
  jsonld: { oursSec: unknown; jsonldJsSec: unknown };
  sparql: Record<string, unknown> & {
    queries: Record<string, { oursP50Ms: unknown; oxigraphP50Ms: unknown; rows: unknown; oxigraphRows: unknown }>;
  };
  store: Record<string, unknown> & {
    queries: Record<string, { comunicaP50Ms: unknown; oxigraphP50Ms: unknown; rows: unknown; oxigraphRows: unknown }>;
  };
  serve: {
    lookup: { reqPerSec: unknown; p99Ms: unknown; failed: unknown };
    pages: { reqPerSec: unknown; p99Ms: unknown; failed: unknown };
    lists: Record<string, { status: unknown; bytes: unknown }>;
  };
  rebuild: { buildSec: unknown; pageVisibleSec: unknown; sparqlVisibleSec: unknown; load: { requests: unknown } };
  virtuoso: {
    queries: Record<string, { serveP50Ms: unknown; virtuosoP50Ms: unknown; rows: unknown; virtuosoRows: unknown }>;
  };
  push: {
    firstPushSec: unknown;
    oneEditPushSec: unknown;
    graphs: unknown;
    triples: unknown;
    oneEditGraphsSent: unknown;
  };
  siteExport: Record<string, unknown>;
  targets: { target: string }[];
}

describe('npm run bench', () => {
  it('at 200 records writes results.json with every figure and prints the table', { timeout: 600_000 }, async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-bench-test-')), 'results.json');
    const r = await run(['--records', '200', '--http-seconds', '1', '--out', out]);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const res = JSON.parse(await readFile(out, 'utf8')) as Results;

    expect(res.records).toBe(200);
    expect(res.triples).toBeGreaterThan(200 * 30);
    for (const v of [res.build.totalSec, res.build.peakRssMB, res.limit.n3ParseWriteSec])
      expect(isNumber(v)).toBe(true);
    for (const stage of [
      'ingest',
      'map',
      'validate',
      'dataset.nt',
      'dataset.ttl',
      'dataset.jsonld',
      'dataset.nq',
      'pieces',
      'catalog',
      'site files',
    ]) {
      expect(isNumber(res.build.stages[stage]), `build.stages.${stage}`).toBe(true);
    }
    // The warm rebuilds, with the cache the cold build left: one edited record, then 1 % of them.
    for (const key of ['oneEditSec', 'onePercentSec', 'peakRssMB'])
      expect(isNumber(res.warm[key]), `warm.${key}`).toBe(true);
    expect(res.warm.onePercentRecords).toBe(2);
    expect(isNumber(res.shacl.oursSec) && isNumber(res.shacl.wholeGraphSec)).toBe(true);
    expect(res.shacl.sameResults).toBe(true);
    expect(res.shacl.violations).toBeGreaterThan(0);
    expect(isNumber(res.jsonld.oursSec) && isNumber(res.jsonld.jsonldJsSec)).toBe(true);
    for (const key of ['loadSec', 'rssMB', 'oxigraphLoadSec', 'oxigraphRssMB'])
      expect(isNumber(res.sparql[key]), `sparql.${key}`).toBe(true);
    const names = [
      'lookup',
      'projectsPerProgramme',
      'keywordAndOrganisation',
      'nameContains',
      'workedWith',
      'projectsPerYearAndStatus',
    ];
    expect(Object.keys(res.sparql.queries).sort()).toEqual([...names].sort());
    for (const name of names) {
      const q = res.sparql.queries[name]!;
      expect(isNumber(q.oursP50Ms) && isNumber(q.oxigraphP50Ms), name).toBe(true);
      // Both engines answer the query the same number of rows: a wrong query cannot pass as a fast one.
      expect(q.rows, name).toBe(q.oxigraphRows);
      expect(q.rows, name).toBeGreaterThan(0);
    }
    for (const key of ['loadSec', 'oxigraphLoadSec', 'wasmMB', 'oxigraphWasmMB', 'rssDeltaMB', 'oxigraphRssDeltaMB'])
      expect(isNumber(res.store[key]), `store.${key}`).toBe(true);
    expect(Object.keys(res.store.queries).sort()).toEqual([...names].sort());
    for (const name of names) {
      const q = res.store.queries[name]!;
      expect(isNumber(q.comunicaP50Ms) && isNumber(q.oxigraphP50Ms), name).toBe(true);
      expect(q.rows, name).toBe(q.oxigraphRows);
      expect(q.rows, name).toBeGreaterThan(0);
    }
    // A part that failed holds its error instead of its figures (Virtuoso missing, the server not starting).
    for (const part of ['serve', 'rebuild', 'virtuoso', 'push', 'siteExport'] as const)
      expect((res[part] as { error?: string }).error, part).toBeUndefined();
    for (const load of [res.serve.lookup, res.serve.pages]) {
      expect(isNumber(load.reqPerSec) && isNumber(load.p99Ms), JSON.stringify(res.serve)).toBe(true);
      expect(load.failed).toBe(0);
    }
    // The home page is always there; a list that does not exist yet is a 404 with no size, not a made-up one.
    expect(res.serve.lists['/']?.status).toBe(200);
    expect(isNumber(res.serve.lists['/']?.bytes)).toBe(true);
    for (const page of Object.values(res.serve.lists)) if (page.status === 404) expect(page.bytes).toBeNull();
    expect(isNumber(res.rebuild.buildSec), JSON.stringify(res.rebuild)).toBe(true);
    expect(isNumber(res.rebuild.load.requests)).toBe(true);
    for (const name of names) {
      const q = res.virtuoso.queries[name]!;
      expect(isNumber(q.serveP50Ms) && isNumber(q.virtuosoP50Ms), name).toBe(true);
      expect(q.rows, name).toBe(q.virtuosoRows);
    }
    // The first push to a fresh Virtuoso, then the push after one edited record: exactly one graph.
    expect(isNumber(res.push.firstPushSec) && isNumber(res.push.oneEditPushSec), JSON.stringify(res.push)).toBe(true);
    expect(res.push.graphs).toBeGreaterThan(200);
    // Quads in the store: every triple at least once (one shared by two graphs is in both).
    expect(res.push.triples).toBeGreaterThanOrEqual(res.triples as number);
    expect(res.push.oneEditGraphsSent).toBe(1);
    // The site export, cold and after one edited record; the second renders only what the edit touched.
    for (const key of ['coldSec', 'oneEditSec', 'files', 'peakRssMB', 'resources', 'oneEditRendered', 'oneEditWritten'])
      expect(isNumber(res.siteExport[key]), `siteExport.${key}: ${JSON.stringify(res.siteExport)}`).toBe(true);
    // A page, .ttl and .jsonld for each project at least.
    expect(res.siteExport.files).toBeGreaterThan(3 * 200);
    expect(res.siteExport.oneEditRendered).toBeGreaterThan(0);
    expect(res.siteExport.oneEditRendered).toBeLessThan(res.siteExport.resources as number);
    expect(res.siteExport.oneEditWritten).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/\| siteExport\.coldSec \(files\) \| \d/);
    const named = res.targets.map((t) => t.target);
    for (const t of [
      'store.loadSec vs store.oxigraphLoadSec',
      'serve.pages.reqPerSec',
      'rebuild.pageVisibleSec',
      'push.firstPushSec',
      'push.oneEditPushSec',
    ])
      expect(named).toContain(t);
    expect(r.stdout).toMatch(/\| shacl\.oursSec vs shacl\.wholeGraphSec \| 200 \|/);
  });
});
