// Every query form × every solution modifier × every result format a client can ask for, against a started server,
// each answer read back in its own format and compared with Oxigraph's answer to the same query over the same data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import oxigraph from 'oxigraph';
import { isomorphic } from 'rdf-isomorphic';
import type { Quad, Term } from '@rdfjs/types';
import { buildTempOutput, startTestServer, type TestServer } from './support.ts';
import { asCsv, readAnswer, termString, type Answer } from './results.ts';

const P = 'PREFIX schema: <http://schema.org/>\n';
const ORGS = '?o a schema:GovernmentOrganization ; schema:name ?name';

interface Case {
  form: 'select' | 'ask' | 'construct' | 'describe';
  modifier: string;
  query: string;
  /** The answer is one fixed set (no slice without a total order), so it is compared with Oxigraph's in full. */
  exact: boolean;
}

const cases: Case[] = [];
const add = (form: Case['form'], modifier: string, query: string, exact = true) =>
  cases.push({ form, modifier, query: P + query, exact });
for (const [modifier, tail, exact] of [
  ['none', '', true],
  ['ORDER BY', 'ORDER BY DESC(?name)', true],
  ['LIMIT', 'LIMIT 2', false],
  ['OFFSET', 'OFFSET 1', false],
  ['ORDER BY LIMIT OFFSET', 'ORDER BY ?name LIMIT 2 OFFSET 1', true],
] as const) {
  add('select', modifier, `SELECT ?o ?name WHERE { ${ORGS} } ${tail}`, exact);
  add('ask', modifier, `ASK { ${ORGS} } ${tail}`);
  add('construct', modifier, `CONSTRUCT { ?o schema:name ?name } WHERE { ${ORGS} } ${tail}`, exact);
  add('describe', modifier, `DESCRIBE ?o WHERE { ${ORGS} } ${tail}`, exact);
}
add('select', 'DISTINCT', 'SELECT DISTINCT ?type WHERE { ?s a ?type }');
add('select', 'REDUCED', 'SELECT REDUCED ?type WHERE { ?s a ?type } ORDER BY ?type LIMIT 3');
add(
  'select',
  'GROUP BY HAVING',
  'SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type HAVING (COUNT(?s) > 1) ORDER BY ?type',
);
add('select', 'SELECT * (query order)', `SELECT * WHERE { ${ORGS} . BIND(STRLEN(?name) AS ?len) }`);
add(
  'select',
  'a literal with CR LF, tab, quotes and a comma',
  'SELECT ?x ?y WHERE { BIND("a\\r\\nb\\t\\"c\\", d" AS ?x) BIND(STRLANG("e", "en-GB") AS ?y) }',
);
add('ask', 'OFFSET past the end', `ASK { ${ORGS} } OFFSET 100`);
add('construct', 'DISTINCT-like template', `CONSTRUCT WHERE { ${ORGS} } ORDER BY ?name LIMIT 3`);

const TABLE = [
  'application/sparql-results+json',
  'application/sparql-results+xml',
  'text/csv',
  'text/tab-separated-values',
];
const GRAPH = ['text/turtle', 'application/n-triples', 'application/ld+json', 'application/rdf+xml'];
/** Accept header (undefined: none sent) → the type a table answer and a graph answer come in (undefined: 406). */
const ACCEPTS: [string | undefined, string | undefined, string | undefined][] = [
  [undefined, TABLE[0]!, GRAPH[0]!],
  ['*/*', TABLE[0]!, GRAPH[0]!],
  ['application/json', TABLE[0]!, 'application/ld+json'],
  ['application/xml', TABLE[1]!, 'application/rdf+xml'],
  // YASGUI's own Accept headers.
  ['application/sparql-results+json,*/*;q=0.9', TABLE[0]!, GRAPH[0]!],
  ['application/n-triples,*/*;q=0.9', TABLE[0]!, GRAPH[1]!],
  // SPARQLWrapper's for JSON, N3 and CSV.
  [
    'application/sparql-results+json,application/json,text/javascript,application/javascript',
    TABLE[0]!,
    'application/ld+json',
  ],
  ['application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3', undefined, 'text/turtle'],
  ...TABLE.map((t): [string, string, undefined] => [t, t, undefined]),
  ...GRAPH.map((t): [string, undefined, string] => [t, undefined, t]),
];

