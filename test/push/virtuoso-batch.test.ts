// push's fast path against a real Virtuoso: graphs in batched SPARQL Update requests give the store what one Graph
// Store request per graph gives, edits still go one graph at a time, and a batch refused half way is reported and redone.
import { createServer, type Server } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import { DataFactory, Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { build } from '../../src/pipeline.ts';
import { push, type Operation, type PushOptions } from '../../src/push/push.ts';
import { HttpClient } from '../../src/push/http-client.ts';
import { GraphStore } from '../../src/push/graph-store.ts';
import { countGraphs } from '../../src/push/store-counts.ts';
import { runCli, workspaceWithRealData } from '../support/project.ts';
import { generate } from '../../bench/generate.ts';
import { startVirtuoso, type Virtuoso } from './support/virtuoso.ts';

const { namedNode, literal, quad } = DataFactory;
const GRAPHS = 'https://projectgraph.example/graph/';

interface Term {
  type: string;
  value: string;
  datatype?: string;
  'xml:lang'?: string;
}

/** Everything Virtuoso holds under our graphs, read back through its SPARQL endpoint. */
async function storeQuads(v: Virtuoso): Promise<Quad[]> {
  const res = await fetch(v.sparql, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json' },
    body: new URLSearchParams({
      query: `SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "${GRAPHS}")) }`,
    }),
  });
  expect(res.status).toBe(200);
  const rows = ((await res.json()) as { results: { bindings: Record<string, Term>[] } }).results.bindings;
  const term = (t: Term) =>
    t.type === 'uri'
      ? namedNode(t.value)
      : t['xml:lang']
        ? literal(t.value, t['xml:lang'])
        : literal(t.value, t.datatype ? namedNode(t.datatype) : undefined);
  return rows.map((r) =>
    quad(namedNode(r.s!.value), namedNode(r.p!.value), term(r.o!) as ReturnType<typeof literal>, namedNode(r.g!.value)),
  );
}

/** A proxy in front of Virtuoso that answers 503 to the `refuse`-th update request and its retry. */
async function refusingProxy(
  target: string,
  refuse: number,
): Promise<{ url: string; refused: string[]; server: Server }> {
  const refused: string[] = [];
  let updates = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (req.headers['content-type'] === 'application/sparql-update') {
        updates++;
        if (updates === refuse || updates === refuse + 1) {
          // A large graph's statements can come in several INSERT DATA blocks of the one request: each graph once.
          if (updates === refuse)
            for (const m of body.toString().matchAll(/GRAPH <([^>]+)>/g))
              if (!refused.includes(m[1]!)) refused.push(m[1]!);
          res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable: under maintenance');
          return;
        }
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method!,
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'content-encoding') out[k] = v;
      });
      res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, refused, server };
}

