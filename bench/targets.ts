// The figures of one benchmark run, the targets as ratios against the anchors, and the printed table.

export interface Run {
  records: number;
  triples: number;
  generateSec: number;
  build: {
    totalSec: number;
    peakRssMB: number;
    stages: Record<string, number>;
    records: unknown;
    files: unknown;
    pageThreads: unknown;
  };
  limit: { n3ParseWriteSec: number; triples: unknown };
  shacl: {
    oursSec: number;
    wholeGraphSec: number;
    sameResults: boolean;
    injected: number;
    violations: number;
    warnings: number;
  };
  jsonld: { oursSec: number; jsonldJsSec: number | null; skipped?: string };
  sparql: {
    loadSec: number;
    rssMB: number;
    oxigraphLoadSec: number;
    oxigraphRssMB: number;
    engine: string;
    queries: Record<
      string,
      { oursP50Ms: number; oxigraphP50Ms: number | null; rows: number; oxigraphRows: number | null }
    >;
  };
  http: { lookupReqPerSec: number | null; p99Ms: number | null; error?: string };
}

export interface Check {
  target: string;
  records: number;
  ours: number | null;
  anchor: number | null;
  /** ours / anchor where the target is a ratio. */
  ratio: number | null;
  limit: string;
  held: boolean | null;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The targets, checked on the largest run (and, for the per-record and jsonld.js ones, on the 10,000 run). */
export function targets(runs: Run[]): Check[] {
  const big = runs[runs.length - 1]!;
  const ten = runs.find((r) => r.records === 10_000);
  const checks: Check[] = [];
  const ratio = (
    target: string,
    records: number,
    ours: number | null,
    anchor: number | null,
    max: number,
    limit: string,
  ) => {
    const r = ours !== null && anchor !== null && anchor > 0 ? ours / anchor : null;
    checks.push({
      target,
      records,
      ours,
      anchor,
      ratio: r === null ? null : round(r, 3),
      limit,
      held: r === null ? null : r <= max,
    });
  };
  ratio(
    'build.totalSec vs limit.n3ParseWriteSec',
    big.records,
    big.build.totalSec,
    big.limit.n3ParseWriteSec,
    4,
    '≤ 4×',
  );
  checks.push({
    target: 'build.peakRssMB',
    records: big.records,
    ours: big.build.peakRssMB,
    anchor: null,
    ratio: null,
    limit: '≤ 2048 MB',
    held: big.build.peakRssMB <= 2048,
  });
  if (ten && ten !== big) {
    ratio(
      'build seconds per record vs at 10,000',
      big.records,
      big.build.totalSec / big.records,
      ten.build.totalSec / ten.records,
      1.3,
      '≤ 1.3×',
    );
  }
  ratio('shacl.oursSec vs shacl.wholeGraphSec', big.records, big.shacl.oursSec, big.shacl.wholeGraphSec, 0.5, '≤ 0.5×');
  checks.push({
    target: 'shacl.sameResults',
    records: big.records,
    ours: null,
    anchor: null,
    ratio: null,
    limit: 'true',
    held: big.shacl.sameResults,
  });
  const j = ten ?? runs.find((r) => r.jsonld.jsonldJsSec !== null);
  if (j)
    ratio('jsonld.oursSec vs jsonld.jsonldJsSec', j.records, j.jsonld.oursSec, j.jsonld.jsonldJsSec, 0.1, '≤ 0.1×');
  ratio('sparql.rssMB vs sparql.oxigraphRssMB', big.records, big.sparql.rssMB, big.sparql.oxigraphRssMB, 2, '≤ 2×');
  ratio(
    'sparql.loadSec vs sparql.oxigraphLoadSec',
    big.records,
    big.sparql.loadSec,
    big.sparql.oxigraphLoadSec,
    1.5,
    '≤ 1.5×',
  );
  for (const [name, q] of Object.entries(big.sparql.queries)) {
    const r = q.oxigraphP50Ms ? q.oursP50Ms / q.oxigraphP50Ms : null;
    checks.push({
      target: `query ${name} p50 ms`,
      records: big.records,
      ours: round(q.oursP50Ms, 3),
      anchor: q.oxigraphP50Ms === null ? null : round(q.oxigraphP50Ms, 3),
      ratio: r === null ? null : round(r, 2),
      limit: '≤ 3× or ≤ 5 ms',
      held: q.oursP50Ms <= 5 || (r !== null && r <= 3),
    });
  }
  const rps = big.http.lookupReqPerSec;
  checks.push({
    target: 'http.lookupReqPerSec',
    records: big.records,
    ours: rps,
    anchor: null,
    ratio: null,
    limit: '≥ 1000',
    held: rps === null ? null : rps >= 1000,
  });
  return checks;
}

const fmt = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined ? '—' : String(round(x, digits));

export function formatTable(runs: Run[], checks: Check[]): string {
  const lines: string[] = [];
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  lines.push(
    row(['figure', ...runs.map((r) => `${r.records.toLocaleString('en')} records`)]),
    row(['---', ...runs.map(() => '---:')]),
  );
  const fig = (name: string, get: (r: Run) => string) => lines.push(row([name, ...runs.map(get)]));
  fig('triples', (r) => String(r.triples));
  fig('build.totalSec', (r) => fmt(r.build.totalSec));
  fig('build.peakRssMB', (r) => fmt(r.build.peakRssMB, 0));
  const stages = [...new Set(runs.flatMap((r) => Object.keys(r.build.stages)))];
  for (const s of stages) fig(`build.stages.${s}`, (r) => fmt(r.build.stages[s]));
  fig('limit.n3ParseWriteSec', (r) => fmt(r.limit.n3ParseWriteSec));
  fig('shacl.oursSec', (r) => fmt(r.shacl.oursSec));
  fig('shacl.wholeGraphSec', (r) => fmt(r.shacl.wholeGraphSec));
  fig('shacl.sameResults', (r) => `${r.shacl.sameResults} (${r.shacl.violations} violations)`);
  fig('jsonld.oursSec', (r) => fmt(r.jsonld.oursSec));
  fig('jsonld.jsonldJsSec', (r) => (r.jsonld.jsonldJsSec === null ? 'skipped' : fmt(r.jsonld.jsonldJsSec)));
  fig('sparql.loadSec', (r) => fmt(r.sparql.loadSec));
  fig('sparql.oxigraphLoadSec', (r) => fmt(r.sparql.oxigraphLoadSec));
  fig('sparql.rssMB', (r) => fmt(r.sparql.rssMB, 0));
  fig('sparql.oxigraphRssMB', (r) => fmt(r.sparql.oxigraphRssMB, 0));
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.sparql.queries)))];
  for (const n of names) {
    fig(`query ${n} p50 ms (ours / Oxigraph)`, (r) => {
      const q = r.sparql.queries[n];
      return q ? `${fmt(q.oursP50Ms, 1)} / ${fmt(q.oxigraphP50Ms, 1)}` : '—';
    });
  }
  fig('http.lookupReqPerSec', (r) => fmt(r.http.lookupReqPerSec, 0));
  fig('http.p99Ms', (r) => fmt(r.http.p99Ms, 0));
  lines.push(
    '',
    row(['target', 'records', 'ours', 'anchor', 'ratio', 'limit', 'held']),
    row(['---', '---:', '---:', '---:', '---:', '---', '---']),
  );
  for (const c of checks) {
    lines.push(
      row([
        c.target,
        String(c.records),
        fmt(c.ours, 3),
        fmt(c.anchor, 3),
        fmt(c.ratio, 3),
        c.limit,
        c.held === null ? 'not measured' : c.held ? 'yes' : 'NO',
      ]),
    );
  }
  return lines.join('\n');
}
