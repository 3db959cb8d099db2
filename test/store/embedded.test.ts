// The embedded store over a real build: named graphs queryable as published, the union as default graph, change sets
// applied equal to a fresh load, descriptions, size, a time limit by terminating its worker, and no outbound request.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import { DataFactory } from 'n3';
import type * as RDF from '@rdfjs/types';
import { QueryEngine } from '@comunica/query-sparql-rdfjs';
import { build } from '../../src/pipeline.ts';
import { EmbeddedStore, fromOxigraph, inspect, toOperation } from '../../src/store/embedded.ts';
import { storeContext } from '../../src/store/comunica-source.ts';
import { readChangeSet } from '../../src/store/change-set.ts';
import { StorePages } from '../../src/serve/store-pages.ts';
import { subjectsOfGraphs } from '../../src/serve/resource-render.ts';
import { ServiceRefusedError, StoreStateError, type QueryResult } from '../../src/store/store.ts';
import { ProjectgraphError } from '../../src/errors.ts';
import { typescriptWorker } from '../../src/typescript-worker.ts';
import type { StoreWorkerReply } from '../../src/store/worker.ts';
import { parseTurtleFile, workspaceWithRealData } from '../support/project.ts';

const BASE = 'https://projectgraph.example/';
const DATASET_GRAPH = `${BASE}graph/dataset`;
const ENSCHEDE = `${BASE}organisation/enschede`;

let ws: string;
let out: string;
let store: EmbeddedStore;
let manifest: { state: string; graphs: Record<string, { triples: number }> };

async function rows(result: QueryResult): Promise<ReadonlyMap<string, RDF.Term>[]> {
  if (result.type !== 'bindings') throw new Error(`bindings expected, got ${result.type}`);
  const all: ReadonlyMap<string, RDF.Term>[] = [];
  for await (const r of result.bindings) all.push(r);
  return all;
}

const count = async (query: string, options = {}) =>
  Number((await rows(await store.query(query, options)))[0]!.get('n')!.value);

/** Every quad of the Oxigraph store, graph names included, as RDF/JS quads. */
function allQuads(s: EmbeddedStore): RDF.Quad[] {
  return s.oxigraph.match(null, null, null, null).map((q) => fromOxigraph(q) as RDF.Quad);
}

const triplesOf = (quads: RDF.Quad[]) => {
  const seen = new Map<string, RDF.Quad>();
  for (const q of quads) {
    const t = DataFactory.quad(q.subject, q.predicate, q.object);
    seen.set(`${q.subject.value} ${q.predicate.value} ${JSON.stringify(q.object)}`, t);
  }
  return [...seen.values()];
};

beforeAll(async () => {
  ws = await workspaceWithRealData();
  out = path.join(ws, 'output');
  await build({ dataDir: path.join(ws, 'data'), outDir: out, sourceDateEpoch: '1790000000' });
  store = await EmbeddedStore.load(out);
  manifest = JSON.parse(await readFile(path.join(out, 'graphs.json'), 'utf8')) as typeof manifest;
});

