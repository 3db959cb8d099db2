// The remote store over a real Virtuoso holding the pushed build: every query form, GRAPH / FROM / FROM NAMED and the
// protocol's dataset answer as the embedded store over the same build, descriptions and graphs equal, no other host.
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import type * as RDF from '@rdfjs/types';
import { build } from '../../src/pipeline.ts';
import { EmbeddedStore, toOperation } from '../../src/store/embedded.ts';
import { RemoteStore } from '../../src/store/remote.ts';
import { ServiceRefusedError, type QueryOptions, type QueryResult, type Store } from '../../src/store/store.ts';
import { ProjectgraphError } from '../../src/errors.ts';
import { parseTurtleFile, workspaceWithRealData } from '../support/project.ts';
import { virtuosoStore, type StoreUnderTest } from '../support/stores.ts';

const BASE = 'https://projectgraph.example/';
const G = `${BASE}graph/`;
const DATASET_GRAPH = `${G}dataset`;
const ENSCHEDE_GRAPH = `${G}organisation/enschede`;
const PROJECT = `${BASE}project/cluster-governance-kks-2015`;
const SCHEMA = 'http://schema.org/';

let ws: string;
let out: string;
let embedded: EmbeddedStore;
let remote: StoreUnderTest & { store: RemoteStore | Store };

beforeAll(async () => {
  ws = await workspaceWithRealData();
  out = path.join(ws, 'output');
  await build({ dataDir: path.join(ws, 'data'), outDir: out, sourceDateEpoch: '1790000000' });
  embedded = await EmbeddedStore.load(out);
  remote = await virtuosoStore(out);
}, 90_000);

afterAll(async () => {
  await remote?.close();
  await rm(ws, { recursive: true, force: true });
});

/** A result as something toEqual compares: sorted rows of N-Triples-like terms, a graph's quads, or the boolean. */
async function collect(
  result: QueryResult,
): Promise<{ type: string; rows?: string[]; quads?: RDF.Quad[]; value?: boolean }> {
  if (result.type === 'boolean') return { type: 'boolean', value: result.value };
  if (result.type === 'quads') {
    const quads: RDF.Quad[] = [];
    for await (const q of result.quads) quads.push(q);
    return { type: 'quads', quads };
  }
  const rows: string[] = [];
  for await (const b of result.bindings) {
    rows.push(
      [...b]
        .sort(([a], [c]) => (a < c ? -1 : 1))
        .map(([k, t]) => `${k}=${term(t)}`)
        .join(' '),
    );
  }
  return { type: 'bindings', rows: rows.sort() };
}

function term(t: RDF.Term): string {
  if (t.termType === 'Literal') return `${JSON.stringify(t.value)}@${t.language}^^${t.datatype.value}`;
  if (t.termType === 'BlankNode') return '_:b';
  return `<${t.value}>`;
}

/** Asks both stores and expects the same rows, the same boolean, or isomorphic graphs; returns the embedded answer. */
async function same(query: string | object, options: QueryOptions = {}) {
  const op = query as string;
  const [mine, theirs] = [
    await collect(await embedded.query(op, options)),
    await collect(await remote.store.query(op, options)),
  ];
  expect(theirs.type).toBe(mine.type);
  if (mine.type === 'quads') {
    expect(theirs.quads!.length, String(query)).toBe(mine.quads!.length);
    expect(isomorphic(theirs.quads!, mine.quads!), String(query)).toBe(true);
  } else {
    expect(theirs, String(query)).toEqual(mine);
  }
  return mine;
}