describe('push to Virtuoso in batched SPARQL Update requests', () => {
  let virtuoso: Virtuoso;
  let ws: string;
  let data: string;
  let out: string;
  let options: PushOptions;
  const rebuild = () => build({ dataDir: data, outDir: out, sourceDateEpoch: '1790000000' });
  const manifest = async () =>
    JSON.parse(await readFile(path.join(out, 'graphs.json'), 'utf8')) as {
      graphs: Record<string, { triples: number }>;
    };

  beforeAll(async () => {
    // No skip: if Virtuoso cannot start, this throws with the reason and every test here fails.
    virtuoso = await startVirtuoso();
    ws = await workspaceWithRealData();
    data = path.join(ws, 'data');
    out = path.join(ws, 'output');
    // A name with what the fast path must carry over unchanged inside a SPARQL Update request: quotes, backslashes,
    // a tab, a line break, letters outside ASCII and outside the Basic Multilingual Plane.
    const kei = path.join(data, 'organisations/kei.yaml');
    const tricky = JSON.stringify('KEI "centrum" \\ C:\\pad\tmet tab\nen regel — Ünïcødé 𝔘 😀');
    await writeFile(kei, (await readFile(kei, 'utf8')).replace(/^name: .*$/m, `name: ${tricky}`));
    await rebuild();
    options = {
      outDir: out,
      store: virtuoso.sparql,
      graphStore: virtuoso.graphStore,
      update: `${virtuoso.http}/sparql-auth`,
      user: 'dba',
      password: 'dba',
      // Small batches and no minimum, so that the real data's few graphs make several requests.
      batchBytes: 8000,
      batchMinGraphs: 1,
      stateFile: path.join(ws, 'state-batched.json'),
    };
  }, 60_000);
  afterAll(async () => virtuoso?.stop());

  it('gives the store the same graphs as one Graph Store request per graph', async () => {
    const http = new HttpClient({ user: 'dba', password: 'dba' });
    const perGraph = await push({ ...options, update: undefined, stateFile: path.join(ws, 'state-per-graph.json') });
    expect(perGraph.outOfSync).toEqual([]);
    const before = await storeQuads(virtuoso);
    const countsBefore = await countGraphs(http, new URL(virtuoso.sparql), GRAPHS);
    const graphs = Object.keys((await manifest()).graphs);
    const gsp = new GraphStore(http, new URL(virtuoso.graphStore));
    for (const g of graphs) await gsp.delete(g);
    expect(await storeQuads(virtuoso)).toEqual([]);

    const ops: Operation[] = [];
    const batched = await push({ ...options, onSent: (op) => void ops.push(op) });
    expect(batched.outOfSync).toEqual([]);
    expect(batched.put.sort()).toEqual([...graphs].sort());
    expect(ops.every((op) => op.method === 'UPDATE')).toBe(true);
    expect(ops.length).toBeGreaterThan(2);
    expect(ops.length).toBeLessThan(graphs.length);
    const after = await storeQuads(virtuoso);
    expect(after.length).toBe(before.length);
    expect(isomorphic(after, before)).toBe(true);
    const countsAfter = await countGraphs(http, new URL(virtuoso.sparql), GRAPHS);
    expect(countsAfter).toEqual(countsBefore);
    const m = await manifest();
    for (const g of graphs) expect(countsAfter.get(g)).toBe(m.graphs[g]!.triples);
    const names = after.filter(
      (q) => q.subject.value.endsWith('/organisation/kei') && q.predicate.value.endsWith('/name'),
    );
    expect(names.map((q) => q.object.value)).toContain('KEI "centrum" \\ C:\\pad\tmet tab\nen regel — Ünïcødé 𝔘 😀');
  }, 60_000);

  it('replaces graphs the store already holds (--full), and sends a one-record edit as one graph', async () => {
    const full = await push({ ...options, full: true });
    expect(full.outOfSync).toEqual([]);
    const buildQuads = new Parser({ format: 'application/n-quads' }).parse(
      await readFile(path.join(out, 'dataset.nq'), 'utf8'),
    );
    expect(isomorphic(await storeQuads(virtuoso), buildQuads)).toBe(true);

    const f = path.join(data, 'organisations/enschede.yaml');
    await writeFile(f, (await readFile(f, 'utf8')).replace(/^name: .*$/m, 'name: Gemeente Enschede'));
    await rebuild();
    const sent: Operation[] = [];
    const edit = await push({ ...options, batchMinGraphs: undefined, onSent: (op) => void sent.push(op) });
    expect(sent).toEqual([{ method: 'PUT', graph: `${GRAPHS}organisation/enschede` }]);
    expect(edit.outOfSync).toEqual([]);
  }, 60_000);

  it('reports the graphs of a refused batch, and the next push sends exactly those and converges', async () => {
    // From the command line, with the default batch size and minimum: 12 generated projects (with their
    // organisations, more than 16 graphs) fit in one request, refused whole.
    const generated = path.join(ws, 'generated');
    await generate(path.join(generated, 'data'), 12);
    await build({ dataDir: path.join(generated, 'data'), outDir: path.join(generated, 'output') });
    const first = await refusingProxy(virtuoso.http, 1);
    try {
      const via = first.url;
      const r = await runCli(
        [
          'push',
          '--out',
          path.join(generated, 'output'),
          '--full',
          '--store',
          `${via}/sparql`,
          '--graph-store',
          `${via}/sparql-graph-crud-auth`,
          '--update',
          `${via}/sparql-auth`,
          '--user',
          'dba',
          '--password',
          'dba',
        ],
        ws,
      );
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/update of \d+ graphs refused: HTTP 503 \(Service Unavailable: under maintenance\)/);
      expect(r.stderr).toMatch(/run the same command again|run the same push again/);
    } finally {
      await new Promise((resolve) => first.server.close(resolve));
    }

    const proxy = await refusingProxy(virtuoso.http, 3);
    try {
      const via = proxy.url;
      const sent: Operation[] = [];
      const half = await push({
        ...options,
        full: true,
        store: `${via}/sparql`,
        graphStore: `${via}/sparql-graph-crud-auth`,
        update: `${via}/sparql-auth`,
        concurrency: 1,
        retryDelaysMs: [10],
        onSent: (op) => void sent.push(op),
      });
      expect(proxy.refused.length).toBeGreaterThan(0);
      expect(half.failure?.kind).toBe('unreachable');
      expect(half.outOfSync.map((o) => o.graph).sort()).toEqual([...proxy.refused].sort());
      expect(half.outOfSync[0]!.reason).toMatch(/refused: HTTP 503/);
      const reached = sent.flatMap((op) => (op.method === 'UPDATE' ? op.graphs : [op.graph]));
      expect(reached.some((g) => proxy.refused.includes(g))).toBe(false);

      const again = await push(options);
      expect(again.put.sort()).toEqual([...proxy.refused].sort());
      expect(again.outOfSync).toEqual([]);
      const buildQuads = new Parser({ format: 'application/n-quads' }).parse(
        await readFile(path.join(out, 'dataset.nq'), 'utf8'),
      );
      expect(isomorphic(await storeQuads(virtuoso), buildQuads)).toBe(true);
    } finally {
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  }, 60_000);
});
