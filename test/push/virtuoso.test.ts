// push against a real Virtuoso (Debian's virtuoso-opensource): Digest auth as dba, one graph per edit, and a store killed half way that the next push brings back in sync.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import { DataFactory, Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { build } from '../../src/pipeline.ts';
import { push, type Operation, type PushOptions } from '../../src/push/push.ts';
import { startServer } from '../../src/serve/server.ts';
import { runCli, workspaceWithRealData } from '../support/project.ts';
import { startVirtuoso, type Virtuoso } from './support/virtuoso.ts';

const { namedNode, literal, quad } = DataFactory;
const BASE = 'https://projectgraph.example/';
const GRAPHS = `${BASE}graph/`;

interface Term {
  type: string;
  value: string;
  datatype?: string;
  'xml:lang'?: string;
}

async function select(v: Virtuoso, query: string): Promise<Record<string, Term>[]> {
  const res = await fetch(v.sparql, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json' },
    body: new URLSearchParams({ query }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { bindings: Record<string, Term>[] } }).results.bindings;
}

/** Everything Virtuoso holds under our graphs, read back through its SPARQL endpoint. */
async function storeQuads(v: Virtuoso): Promise<Quad[]> {
  const term = (t: Term) =>
    t.type === 'uri'
      ? namedNode(t.value)
      : t['xml:lang']
        ? literal(t.value, t['xml:lang'])
        : literal(t.value, t.datatype ? namedNode(t.datatype) : undefined);
  const rows = await select(
    v,
    `SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "${GRAPHS}")) }`,
  );
  return rows.map((r) =>
    quad(namedNode(r.s!.value), namedNode(r.p!.value), term(r.o!) as ReturnType<typeof literal>, namedNode(r.g!.value)),
  );
}

async function buildQuads(out: string): Promise<Quad[]> {
  return new Parser({ format: 'application/n-quads' }).parse(await readFile(path.join(out, 'dataset.nq'), 'utf8'));
}

async function rename(data: string, file: string, name: string): Promise<void> {
  const f = path.join(data, file);
  await writeFile(f, (await readFile(f, 'utf8')).replace(/^name: .*$/m, `name: ${name}`));
}

describe('push to Virtuoso', () => {
  let virtuoso: Virtuoso;
  let ws: string;
  let data: string;
  let out: string;
  let options: PushOptions;
  const rebuild = () => build({ dataDir: data, outDir: out, sourceDateEpoch: '1790000000' });

  beforeAll(async () => {
    // No skip: if Virtuoso cannot start, this throws with the reason and every test here fails.
    virtuoso = await startVirtuoso();
    ws = await workspaceWithRealData();
    data = path.join(ws, 'data');
    out = path.join(ws, 'output');
    await rebuild();
    options = { outDir: out, store: virtuoso.sparql, graphStore: virtuoso.graphStore, user: 'dba', password: 'dba' };
  }, 60_000);
  afterAll(async () => virtuoso?.stop());

  it('takes a first push from the command line, with Digest as dba/dba of a fresh database, and answers queries over it', async () => {
    const r = await runCli(
      [
        'push',
        '--out',
        out,
        '--store',
        virtuoso.sparql,
        '--graph-store',
        virtuoso.graphStore,
        '--user',
        'dba',
        '--password',
        'dba',
      ],
      ws,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: 1\d graphs replaced, 0 deleted, 0 unchanged in/);
    expect(r.stdout).toMatch(/in sync/);
    expect(isomorphic(await storeQuads(virtuoso), await buildQuads(out))).toBe(true);
    const names = await select(
      virtuoso,
      `SELECT ?name WHERE { GRAPH ?g { <${BASE}project/cluster-governance-kks-2015> <http://schema.org/name> ?name } }`,
    );
    expect(names.map((b) => b.name?.value)).toEqual(['Cluster Governance (KKS 2015)']);
  }, 30_000);

  it('sends exactly one graph after a one-record edit, and the change shows in queries', async () => {
    await rename(data, 'organisations/enschede.yaml', 'Gemeente Enschede');
    await rebuild();
    const sent: Operation[] = [];
    const report = await push({ ...options, onSent: (op) => void sent.push(op) });
    expect(sent).toEqual([{ method: 'PUT', graph: `${GRAPHS}organisation/enschede` }]);
    expect(report.outOfSync).toEqual([]);
    const names = await select(
      virtuoso,
      `SELECT ?name WHERE { GRAPH ?g { <${BASE}organisation/enschede> <http://schema.org/name> ?name } }`,
    );
    expect(names.map((b) => b.name?.value)).toEqual(['Gemeente Enschede']);
  }, 30_000);

  it('lists the graphs left out of sync when Virtuoso dies half way, and the push after its restart converges', async () => {
    await rename(data, 'organisations/enschede.yaml', 'Enschede');
    await rename(data, 'organisations/kei.yaml', 'KEI-centrum');
    await rename(data, 'organisations/hengelo.yaml', 'Gemeente Hengelo');
    await rebuild();
    const half = await push({
      ...options,
      concurrency: 1,
      onSent: async () => {
        if (virtuoso.process.exitCode === null && virtuoso.process.signalCode === null) await virtuoso.kill();
      },
    });
    expect(half.put).toHaveLength(1);
    expect(half.outOfSync.map((o) => o.graph).sort()).toEqual([
      `${GRAPHS}organisation/enschede`,
      `${GRAPHS}organisation/hengelo`,
      `${GRAPHS}organisation/kei`,
    ]);
    // The one sent could not be verified; the next PUT met a closed port; the last was not tried.
    expect(half.outOfSync.find((o) => o.graph === half.put[0])?.reason).toMatch(
      /^sent, but not verified: .*connection refused/,
    );
    expect(half.outOfSync.map((o) => o.reason.replace(/:.*/, '')).sort()).toEqual([
      'PUT failed',
      'not sent',
      'sent, but not verified',
    ]);

    await virtuoso.restart();
    const again = await push(options);
    expect(again.put).toHaveLength(3);
    expect(again.outOfSync).toEqual([]);
    expect(isomorphic(await storeQuads(virtuoso), await buildQuads(out))).toBe(true);
    const nothing = await push(options);
    expect(nothing.put).toEqual([]);
    expect(nothing.outOfSync).toEqual([]);
  }, 60_000);

  it('serves the SPARQL endpoint and dereferencing from Virtuoso with serve --store', async () => {
    const server = await startServer({
      outDir: path.join(ws, 'no-output'),
      store: virtuoso.sparql,
      port: 0,
      maxRows: 1000,
      log: () => {},
    });
    try {
      const select = await fetch(server.sparqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-query', accept: 'text/csv' },
        body: `SELECT ?name WHERE { <${BASE}organisation/kei> <http://schema.org/name> ?name }`,
      });
      expect(await select.text()).toBe('name\r\nKEI-centrum\r\n');
      const update = await fetch(server.sparqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-query' },
        body: `CLEAR GRAPH <${GRAPHS}dataset>`,
      });
      expect(update.status).toBe(400);
      const page = await fetch(`${server.url}project/cluster-governance-kks-2015`, {
        headers: { accept: 'text/turtle' },
      });
      expect(page.status).toBe(200);
      const quads = new Parser({ format: 'text/turtle' }).parse(await page.text());
      expect(
        quads.some(
          (q) => q.predicate.value === 'http://schema.org/name' && q.object.value === 'Cluster Governance (KKS 2015)',
        ),
      ).toBe(true);
      expect(isomorphic(await storeQuads(virtuoso), await buildQuads(out))).toBe(true);
    } finally {
      await server.close();
    }
  }, 30_000);
});