let server: TestServer;
let reference: oxigraph.Store;

beforeAll(async () => {
  const outDir = await buildTempOutput();
  server = await startTestServer({ outDir, workers: 1 });
  reference = new oxigraph.Store();
  reference.load(await readFile(path.join(outDir, 'dataset.nt'), 'utf8'), { format: 'application/n-triples' });
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function ask(query: string, accept: string | undefined): Promise<Response> {
  return fetch(
    `${server.sparqlUrl}?query=${encodeURIComponent(query)}`,
    accept === undefined ? {} : { headers: { Accept: accept } },
  );
}

function oxigraphAnswer(c: Case): Answer {
  const result = reference.query(c.query) as boolean | Map<string, Term>[] | Quad[];
  if (typeof result === 'boolean') return { kind: 'boolean', value: result };
  if (c.form === 'construct' || c.form === 'describe') return { kind: 'quads', quads: result as Quad[] };
  const rows = (result as Map<string, Term>[]).map((m) =>
    Object.fromEntries([...m].map(([k, v]) => [k, termString(v)])),
  );
  return { kind: 'bindings', vars: [], rows };
}

const sortRows = (rows: Record<string, string>[]) => rows.map((r) => JSON.stringify(Object.entries(r).sort())).sort();
const ordered = (c: Case) => /ORDER BY/.test(c.query);

describe('every form × modifier × result format', () => {
  for (const c of cases) {
    it(`${c.form.toUpperCase()} with ${c.modifier}`, async () => {
      const expected = oxigraphAnswer(c);
      let graph: Quad[] | undefined;
      for (const [accept, tableType, graphType] of ACCEPTS) {
        const res = await ask(c.query, accept);
        const label = `${c.form} ${c.modifier}, Accept ${accept ?? '(none)'}`;
        const type = c.form === 'select' || c.form === 'ask' ? tableType : graphType;
        if (type === undefined) {
          expect(res.status, label).toBe(406);
          expect(res.headers.get('vary'), label).toMatch(/Accept/);
          continue;
        }
        expect(res.status, `${label}: ${res.status} ${await res.clone().text()}`).toBe(200);
        expect(res.headers.get('content-type')?.split(';')[0], label).toBe(type);
        expect(res.headers.get('vary'), label).toMatch(/Accept/);
        const got = await readAnswer(type, await res.text());
        if (expected.kind === 'boolean') {
          expect(got, label).toEqual(expected);
        } else if (expected.kind === 'bindings' && got.kind === 'bindings') {
          const want = type === 'text/csv' ? asCsv(expected.rows) : expected.rows;
          if (!c.exact) expect(got.rows, label).toHaveLength(want.length);
          else if (ordered(c)) expect(type === 'text/csv' ? got.rows : got.rows, label).toEqual(want);
          else expect(sortRows(got.rows), label).toEqual(sortRows(want));
          if (c.modifier.startsWith('SELECT *')) expect(got.vars, label).toEqual(['o', 'name', 'len']);
        } else if (expected.kind === 'quads' && got.kind === 'quads') {
          expect(got.quads.length, label).toBeGreaterThan(0);
          // Every format of one query gives the same graph; that graph is Oxigraph's wherever both must agree
          // (DESCRIBE is each engine's own choice of triples).
          graph ??= got.quads;
          expect(isomorphic(got.quads, graph), label).toBe(true);
          if (c.exact && c.form === 'construct') expect(isomorphic(got.quads, expected.quads), label).toBe(true);
        } else {
          throw new Error(`${label}: a ${got.kind} answer where ${expected.kind} was expected`);
        }
      }
    }, 60_000);
  }

  it('refuses (406) an Accept it cannot serve, naming what it can, with Vary: Accept', async () => {
    for (const c of cases.filter((x) => x.modifier === 'LIMIT')) {
      const res = await ask(c.query, 'image/png');
      expect(res.status, c.form).toBe(406);
      expect(res.headers.get('vary'), c.form).toMatch(/Accept/);
      expect(await res.text(), c.form).toMatch(
        c.form === 'select' || c.form === 'ask' ? /sparql-results\+json/ : /rdf\+xml/,
      );
    }
  });
});
