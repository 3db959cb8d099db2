// The W3C SPARQL 1.1 Protocol and Service Description tests, read from their manifests and run against the server over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataFactory, Parser, Store, Writer } from 'n3';
import type { Quad, Term } from '@rdfjs/types';
import { ROOT, startTestServer, type TestServer } from './support.ts';
import { readAnswer } from './results.ts';
import { isomorphic } from 'rdf-isomorphic';

const DIR = path.join(ROOT, 'test/conformance/sparql11');
const PROTOCOL = path.join(DIR, 'rdf-tests/sparql/sparql11/protocol');
const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  mf: 'http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#',
  ht: 'http://www.w3.org/2011/http#',
  cnt: 'http://www.w3.org/2011/content#',
  ut: 'http://www.w3.org/2009/sparql/tests/test-update#',
  hts: 'http://www.w3.org/2011/http-statusCodes#',
  sd: 'http://www.w3.org/ns/sparql-service-description#',
  formats: 'http://www.w3.org/ns/formats/',
};
const { namedNode } = DataFactory;

interface HttpRequest {
  path: string;
  method: string;
  body?: Buffer;
  headers: Record<string, string>;
  expectedStatus: string[];
  expectedFormat?: string;
  expectedBoolean?: boolean;
}
interface ProtocolTest {
  id: string;
  name: string;
  requests: HttpRequest[];
}

async function readTurtle(file: string, baseIRI: string): Promise<Store> {
  return new Store(new Parser({ baseIRI }).parse(await readFile(file, 'utf8')));
}

function list(store: Store, head: Term): Term[] {
  const items: Term[] = [];
  for (let node = head; node.value !== `${NS.rdf}nil`; ) {
    const first = store.getObjects(node, namedNode(`${NS.rdf}first`), null)[0];
    const rest = store.getObjects(node, namedNode(`${NS.rdf}rest`), null)[0];
    if (!first || !rest) throw new Error('broken RDF list in the manifest');
    items.push(first);
    node = rest;
  }
  return items;
}

const one = (store: Store, s: Term, p: string): Term | undefined => store.getObjects(s, namedNode(p), null)[0];