describe('queries answer as the embedded store does', () => {
  const forms: [string, string][] = [
    ['SELECT everything', 'SELECT * WHERE { ?s ?p ?o }'],
    ['COUNT', 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'],
    ['GROUP BY and ORDER BY', `SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t ORDER BY DESC(?n) ?t`],
    [
      'OPTIONAL, FILTER and a language tag',
      `SELECT ?o ?name ?d WHERE { ?o a <${SCHEMA}Organization> ; <${SCHEMA}name> ?name OPTIONAL { ?o <${SCHEMA}description> ?d FILTER(LANG(?d) = "nl") } }`,
    ],
    ['a property path', `SELECT ?x ?y WHERE { ?x <${SCHEMA}member>/<${SCHEMA}name> ?y }`],
    [
      'VALUES and a subquery',
      `SELECT ?s ?n WHERE { VALUES ?s { <${PROJECT}> } { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }`,
    ],
    ['CONTAINS', `SELECT ?s WHERE { ?s <${SCHEMA}name> ?n FILTER(CONTAINS(LCASE(STR(?n)), "governance")) }`],
    ['ASK true', `ASK { <${PROJECT}> ?p ?o }`],
    ['ASK false', `ASK { <${PROJECT}> <${BASE}no-such-property> ?o }`],
    ['CONSTRUCT', 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }'],
    ['CONSTRUCT with a template of its own', `CONSTRUCT { ?o <${BASE}worksOn> ?p } WHERE { ?p <${SCHEMA}member> ?o }`],
    ['DESCRIBE an IRI', `DESCRIBE <${PROJECT}>`],
    ['DESCRIBE a variable', `DESCRIBE ?o WHERE { ?o a <${SCHEMA}Organization> }`],
    ['GRAPH ?g', 'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'],
    ['GRAPH of a published graph', `SELECT * WHERE { GRAPH <${ENSCHEDE_GRAPH}> { ?s ?p ?o } }`],
    ['GRAPH of a graph the build lacks', `SELECT * WHERE { GRAPH <${G}no-such-graph> { ?s ?p ?o } }`],
    ['FROM', `SELECT (COUNT(*) AS ?n) FROM <${DATASET_GRAPH}> WHERE { ?s ?p ?o }`],
    ['FROM twice', `SELECT ?s ?p ?o FROM <${DATASET_GRAPH}> FROM <${ENSCHEDE_GRAPH}> WHERE { ?s ?p ?o }`],
    [
      'FROM leaves no named graphs',
      `SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }`.replace('SELECT ?g', `SELECT ?g FROM <${DATASET_GRAPH}>`),
    ],
    ['FROM NAMED', `SELECT DISTINCT ?g FROM NAMED <${DATASET_GRAPH}> WHERE { GRAPH ?g { ?s ?p ?o } }`],
    [
      'FROM NAMED leaves the default graph empty',
      `SELECT (COUNT(*) AS ?n) FROM NAMED <${DATASET_GRAPH}> WHERE { ?s ?p ?o }`,
    ],
    [
      'FROM and FROM NAMED',
      `SELECT ?g (COUNT(*) AS ?n) FROM <${ENSCHEDE_GRAPH}> FROM NAMED <${DATASET_GRAPH}> WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g`,
    ],
    ['CONSTRUCT with FROM', `CONSTRUCT { ?s ?p ?o } FROM <${ENSCHEDE_GRAPH}> WHERE { ?s ?p ?o }`],
    ['the vocabulary', `SELECT ?c WHERE { ?c a <http://www.w3.org/2000/01/rdf-schema#Class> }`],
  ];
  it.each(forms)('%s', async (_name, query) => {
    await same(query);
  });

  it('takes algebra as well as text', async () => {
    const got = await same(toOperation(`SELECT ?n WHERE { <${PROJECT}> <${SCHEMA}name> ?n }`));
    expect(got.rows).toEqual([expect.stringContaining('"Cluster Governance (KKS 2015)"')]);
    await same(toOperation(`SELECT ?g FROM NAMED <${DATASET_GRAPH}> WHERE { GRAPH ?g { } }`));
  });

  it('resolves relative IRIs against the base IRI given', async () => {
    const got = await same('ASK { <project/cluster-governance-kks-2015> ?p ?o }', { baseIri: BASE });
    expect(got.value).toBe(true);
  });

  it("the protocol's default-graph-uri and named-graph-uri replace the query's dataset", async () => {
    const count = `SELECT (COUNT(*) AS ?n) FROM <${ENSCHEDE_GRAPH}> WHERE { ?s ?p ?o }`;
    const graphs = 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }';
    await same(count, { defaultGraphs: [DATASET_GRAPH] });
    await same(count, { defaultGraphs: [DATASET_GRAPH, ENSCHEDE_GRAPH] });
    // A default graph alone leaves no named graphs; named graphs alone leave the default graph empty.
    expect((await same(graphs, { defaultGraphs: [DATASET_GRAPH] })).rows).toEqual([]);
    expect((await same(graphs, { namedGraphs: [ENSCHEDE_GRAPH] })).rows).toEqual([`g=<${ENSCHEDE_GRAPH}>`]);
    expect((await same(count, { namedGraphs: [ENSCHEDE_GRAPH] })).rows).toEqual([
      'n="0"@^^http://www.w3.org/2001/XMLSchema#integer',
    ]);
  });

  it('the default graph is the union of the published graphs and nothing else: no Virtuoso system graph', async () => {
    const manifest = JSON.parse(await readFile(path.join(out, 'graphs.json'), 'utf8')) as {
      graphs: Record<string, { triples: number }>;
    };
    const total = Object.values(manifest.graphs).reduce((n, g) => n + g.triples, 0);
    expect(await remote.store.size()).toBe(total);
    expect(await remote.store.size()).toBe(await embedded.size());
    const all = await collect(await remote.store.query('CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }'));
    const nt = await parseTurtleFile(path.join(out, 'dataset.nt'), 'application/n-triples');
    expect(isomorphic(all.quads!, nt)).toBe(true);
    const graphs = await collect(await remote.store.query('SELECT DISTINCT ?g WHERE { GRAPH ?g { } }'));
    for (const row of graphs.rows!) expect(row.startsWith(`g=<${G}`), row).toBe(true);
  });
});

