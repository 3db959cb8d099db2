// Smoke run of `npm run bench` at 200 records: every figure of bench/results.json is produced (timings are not judged).
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
  shacl: { oursSec: unknown; wholeGraphSec: unknown; sameResults: unknown; violations: unknown };
  jsonld: { oursSec: unknown; jsonldJsSec: unknown };
  sparql: Record<string, unknown> & {
    queries: Record<string, { oursP50Ms: unknown; oxigraphP50Ms: unknown; rows: unknown; oxigraphRows: unknown }>;
  };
  http: { lookupReqPerSec: unknown; p99Ms: unknown };
  targets: unknown[];
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
      'catalog',
      'pages',
    ]) {
      expect(isNumber(res.build.stages[stage]), `build.stages.${stage}`).toBe(true);
    }
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
    expect(isNumber(res.http.lookupReqPerSec), JSON.stringify(res.http)).toBe(true);
    expect(isNumber(res.http.p99Ms)).toBe(true);
    expect(res.targets.length).toBeGreaterThanOrEqual(12);
    expect(r.stdout).toMatch(/\| shacl\.oursSec vs shacl\.wholeGraphSec \| 200 \|/);
  });
});