function readTests(store: Store): ProtocolTest[] {
  const manifest = store.getSubjects(namedNode(`${NS.rdf}type`), namedNode(`${NS.mf}Manifest`), null)[0]!;
  return list(store, one(store, manifest, `${NS.mf}entries`)!).map((test) => {
    const action = one(store, test, `${NS.mf}action`)!;
    const requests = list(store, one(store, action, `${NS.ht}requests`)!).map((req): HttpRequest => {
      const headers: Record<string, string> = {};
      const headerList = one(store, req, `${NS.ht}headers`);
      for (const h of headerList ? list(store, headerList) : []) {
        headers[one(store, h, `${NS.ht}fieldName`)!.value] = one(store, h, `${NS.ht}fieldValue`)!.value;
      }
      const bodyNode = one(store, req, `${NS.ht}body`);
      let body: Buffer | undefined;
      if (bodyNode) {
        const chars = one(store, bodyNode, `${NS.cnt}chars`)!.value;
        const encoding = one(store, bodyNode, `${NS.cnt}characterEncoding`)?.value ?? 'UTF-8';
        body =
          encoding.toUpperCase() === 'UTF-16' ? Buffer.from(`\ufeff${chars}`, 'utf16le') : Buffer.from(chars, 'utf8');
      }
      const resp = one(store, req, `${NS.ht}resp`)!;
      const bool = one(store, resp, `${NS.mf}expectedBoolean`);
      return {
        // The manifest says to replace its /sparql/ prefix with the endpoint's own path.
        path: one(store, req, `${NS.ht}absolutePath`)!.value.replace(/^\/sparql\//, '/sparql'),
        method: one(store, req, `${NS.ht}methodName`)!.value,
        headers,
        ...(body ? { body } : {}),
        expectedStatus: store
          .getObjects(resp, namedNode(`${NS.mf}expectedStatus`), null)
          .map((t) => t.value.slice(NS.hts.length)),
        ...(one(store, resp, `${NS.mf}expectedFormat`)
          ? { expectedFormat: one(store, resp, `${NS.mf}expectedFormat`)!.value }
          : {}),
        ...(bool ? { expectedBoolean: bool.value === 'true' } : {}),
      };
    });
    return { id: test.value.split('#')[1]!, name: one(store, test, `${NS.mf}name`)!.value, requests };
  });
}

let server: TestServer;
// Read when the file loads, so that each test of the manifest is a test here, under its own name.
const manifest = new Store(
  new Parser({ baseIRI: 'http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl' }).parse(
    readFileSync(path.join(PROTOCOL, 'manifest.ttl'), 'utf8'),
  ),
);
const tests: ProtocolTest[] = readTests(manifest);
/**
 * The manifest's update tests expect the update to be done (2xx, then ASKs that find its triples). A read-only
 * endpoint cannot pass them as stated; for them the expected answer is a refusal (4xx, "read-only") that changes
 * nothing. The bad_update_* tests expect a 4xx, and pass as stated.
 */
const UPDATES = tests.filter((t) => /^update_/.test(t.id));

beforeAll(async () => {
  // Each dataN.nt is loaded as the graph its ut:graphData label names, as the manifest prescribes.
  const graphs = new Map<string, string>();
  for (const gd of manifest.getObjects(null, namedNode(`${NS.ut}graphData`), null)) {
    graphs.set(path.basename(one(manifest, gd, `${NS.ut}graph`)!.value), one(manifest, gd, `${NS.rdfs}label`)!.value);
  }
  expect([...graphs.keys()].sort()).toEqual(['data1.nt', 'data2.nt', 'data3.nt']);
  const quads: Quad[] = [];
  for (const [file, graph] of graphs) {
    for (const q of new Parser({ format: 'N-Triples' }).parse(await readFile(path.join(PROTOCOL, file), 'utf8'))) {
      quads.push(DataFactory.quad(q.subject, q.predicate, q.object, namedNode(graph)));
    }
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-protocol-'));
  // The store loads a build's dataset.nq: a folder holding only that file is a build with no manifest.
  await writeFile(path.join(dir, 'dataset.nq'), new Writer({ format: 'N-Quads' }).quadsToString(quads));
  server = await startTestServer({ outDir: dir, workers: 1 });
});
afterAll(async () => {
  await server?.close();
});

const statusClass = (status: number) => `StatusCode${Math.floor(status / 100)}xx`;

async function send(r: HttpRequest): Promise<Response> {
  return fetch(new URL(r.path, server.url), {
    method: r.method,
    headers: r.headers,
    // A Uint8Array body gets no Content-Type from fetch, so requests without one stay without one.
    ...(r.body ? { body: new Uint8Array(r.body) } : {}),
  });
}

async function checkFormat(res: Response, format: string, expectedBoolean: boolean | undefined): Promise<void> {
  const type = res.headers.get('content-type')?.split(';')[0] ?? '';
  // Read in the format the server says it wrote; a body that is not that format fails here.
  const answer = await readAnswer(type, await res.text());
  if (format === 'boolean') {
    expect(answer.kind).toBe('boolean');
    if (expectedBoolean !== undefined) expect(answer).toEqual({ kind: 'boolean', value: expectedBoolean });
  } else if (format === 'tabular') {
    expect([
      'application/sparql-results+json',
      'application/sparql-results+xml',
      'text/csv',
      'text/tab-separated-values',
    ]).toContain(type);
    expect(answer.kind).toBe('bindings');
  } else if (format === 'RDF') {
    expect(['text/turtle', 'application/n-triples', 'application/ld+json', 'application/rdf+xml']).toContain(type);
    expect(answer.kind).toBe('quads');
  } else {
    throw new Error(`unknown expected format ${format}`);
  }
}

describe('W3C SPARQL 1.1 Protocol tests', () => {
  it('reads all 34 tests of the manifest: 20 query tests and 14 update tests, 7 of them update_*', () => {
    expect(tests).toHaveLength(34);
    expect(tests.filter((t) => !/update/.test(t.id))).toHaveLength(20);
    expect(tests.filter((t) => /update/.test(t.id))).toHaveLength(14);
    expect(UPDATES).toHaveLength(7);
  });

  for (const test of tests.filter((t) => !UPDATES.includes(t))) {
    it(`${test.id}: as the manifest states it`, async () => {
      for (const r of test.requests) {
        const res = await send(r);
        expect(r.expectedStatus, `${test.id}: status ${res.status}`).toContain(statusClass(res.status));
        if (r.expectedFormat) await checkFormat(res, r.expectedFormat, r.expectedBoolean);
        else await res.arrayBuffer();
      }
    });
  }

  const count = async () => {
    const res = await fetch(
      `${server.sparqlUrl}?query=${encodeURIComponent('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }')}`,
    );
    return Number(
      ((await res.json()) as { results: { bindings: { n: { value: string } }[] } }).results.bindings[0]!.n.value,
    );
  };
  for (const test of UPDATES) {
    it(`${test.id}: refused as a read-only endpoint must, and nothing changes`, async () => {
      const before = await count();
      expect(before).toBe(3);
      const [update, ...checks] = test.requests;
      const res = await send(update!);
      expect(res.status, test.id).toBeGreaterThanOrEqual(400);
      expect(res.status, test.id).toBeLessThan(500);
      expect(await res.text(), test.id).toMatch(/read-only/);
      // The manifest's follow-up ASKs look for what the update would have written: it is not there.
      for (const check of checks) {
        const answer = await send(check);
        expect(answer.status, test.id).toBe(200);
        expect(((await answer.json()) as { boolean: boolean }).boolean, test.id).toBe(false);
      }
      expect(await count()).toBe(before);
    });
  }
});

describe('W3C SPARQL 1.1 Service Description tests', () => {
  let sd: Quad[];
  beforeAll(async () => {
    const res = await fetch(server.sparqlUrl, { headers: { Accept: 'text/turtle, application/rdf+xml;q=0.5' } });
    expect(res.status).toBe(200);
    // returns-rdf: GET on the endpoint returns RDF.
    expect(res.headers.get('content-type')).toMatch(/^text\/turtle/);
    sd = new Parser({ format: 'Turtle' }).parse(await res.text());
  });

  it('is the same graph in RDF/XML, N-Triples and JSON-LD', async () => {
    for (const type of ['application/rdf+xml', 'application/n-triples', 'application/ld+json']) {
      const res = await fetch(server.sparqlUrl, { headers: { Accept: type } });
      expect(res.headers.get('content-type')?.split(';')[0], type).toBe(type);
      const answer = await readAnswer(type, await res.text());
      expect(answer.kind === 'quads' && isomorphic(answer.quads, sd), type).toBe(true);
    }
  });

  it('has-endpoint-triple: an sd:endpoint matching the endpoint', () => {
    const endpoints = sd.filter((q) => q.predicate.value === `${NS.sd}endpoint`).map((q) => q.object.value);
    expect(endpoints).toEqual([server.sparqlUrl]);
  });

  it('lists the named graphs of the dataset', () => {
    const names = sd
      .filter((q) => q.predicate.value === `${NS.sd}name`)
      .map((q) => q.object.value)
      .sort();
    expect(names).toEqual(['1', '2', '3'].map((n) => `http://kasei.us/2009/09/sparql/data/data${n}.rdf`));
  });

  it('conforms-to-schema: every sd: term is defined, used within its domain and range, every format is a known one', async () => {
    const vocab = await readTurtle(path.join(DIR, 'w3c-ns/sparql-service-description.ttl'), NS.sd);
    const formats = await readTurtle(path.join(DIR, 'w3c-ns/formats/Overview.ttl'), NS.formats);
    const data = new Store(sd);
    const superClasses = (c: string): Set<string> => {
      const out = new Set([c]);
      for (const s of out)
        for (const p of vocab.getObjects(namedNode(s), namedNode(`${NS.rdfs}subClassOf`), null)) out.add(p.value);
      return out;
    };
    const typesOf = (t: Term): Set<string> => {
      const out = new Set<string>();
      for (const c of [
        ...data.getObjects(t, namedNode(`${NS.rdf}type`), null),
        ...vocab.getObjects(t, namedNode(`${NS.rdf}type`), null),
      ]) {
        for (const s of superClasses(c.value)) out.add(s);
      }
      return out;
    };
    const defined = new Set(vocab.getSubjects(null, null, null).map((t) => t.value));
    const knownFormats = new Set(
      formats.getQuads(null, null, null, null).flatMap((q) => [q.subject.value, q.object.value]),
    );
    for (const q of sd) {
      for (const term of [q.predicate, q.object]) {
        if (term.termType !== 'NamedNode') continue;
        if (term.value.startsWith(NS.sd)) expect(defined.has(term.value), term.value).toBe(true);
        if (term.value.startsWith(NS.formats)) expect(knownFormats.has(term.value), term.value).toBe(true);
      }
      if (!q.predicate.value.startsWith(NS.sd)) continue;
      const domain = one(vocab, q.predicate, `${NS.rdfs}domain`);
      if (domain) expect(typesOf(q.subject).has(domain.value), `${q.predicate.value} domain`).toBe(true);
      const range = one(vocab, q.predicate, `${NS.rdfs}range`);
      const objectTypes = typesOf(q.object);
      if (range && objectTypes.size > 0) expect(objectTypes.has(range.value), `${q.predicate.value} range`).toBe(true);
    }
  });
});