describe('named graphs', () => {
  it('holds every graph of graphs.json, with its triples, and GRAPH ?g finds each', async () => {
    const graphs = await store.graphs();
    expect(graphs.map((g) => g.name).sort()).toEqual(Object.keys(manifest.graphs).sort());
    for (const g of graphs) expect(g.triples, g.name).toBe(manifest.graphs[g.name]!.triples);
    expect(await count('SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }')).toBe(graphs.length);
    expect(store.state).toBe(manifest.state);
  });

  it('FROM and FROM NAMED select published graphs', async () => {
    expect(await count(`SELECT (COUNT(*) AS ?n) FROM <${DATASET_GRAPH}> WHERE { ?s ?p ?o }`)).toBe(
      manifest.graphs[DATASET_GRAPH]!.triples,
    );
    const named = await rows(
      await store.query(`SELECT DISTINCT ?g FROM NAMED <${DATASET_GRAPH}> WHERE { GRAPH ?g { ?s ?p ?o } }`),
    );
    expect(named.map((r) => r.get('g')!.value)).toEqual([DATASET_GRAPH]);
    // FROM NAMED alone leaves the default graph empty, as SPARQL defines it.
    expect(await count(`SELECT (COUNT(*) AS ?n) FROM NAMED <${DATASET_GRAPH}> WHERE { ?s ?p ?o }`)).toBe(0);
  });

  it("the protocol's default-graph-uri and named-graph-uri replace the query's dataset", async () => {
    const enschedeGraph = `${BASE}graph/organisation/enschede`;
    const query = `SELECT (COUNT(*) AS ?n) FROM <${enschedeGraph}> WHERE { ?s ?p ?o }`;
    expect(await count(query, { defaultGraphs: [DATASET_GRAPH] })).toBe(manifest.graphs[DATASET_GRAPH]!.triples);
    const named = await rows(
      await store.query('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }', { namedGraphs: [enschedeGraph] }),
    );
    expect(named.map((r) => r.get('g')!.value)).toEqual([enschedeGraph]);
  });

  it('answers the same through Comunica in front of the store', async () => {
    const engine = new QueryEngine();
    const result = await engine.query(
      `SELECT ?g (COUNT(*) AS ?n) FROM NAMED <${DATASET_GRAPH}> WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g`,
      {
        ...storeContext(store),
      } as never,
    );
    if (result.resultType !== 'bindings') throw new Error('bindings expected');
    const got = await (await result.execute()).toArray();
    expect(got.map((b) => [b.get('g')?.value, Number(b.get('n')?.value)])).toEqual([
      [DATASET_GRAPH, manifest.graphs[DATASET_GRAPH]!.triples],
    ]);
  });
});

describe('Comunica in front of the store', () => {
  it("answers DESCRIBE (which Comunica turns into a union of CONSTRUCTs) with the resource's statements", async () => {
    const engine = new QueryEngine();
    const result = await engine.query(`DESCRIBE <${ENSCHEDE}>`, { ...storeContext(store) } as never);
    if (result.resultType !== 'quads') throw new Error('quads expected');
    const got = await (await result.execute()).toArray();
    const own = await store.query(`CONSTRUCT { <${ENSCHEDE}> ?p ?o } WHERE { <${ENSCHEDE}> ?p ?o }`);
    if (own.type !== 'quads') throw new Error('quads expected');
    const expected: RDF.Quad[] = [];
    for await (const q of own.quads) expected.push(q);
    expect(expected.length).toBeGreaterThan(0);
    expect(isomorphic(got, expected)).toBe(true);
  });

  it("does not walk into an operation's metadata, which links the source and through it the whole store", () => {
    const operation = toOperation('SELECT * WHERE { ?s ?p ?o }') as { type: string; [key: string]: unknown };
    let touched = false;
    const source = {
      get store() {
        touched = true;
        return {};
      },
    };
    expect(inspect({ ...operation, metadata: { scopedSource: source } }, new Set()).hasDataset).toBe(false);
    expect(touched).toBe(false);
  });
});

describe('the default graph', () => {
  it('is the union of the named graphs of dataset.nq', async () => {
    const result = await store.query('CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }');
    if (result.type !== 'quads') throw new Error('quads expected');
    const union: RDF.Quad[] = [];
    for await (const q of result.quads) union.push(q);
    const nq = await parseTurtleFile(path.join(out, 'dataset.nq'), 'application/n-quads');
    expect(isomorphic(union, triplesOf(nq))).toBe(true);
    expect(await store.size()).toBe(union.length);
  });

  it('holds what dataset.nt holds', async () => {
    const result = await store.query('CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }');
    if (result.type !== 'quads') throw new Error('quads expected');
    const union: RDF.Quad[] = [];
    for await (const q of result.quads) union.push(q);
    const nt = await parseTurtleFile(path.join(out, 'dataset.nt'), 'application/n-triples');
    expect(isomorphic(union, nt)).toBe(true);
  });
});