describe('describe()', () => {
  it("equals the embedded store's for every resource of the build, and is undefined for an unknown one", async () => {
    const nt = await parseTurtleFile(path.join(out, 'dataset.nt'), 'application/n-triples');
    const resources = new Set<string>();
    for (const q of nt) {
      for (const t of [q.subject, q.object])
        if (t.termType === 'NamedNode' && t.value.startsWith(BASE)) resources.add(t.value.replace(/#.*/, ''));
    }
    expect(resources.size).toBeGreaterThan(20);
    for (const iri of [...resources].sort()) {
      const [mine, theirs] = [await embedded.describe(iri), await remote.store.describe(iri)];
      if (mine === undefined) {
        expect(theirs, iri).toBeUndefined();
        continue;
      }
      expect(theirs, iri).toBeDefined();
      for (const part of ['own', 'incoming', 'context'] as const) {
        expect(theirs![part].length, `${iri} ${part}`).toBe(mine[part].length);
        expect(isomorphic(theirs![part], mine[part]), `${iri} ${part}`).toBe(true);
      }
    }
    expect(await remote.store.describe(`${BASE}project/no-such-project`)).toBeUndefined();
  }, 60_000);
});

describe('graphs(), state and apply()', () => {
  it('lists the same graphs with the same triple counts', async () => {
    const strip = (gs: { name: string; triples: number }[]) => gs.map(({ name, triples }) => ({ name, triples }));
    expect(strip(await remote.store.graphs())).toEqual(strip(await embedded.graphs()));
  });

  it('knows no state, and refuses a change set naming push as the way to update the store', async () => {
    expect(remote.store.state).toBeUndefined();
    const e = await remote.store.apply({ from: embedded.state!, to: 'x', sequence: 2, graphs: [] }).catch((x) => x);
    expect(e).toBeInstanceOf(ProjectgraphError);
    expect((e as ProjectgraphError).message).toMatch(/projectgraph push/);
  });
});

describe('limits', () => {
  // Five nested cross products of the whole store: far beyond any time limit.
  const endless = 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p }';

  it('a time limit stops the request with QUERY_TIMEOUT', async () => {
    const started = performance.now();
    const e = await remote.store.query(endless, { timeoutMs: 300 }).catch((x) => x);
    expect((e as ProjectgraphError).code).toBe('QUERY_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('an AbortSignal aborts the request', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the client went away')), 200);
    const started = performance.now();
    await expect(remote.store.query(endless, { signal: controller.signal })).rejects.toThrow('the client went away');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses updates before sending them', async () => {
    const e = await remote.store.query(`CLEAR GRAPH <${DATASET_GRAPH}>`).catch((x) => x);
    expect((e as ProjectgraphError).code).toBe('QUERY_REFUSED');
    expect(await remote.store.size()).toBe(await embedded.size());
  });
});

