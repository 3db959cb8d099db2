// serve --store: the endpoint and dereferencing answer from an external store (Oxigraph behind HTTP here), with the embedded server's policy and limits.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parser } from 'n3';
import { build } from '../../src/pipeline.ts';
import { push } from '../../src/push/push.ts';
import { startServer, type RunningServer } from '../../src/serve/server.ts';
import { workspaceWithRealData } from '../support/project.ts';
import { startTestStore, type TestStore } from './support/oxigraph-store.ts';

const BASE = 'https://projectgraph.example/';

describe('serve --store', () => {
  let store: TestStore;
  let server: RunningServer;
  const queries = () => store.log.filter((r) => r.method.startsWith('QUERY'));
  const sparql = (query: string, accept = 'application/sparql-results+json') =>
    fetch(server.sparqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', accept },
      body: query,
    });

  beforeAll(async () => {
    const ws = await workspaceWithRealData();
    await build({ dataDir: path.join(ws, 'data'), outDir: path.join(ws, 'output'), sourceDateEpoch: '1790000000' });
    store = await startTestStore();
    const report = await push({ outDir: path.join(ws, 'output'), store: store.sparql, graphStore: store.graphStore });
    expect(report.outOfSync).toEqual([]);
    // An output directory with nothing in it: every answer has to come from the store.
    const empty = await mkdtemp(path.join(tmpdir(), 'projectgraph-empty-out-'));
    server = await startServer({
      outDir: empty,
      store: store.sparql,
      port: 0,
      timeoutSeconds: 2,
      maxRows: 5,
      log: () => {},
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });

  it('answers SELECT from the store, in JSON and CSV, cut at the row limit', async () => {
    const q = `SELECT ?name WHERE { <${BASE}project/cluster-governance-kks-2015> <http://schema.org/name> ?name }`;
    const json = await sparql(q);
    expect(json.status).toBe(200);
    const body = (await json.json()) as { results: { bindings: { name: { value: string } }[] } };
    expect(body.results.bindings.map((b) => b.name.value)).toEqual(['Cluster Governance (KKS 2015)']);
    const csv = await sparql(q, 'text/csv');
    expect(await csv.text()).toBe('name\r\nCluster Governance (KKS 2015)\r\n');
    const many = await sparql('SELECT ?s WHERE { ?s ?p ?o }');
    expect(many.headers.get('x-result-truncated')).toBe('true');
    expect(((await many.json()) as { results: { bindings: unknown[] } }).results.bindings).toHaveLength(5);
  });

  it('answers ASK and CONSTRUCT from the store', async () => {
    const ask = await sparql(`ASK { <${BASE}organisation/enschede> ?p ?o }`);
    expect(await ask.json()).toMatchObject({ boolean: true });
    const construct = await sparql(
      `CONSTRUCT { <${BASE}organisation/enschede> ?p ?o } WHERE { <${BASE}organisation/enschede> ?p ?o }`,
      'application/n-triples',
    );
    const quads = new Parser({ format: 'N-Triples' }).parse(await construct.text());
    expect(quads.some((q) => q.predicate.value === 'http://schema.org/name' && q.object.value === 'Enschede')).toBe(
      true,
    );
  });

  it('refuses updates, SERVICE and FROM of other graphs without sending anything to the store', async () => {
    const before = queries().length;
    for (const q of [
      `INSERT DATA { <${BASE}x> <${BASE}p> 1 }`,
      'SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }',
      'SELECT * FROM <http://elsewhere.example/data> WHERE { ?s ?p ?o }',
    ]) {
      const r = await sparql(q);
      expect(r.status, q).toBe(400);
    }
    expect(queries().length).toBe(before);
  });

  it('may name the dataset graphs in FROM', async () => {
    const r = await sparql(
      `SELECT ?o FROM <${BASE}graph/organisation/enschede> WHERE { <${BASE}organisation/enschede> <http://schema.org/name> ?o }`,
    );
    expect(r.status).toBe(200);
    expect(((await r.json()) as { results: { bindings: unknown[] } }).results.bindings).toHaveLength(1);
  });

  it('dereferences an IRI from the store when the output holds no file for it', async () => {
    const r = await fetch(`${server.url}organisation/enschede`, { headers: { accept: 'application/n-triples' } });
    expect(r.status).toBe(200);
    const quads = new Parser({ format: 'N-Triples' }).parse(await r.text());
    expect(quads.some((q) => q.subject.value === `${BASE}organisation/enschede` && q.object.value === 'Enschede')).toBe(
      true,
    );
  });

  it('stops a query at the time limit (503) when the store is slow', async () => {
    store.queryDelayMs = 4000;
    try {
      const started = performance.now();
      const r = await sparql('SELECT * WHERE { ?s ?p ?o } LIMIT 1');
      expect(r.status).toBe(503);
      expect(performance.now() - started).toBeLessThan(3500);
    } finally {
      store.queryDelayMs = 0;
    }
  });

  it('shows what a later push changed: answers from a store are not cached', async () => {
    const q = `SELECT ?name WHERE { <${BASE}organisation/kei> <http://schema.org/name> ?name }`;
    const before = (await (await sparql(q, 'text/csv')).text()).split('\r\n')[1];
    store.store.update(
      `DELETE { GRAPH ?g { <${BASE}organisation/kei> <http://schema.org/name> ?n } } INSERT { GRAPH ?g { <${BASE}organisation/kei> <http://schema.org/name> "KEI (nieuw)"@nl } } WHERE { GRAPH ?g { <${BASE}organisation/kei> <http://schema.org/name> ?n } }`,
    );
    const after = (await (await sparql(q, 'text/csv')).text()).split('\r\n')[1];
    expect(before).toBe('KEI');
    expect(after).toBe('KEI (nieuw)');
  });

  it('refuses to start, saying why, when the store does not answer or holds no dataset', async () => {
    const closed = await startTestStore();
    const url = closed.sparql;
    await closed.close();
    await expect(startServer({ outDir: tmpdir(), store: url, port: 0, log: () => {} })).rejects.toThrow(
      /cannot load .*: the store did not answer: connection refused/,
    );
    const empty = await startTestStore();
    try {
      await expect(startServer({ outDir: tmpdir(), store: empty.sparql, port: 0, log: () => {} })).rejects.toThrow(
        /holds no projectgraph dataset/,
      );
    } finally {
      await empty.close();
    }
  });
});
