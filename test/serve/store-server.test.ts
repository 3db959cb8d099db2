// The server over one store: named graphs queryable as published (GRAPH, FROM, FROM NAMED, the protocol's dataset),
// the default graph their union, 503 while loading, a rebuild under load taken up with no failed and no mixed
// answer, and SERVICE only to allow-listed endpoints.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parser } from 'n3';
import { build } from '../../src/pipeline.ts';
import { startServer } from '../../src/serve/server.ts';
import { workspaceWithRealData } from '../support/project.ts';
import { generate } from '../../bench/generate.ts';
import { startTestServer, type TestServer } from './support.ts';

const BASE = 'https://projectgraph.example/';
const DATASET_GRAPH = `${BASE}graph/dataset`;
const ENSCHEDE = `${BASE}organisation/enschede`;
const HENGELO = `${BASE}organisation/hengelo`;

let ws: string;
let out: string;
let server: TestServer;
let manifest: { state: string; graphs: Record<string, { triples: number }> };

async function csv(query: string, extra: Record<string, string[]> = {}): Promise<string[][]> {
  const body = new URLSearchParams({ query });
  for (const [k, values] of Object.entries(extra)) for (const v of values) body.append(k, v);
  const r = await fetch(server.sparqlUrl, { method: 'POST', body, headers: { accept: 'text/csv' } });
  expect(r.status, await r.clone().text()).toBe(200);
  return (await r.text())
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split(','));
}

const count = async (query: string, extra: Record<string, string[]> = {}) => Number((await csv(query, extra))[0]![0]);

/** Rewrites the name of an organisation record (the line `name: …`). */
async function rename(id: string, name: string): Promise<void> {
  const file = path.join(ws, 'data', 'organisations', `${id}.yaml`);
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/^name: .*$/m, `name: ${name}`));
}