describe('no request to anything but the endpoint', () => {
  let connections = 0;
  let trap: net.Server;
  let trapUrl: string;
  let redirector: Server;
  let redirectUrl: string;

  beforeAll(async () => {
    trap = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/sparql`;
    // An endpoint that sends every request on to the trap.
    redirector = createServer((_req, res) => res.writeHead(307, { location: trapUrl }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/sparql`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => trap.close(() => resolve()));
    await new Promise<void>((resolve) => redirector.close(() => resolve()));
  });

  it('SERVICE is refused before anything is sent; FROM of the trap fetches nothing; a redirect is not followed', async () => {
    await expect(remote.store.query(`SELECT * WHERE { SERVICE <${trapUrl}> { ?s ?p ?o } }`)).rejects.toBeInstanceOf(
      ServiceRefusedError,
    );
    const from = await collect(await remote.store.query(`SELECT * FROM <${trapUrl}> WHERE { ?s ?p ?o }`));
    expect(from.rows).toEqual([]);
    await remote.store.query(`SELECT * WHERE { GRAPH <${trapUrl}> { ?s ?p ?o } }`);
    await remote.store.describe(trapUrl);
    const e = await RemoteStore.connect({ endpoint: redirectUrl, base: BASE }).catch((x) => x);
    expect((e as ProjectgraphError).code).toBe('STORE_LOAD');
    await new Promise((r) => setTimeout(r, 200));
    expect(connections).toBe(0);
  });
});