describe('describe', () => {
  it("gives its and its fragments' statements, the links to it and the labels of what it links to", async () => {
    const project = `${BASE}project/cluster-governance-kks-2015`;
    const d = await store.describe(project);
    if (!d) throw new Error('no description');
    const nt = await parseTurtleFile(path.join(out, 'dataset.nt'), 'application/n-triples');
    const inside = (iri: string) => iri === project || iri.startsWith(`${project}#`);
    expect(
      isomorphic(
        d.own,
        nt.filter((q) => inside(q.subject.value)),
      ),
    ).toBe(true);
    expect(
      isomorphic(
        d.incoming,
        nt.filter((q) => q.object.termType === 'NamedNode' && inside(q.object.value) && !inside(q.subject.value)),
      ),
    ).toBe(true);
    const member = d.own.find((q) => q.predicate.value === 'http://schema.org/member')!.object.value;
    expect(d.context.some((q) => q.subject.value === member && q.predicate.value === 'http://schema.org/name')).toBe(
      true,
    );
    expect(await store.describe(`${BASE}project/no-such-project`)).toBeUndefined();
  });
});

describe('apply(changeSet)', () => {
  it('after an edit, a removal and an addition equals a fresh load of the new build; refuses one for another state', async () => {
    const moving = await EmbeddedStore.load(out);
    const before = moving.state!;
    // Counted before the change, so the counts kept up to date by apply() are the ones compared below.
    const sizeBefore = await moving.size();
    const pagesBefore = await StorePages.create(moving, {
      outDir: out,
      namedGraphs: (await moving.graphs()).map((g) => g.name),
    });
    await writeFile(
      path.join(ws, 'data/organisations/oldenzaal.yaml'),
      'id: oldenzaal\nname: Oldenzaal\ntype: municipality\n',
    );
    const file = path.join(ws, 'data/organisations/enschede.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^name: .*$/m, 'name: Gemeente Enschede'));
    await rm(path.join(ws, 'data/organisations/hengelo.yaml'));
    const project = path.join(ws, 'data/projects/cluster-governance-kks-2015.yaml');
    await writeFile(project, (await readFile(project, 'utf8')).replace(/^\s*- hengelo\n/m, ''));
    await build({ dataDir: path.join(ws, 'data'), outDir: out, sourceDateEpoch: '1800000000' });
    const changeSet = await readChangeSet(out, before);
    if (!changeSet) throw new Error('no change set');
    expect(changeSet.graphs.length).toBeLessThan((await moving.graphs()).length);
    const subjectsBefore = await subjectsOfGraphs(
      moving,
      changeSet.graphs.map((g) => g.name),
    );
    await moving.apply(changeSet);
    const fresh = await EmbeddedStore.load(out);
    expect(moving.state).toBe(fresh.state);
    expect(isomorphic(allQuads(moving), allQuads(fresh))).toBe(true);
    expect(await moving.graphs()).toEqual(await fresh.graphs());
    expect(await moving.size()).toBe(await fresh.size());
    expect(await moving.size()).not.toBe(sizeBefore);
    // The pages moved by the change set know the same resources as pages made afresh: one gone, one new.
    const namedGraphs = (await fresh.graphs()).map((g) => g.name);
    const moved = await StorePages.create(moving, {
      outDir: out,
      namedGraphs,
      previous: { pages: pagesBefore, change: changeSet, subjectsBefore },
    });
    const afresh = await StorePages.create(fresh, { outDir: out, namedGraphs });
    expect(moved.addresses()).toEqual(afresh.addresses());
    expect(pagesBefore.addresses()).toContain(`${BASE}organisation/hengelo`);
    expect(moved.addresses()).not.toContain(`${BASE}organisation/hengelo`);
    expect(moved.addresses()).toContain(`${BASE}organisation/oldenzaal`);
    await expect(moving.apply(changeSet)).rejects.toBeInstanceOf(StoreStateError);
    const names = await moving.query(`SELECT ?name WHERE { <${ENSCHEDE}> <http://schema.org/name> ?name }`);
    expect((await rows(names)).map((r) => r.get('name')!.value)).toEqual(['Gemeente Enschede']);
  });
});

describe('limits', () => {
  it('stops a query that runs too long by terminating the worker holding the store', async () => {
    const worker = typescriptWorker(new URL('../../src/store/worker.ts', import.meta.url), {
      workerData: { outDir: out },
    });
    const ready = await new Promise<StoreWorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(ready.kind).toBe('ready');
    // Five nested cross products of the whole store: far beyond any time limit.
    const endless = 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p }';
    const exited = new Promise<number>((resolve) => worker.once('exit', () => resolve(performance.now())));
    let answered = false;
    worker.on('message', () => (answered = true));
    worker.postMessage({ id: 1, query: endless });
    await new Promise((r) => setTimeout(r, 300));
    const stopAt = performance.now();
    await worker.terminate();
    const stoppedAfter = (await exited) - stopAt;
    expect(answered).toBe(false);
    expect(stoppedAfter).toBeLessThan(1000);
  });

  it('never fetches: SERVICE is refused by the store and through Comunica; a trap sees no connection', async () => {
    let connections = 0;
    const trap = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/sparql`;
    try {
      const query = `SELECT * WHERE { SERVICE <${url}> { ?s ?p ?o } }`;
      await expect(store.query(query)).rejects.toBeInstanceOf(ServiceRefusedError);
      const engine = new QueryEngine();
      const result = await engine.query(query, { ...storeContext(store) } as never);
      if (result.resultType !== 'bindings') throw new Error('bindings expected');
      await expect((await result.execute()).toArray()).rejects.toThrow(/not allowed/);
      await new Promise((r) => setTimeout(r, 200));
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => trap.close(() => resolve()));
    }
  });
});
describe('errors', () => {
  /** What a failure says and which code it carries, for comparing with what the store throws. */
  const coded = async (promise: Promise<unknown>) => {
    const e = await promise.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ProjectgraphError);
    return { code: (e as ProjectgraphError).code, message: (e as ProjectgraphError).message };
  };

  it('refuse updates and SERVICE with QUERY_REFUSED, and a change set for another state with STORE_LOAD', async () => {
    const update = await coded(store.query(`INSERT DATA { <${ENSCHEDE}> <${BASE}p> "x" }`));
    expect(update).toEqual({ code: 'QUERY_REFUSED', message: expect.stringMatching(/read-only/) });
    const service = await coded(store.query('SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }'));
    expect(service.code).toBe('QUERY_REFUSED');
    const change = { from: 'not-this-state', to: 'x', sequence: 9, graphs: [] };
    expect((await coded(store.apply(change))).code).toBe('STORE_LOAD');
  });

  it('name the file of a damaged build: graphs.json (BUILD_DAMAGED) or dataset.nq (STORE_LOAD)', async () => {
    const copy = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-store-damaged-')), 'output');
    try {
      await cp(out, copy, { recursive: true, dereference: true });
      await writeFile(path.join(copy, 'graphs.json'), '{ "format": ');
      const manifest = await coded(EmbeddedStore.load(copy));
      expect(manifest.code).toBe('BUILD_DAMAGED');
      expect(manifest.message).toContain(path.join(copy, 'graphs.json'));
      expect((await coded(readChangeSet(copy, 'some-state'))).code).toBe('BUILD_DAMAGED');
      await rm(path.join(copy, 'graphs.json'));
      await writeFile(path.join(copy, 'dataset.nq'), '<a> <b> .\n');
      const dump = await coded(EmbeddedStore.load(copy));
      expect(dump.code).toBe('STORE_LOAD');
      expect(dump.message).toContain(path.join(copy, 'dataset.nq'));
    } finally {
      await rm(path.dirname(copy), { recursive: true, force: true });
    }
  });

  it('reach the owner of a store worker with their code', async () => {
    const worker = typescriptWorker(new URL('../../src/store/worker.ts', import.meta.url), {
      workerData: { outDir: out },
    });
    try {
      const next = () =>
        new Promise<StoreWorkerReply>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
      expect((await next()).kind).toBe('ready');
      const replied = next();
      worker.postMessage({ id: 7, query: `DELETE WHERE { ?s ?p ?o }` });
      expect(await replied).toEqual({ kind: 'error', id: 7, code: 'QUERY_REFUSED', message: expect.any(String) });
    } finally {
      await worker.terminate();
    }
  });
});

afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});