beforeAll(async () => {
  ws = await workspaceWithRealData();
  out = path.join(ws, 'output');
  await build({ dataDir: path.join(ws, 'data'), outDir: out });
  manifest = JSON.parse(await readFile(path.join(out, 'graphs.json'), 'utf8')) as typeof manifest;
  // Several clients of this test share one address: the per-client share is raised so that none is turned away.
  server = await startTestServer({ outDir: out, workers: 2 });
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe('named graphs, as published', () => {
  it('GRAPH ?g finds every graph of graphs.json with its triples', async () => {
    const rows = await csv('SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g');
    const found = Object.fromEntries(rows.map(([g, n]) => [g!, Number(n)]));
    const expected = Object.fromEntries(Object.entries(manifest.graphs).map(([g, e]) => [g, e.triples]));
    expect(found).toEqual(expected);
  });

  it('the default graph is the union of the graphs: what dataset.nt holds', async () => {
    const nt = new Parser({ format: 'N-Triples' }).parse(await readFile(path.join(out, 'dataset.nt'), 'utf8'));
    expect(await count('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }')).toBe(nt.length);
  });

  it('FROM and FROM NAMED select published graphs', async () => {
    const triples = manifest.graphs[DATASET_GRAPH]!.triples;
    expect(await count(`SELECT (COUNT(*) AS ?n) FROM <${DATASET_GRAPH}> WHERE { ?s ?p ?o }`)).toBe(triples);
    const named = await csv(`SELECT DISTINCT ?g FROM NAMED <${DATASET_GRAPH}> WHERE { GRAPH ?g { ?s ?p ?o } }`);
    expect(named).toEqual([[DATASET_GRAPH]]);
    const ask = await csv(`ASK FROM <${DATASET_GRAPH}> { <${BASE}dataset> ?p ?o }`);
    expect(ask).toEqual([['true']]);
    const askElsewhere = await csv(`ASK FROM <${BASE}graph/organisation/hengelo> { <${BASE}dataset> ?p ?o }`);
    expect(askElsewhere).toEqual([['false']]);
  });

  it("default-graph-uri and named-graph-uri replace the query's dataset", async () => {
    const hengelo = `${BASE}graph/organisation/hengelo`;
    const triples = manifest.graphs[hengelo]!.triples;
    const query = `SELECT (COUNT(*) AS ?n) FROM <${DATASET_GRAPH}> WHERE { ?s ?p ?o }`;
    expect(await count(query, { 'default-graph-uri': [hengelo] })).toBe(triples);
    const graphs = await csv('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }', {
      'named-graph-uri': [hengelo, DATASET_GRAPH],
    });
    expect(graphs.map(([g]) => g).sort()).toEqual([DATASET_GRAPH, hengelo].sort());
    const construct = await fetch(
      `${server.sparqlUrl}?query=${encodeURIComponent('CONSTRUCT WHERE { ?s ?p ?o }')}&default-graph-uri=${encodeURIComponent(hengelo)}`,
      { headers: { accept: 'application/n-triples' } },
    );
    expect(new Parser({ format: 'N-Triples' }).parse(await construct.text())).toHaveLength(triples);
  });

  it('the service description says the default graph is the union and lists the named graphs', async () => {
    const r = await fetch(server.sparqlUrl, { headers: { accept: 'text/turtle' } });
    const quads = new Parser().parse(await r.text());
    const sd = 'http://www.w3.org/ns/sparql-service-description#';
    expect(quads.some((q) => q.predicate.value === `${sd}feature` && q.object.value === `${sd}UnionDefaultGraph`)).toBe(
      true,
    );
    const names = quads.filter((q) => q.predicate.value === `${sd}name`).map((q) => q.object.value);
    expect(names.sort()).toEqual(Object.keys(manifest.graphs).sort());
  });
});

describe('the default graph', () => {
  it('is a set: a statement many records make (a keyword of many projects) is in one graph and comes once', {
    timeout: 300_000,
  }, async () => {
    // Generated data shares keywords, places and programmes between many records, as a real collection does.
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-union-'));
    await generate(path.join(dir, 'data'), 40, 7);
    await build({ dataDir: path.join(dir, 'data'), outDir: path.join(dir, 'output') });
    const generated = await startTestServer({ outDir: path.join(dir, 'output'), workers: 1 });
    const ask = async (query: string) => {
      const r = await fetch(`${generated.sparqlUrl}?query=${encodeURIComponent(query)}`, {
        headers: { accept: 'text/csv' },
      });
      return (await r.text()).trim().split('\r\n').slice(1);
    };
    try {
      const inTwo = await ask(
        'SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1) LIMIT 1',
      );
      expect(inTwo).toEqual([]);
      // A keyword several projects name: its label sits in the keyword's own graph.
      const keyword = await ask(
        `SELECT ?g (COUNT(DISTINCT ?p) AS ?n) WHERE {
           ?p <http://schema.org/keywords> ?k . GRAPH ?g { ?k <http://schema.org/name> ?name }
         } GROUP BY ?g ?k HAVING (COUNT(DISTINCT ?p) > 1) LIMIT 1`,
      );
      expect(keyword).toHaveLength(1);
      expect(keyword[0]).toMatch(/^https:\/\/projectgraph\.example\/graph\/keyword\/[^,]+,[2-9]/);
      const all = Number((await ask('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'))[0]);
      const distinct = Number(
        (await ask('SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }'))[0],
      );
      expect(all).toBe(distinct);
      const lines = (await readFile(path.join(dir, 'output', 'dataset.nt'), 'utf8')).split('\n').filter(Boolean);
      expect(all).toBe(lines.length);
      const names = await ask(
        'SELECT ?k ?n WHERE { ?k a <http://schema.org/DefinedTerm> ; <http://schema.org/name> ?n }',
      );
      expect(names.length).toBe(new Set(names).size);
    } finally {
      await generated.close();
    }
  });
});

describe('loading', () => {
  it('answers 503 with Retry-After until the store is loaded, then 200', async () => {
    const port = await freePort();
    const starting = startServer({ outDir: out, host: '127.0.0.1', port, workers: 1, log: () => {} });
    let early: Response | undefined;
    for (let i = 0; i < 200 && !early; i++) {
      early = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' } }).catch(() => undefined);
      if (!early) await new Promise((r) => setTimeout(r, 10));
    }
    const running = await starting;
    try {
      expect(early?.status).toBe(503);
      expect(early?.headers.get('retry-after')).toBe('5');
      expect(await early?.text()).toMatch(/loading/);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

describe('a rebuild under a running server', () => {
  it('is taken up by its change set, under load, with no failed and no mixed answer', {
    timeout: 180_000,
  }, async () => {
    const names = `SELECT ?a ?b WHERE { <${ENSCHEDE}> <http://schema.org/name> ?a . <${HENGELO}> <http://schema.org/name> ?b }`;
    const [[oldA, oldB]] = (await csv(names)) as [[string, string]];
    const seen: string[] = [];
    const failures: string[] = [];
    let running = true;
    let sawNew = false;
    let oldAfterNew = 0;
    // Four clients: two asking SPARQL, two the page, each one request after another.
    const client = async (kind: 'sparql' | 'page') => {
      while (running) {
        try {
          if (kind === 'sparql') {
            const url = `${server.sparqlUrl}?query=${encodeURIComponent(names)}`;
            const r = await fetch(url, { headers: { accept: 'text/csv' } });
            if (r.status !== 200) failures.push(`sparql ${r.status}`);
            const row = (await r.text()).trim().split('\r\n')[1] ?? '';
            seen.push(row);
            const isNew = row === 'Enschede Nieuw,Hengelo Nieuw';
            if (isNew) sawNew = true;
            else if (sawNew) oldAfterNew++;
          } else {
            const r = await fetch(`${server.url}organisation/enschede`, {
              headers: { accept: 'application/n-triples' },
            });
            if (r.status !== 200) failures.push(`page ${r.status}`);
            await r.arrayBuffer();
          }
        } catch (e) {
          failures.push(String(e));
        }
      }
    };
    const clients = [client('sparql'), client('sparql'), client('page'), client('page')];
    await new Promise((r) => setTimeout(r, 500));
    const switches = server.pool.switches;
    await rename('enschede', 'Enschede Nieuw');
    await rename('hengelo', 'Hengelo Nieuw');
    await build({ dataDir: path.join(ws, 'data'), outDir: out });
    const built = Date.now();
    while (server.pool.switches === switches && Date.now() - built < 30_000)
      await new Promise((r) => setTimeout(r, 20));
    const visibleAfterMs = Date.now() - built;
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await Promise.all(clients);

    expect(server.pool.lastSwitch).toBe('change-set');
    expect(visibleAfterMs).toBeLessThan(30_000);
    expect(failures).toEqual([]);
    // Every answer is all of one build: both names old, or both new.
    const allowed = new Set([`${oldA},${oldB}`, 'Enschede Nieuw,Hengelo Nieuw']);
    expect(seen.filter((row) => !allowed.has(row))).toEqual([]);
    expect(seen).toContain('Enschede Nieuw,Hengelo Nieuw');
    // Each client asks one after another: once it saw the new build, it never again sees the old one.
    expect(oldAfterNew).toBe(0);
    const page = await fetch(`${server.url}organisation/enschede`, { headers: { accept: 'application/n-triples' } });
    expect(await page.text()).toContain('"Enschede Nieuw"');
  });
});

describe('federation', () => {
  let other: TestServer;
  let trap: http.Server;
  let trapConnections = 0;
  let federated: TestServer;

  beforeAll(async () => {
    other = await startTestServer({ outDir: out, workers: 1 });
    trap = http.createServer((_req, res) => res.end());
    trap.on('connection', () => trapConnections++);
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    federated = await startTestServer({ outDir: out, workers: 1, allowService: [other.sparqlUrl] });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([other?.close(), federated?.close()]);
    trap?.close();
  });

  const ask = (target: TestServer, query: string) =>
    fetch(`${target.sparqlUrl}?query=${encodeURIComponent(query)}`, { headers: { accept: 'text/csv' } });

  it('joins the local store with an allow-listed endpoint', async () => {
    const query = `SELECT ?name WHERE {
  <${ENSCHEDE}> a ?type .
  SERVICE <${other.sparqlUrl}> { <${ENSCHEDE}> <http://schema.org/name> ?name }
}`;
    const r = await ask(federated, query);
    expect(r.status, await r.clone().text()).toBe(200);
    const rows = (await r.text()).trim().split('\r\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows).size).toBe(1);
    expect(other.pool.queries).toBeGreaterThan(0);
  });

  it('refuses SERVICE to any other endpoint, or by a variable, and never connects to it', async () => {
    const trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/sparql`;
    for (const target of [federated, server]) {
      const named = await ask(target, `SELECT * WHERE { SERVICE <${trapUrl}> { ?s ?p ?o } }`);
      expect(named.status).toBe(400);
      expect(await named.text()).toMatch(/SERVICE/);
      const byVariable = await ask(target, `SELECT * WHERE { VALUES ?e { <${trapUrl}> } SERVICE ?e { ?s ?p ?o } }`);
      expect(byVariable.status).toBe(400);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(trapConnections).toBe(0);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