describe('serve --store over the same Virtuoso', () => {
  it('answers from the published graphs only: no Virtuoso system graph in the default graph or in GRAPH ?g', async () => {
    const { startServer } = await import('../../src/serve/server.ts');
    const endpoint = (remote as StoreUnderTest & { virtuoso: { sparql: string } }).virtuoso.sparql;
    const server = await startServer({ outDir: path.join(ws, 'no-output'), store: endpoint, port: 0, log: () => {} });
    try {
      const ask = async (query: string, params = '') => {
        const res = await fetch(`${server.sparqlUrl}?query=${encodeURIComponent(query)}${params}`, {
          headers: { accept: 'text/csv' },
        });
        expect(res.status, await res.clone().text()).toBe(200);
        return (await res.text()).split('\r\n').slice(1, -1);
      };
      expect(await ask('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }')).toEqual([String(await embedded.size())]);
      const graphs = await ask('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g');
      expect(graphs).toEqual((await embedded.graphs()).map((g) => g.name));
      // The protocol's dataset replaces the query's FROM, and leaves no named graphs.
      const from = `SELECT (COUNT(*) AS ?n) FROM <${ENSCHEDE_GRAPH}> WHERE { ?s ?p ?o }`;
      const dataset = `&default-graph-uri=${encodeURIComponent(DATASET_GRAPH)}`;
      const triples = (await embedded.graphs()).find((g) => g.name === DATASET_GRAPH)!.triples;
      expect(await ask(from, dataset)).toEqual([String(triples)]);
      expect(await ask('SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }', dataset)).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('after a push that adds a record', () => {
  it('the new graph is queryable once the store has listed its graphs again (refreshMs after the push at most)', async () => {
    const { virtuoso } = remote as StoreUnderTest & { virtuoso: { sparql: string; graphStore: string; dir: string } };
    const live = await RemoteStore.connect({ endpoint: virtuoso.sparql, refreshMs: 0 });
    const iri = `${BASE}organisation/almelo`;
    const ask = async () => ((await live.query(`ASK { <${iri}> ?p ?o }`)) as { value: boolean }).value;
    expect(await ask()).toBe(false);
    const record = path.join(ws, 'data/organisations/almelo.yaml');
    const { push } = await import('../../src/push/push.ts');
    const rebuildAndPush = async () => {
      await build({ dataDir: path.join(ws, 'data'), outDir: out, sourceDateEpoch: '1790000000' });
      return push({
        outDir: out,
        store: virtuoso.sparql,
        graphStore: virtuoso.graphStore,
        user: 'dba',
        password: 'dba',
        stateFile: `${virtuoso.dir}/push-state.json`,
      });
    };
    await writeFile(record, 'id: almelo\nname: Almelo\ntype: municipality\n');
    try {
      const report = await rebuildAndPush();
      expect(report.put).toEqual([`${G}organisation/almelo`]);
      let seen = false;
      for (const deadline = Date.now() + 5000; !seen && Date.now() < deadline; ) {
        seen = await ask();
        if (!seen) await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen).toBe(true);
      expect((await live.graphs()).map((g) => g.name)).toContain(`${G}organisation/almelo`);
    } finally {
      // The tests after this one compare Virtuoso with the embedded store over the first build: take the record out
      // again, whatever the remote store's graph list has picked up in between.
      await rm(record, { force: true });
      const undone = await rebuildAndPush();
      expect(undone.deleted).toEqual([`${G}organisation/almelo`]);
      expect(await ask()).toBe(false);
    }
  }, 60_000);
});

describe('Comunica in front of the remote store', () => {
  it('hands it whole operations and answers as in front of the embedded store', async () => {
    const { QueryEngine } = await import('@comunica/query-sparql-rdfjs');
    const { storeContext } = await import('../../src/store/comunica-source.ts');
    const engine = new QueryEngine();
    const answer = async (store: Store, query: string): Promise<string[]> => {
      const result = await engine.query(query, { ...storeContext(store) } as never);
      if (result.resultType === 'bindings') {
        const rows = await (await result.execute()).toArray();
        return rows.map((b) => [...b].map(([k, v]) => `${k.value}=${term(v)}`).join(' ')).sort();
      }
      if (result.resultType === 'quads') {
        const quads = await (await result.execute()).toArray();
        return quads.map((q) => `${term(q.subject)} ${term(q.predicate)} ${term(q.object)}`).sort();
      }
      return [String(await result.execute())];
    };
    for (const query of [
      `SELECT ?g (COUNT(*) AS ?n) FROM NAMED <${DATASET_GRAPH}> WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g`,
      'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g',
      'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }',
      `ASK { <${PROJECT}> ?p ?o }`,
      `DESCRIBE <${PROJECT}>`,
      `CONSTRUCT { ?s ?p ?o } FROM <${ENSCHEDE_GRAPH}> WHERE { ?s ?p ?o }`,
    ]) {
      const expected = await answer(embedded, query);
      expect(expected.length, query).toBeGreaterThan(0);
      expect(await answer(remote.store, query), query).toEqual(expected);
    }
  }, 60_000);
});

describe('a store with more published graphs than a request may list', () => {
  it('still answers a query without a dataset (from the store’s own default graph), where listing them fails', async () => {
    const { virtuoso } = remote as StoreUnderTest & { virtuoso: { sparql: string; graphStore: string } };
    const { GraphStore } = await import('../../src/push/graph-store.ts');
    const { HttpClient } = await import('../../src/push/http-client.ts');
    const gsp = new GraphStore(new HttpClient({ user: 'dba', password: 'dba' }), new URL(virtuoso.graphStore));
    const extra = Array.from({ length: 300 }, (_, i) => `${G}extra/graph-with-a-long-enough-name-${i}`);
    try {
      for (const g of extra) await gsp.put(g, `<${g}> <${SCHEMA}name> "extra" .\n`);
      const many = await RemoteStore.connect({ endpoint: virtuoso.sparql });
      expect(many.publishedGraphs.length).toBeGreaterThan(300);
      const n = await collect(await many.query(`SELECT (COUNT(*) AS ?n) WHERE { ?s <${SCHEMA}name> "extra" }`));
      expect(n.rows).toEqual(['n="300"@^^http://www.w3.org/2001/XMLSchema#integer']);
    } finally {
      for (const g of extra) await gsp.delete(g);
    }
  }, 120_000);
});
