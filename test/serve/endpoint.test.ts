// End to end: a real build in a temp dir, the server on port 0, and every behaviour of the endpoint checked over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataFactory, Parser } from 'n3';
import jsonld from 'jsonld';
import { isomorphic } from 'rdf-isomorphic';
import type { Quad } from '@rdfjs/types';
import { buildTempOutput, rawRequest, startTestServer, type TestServer } from './support.ts';
import { exampleQueries } from '../../src/serve/example-queries.ts';

const SCHEMA = 'http://schema.org/';
const PROJECT = 'https://projectgraph.example/project/cluster-governance-kks-2015';
const MUNICIPALITIES = `PREFIX schema: <${SCHEMA}>
SELECT ?org ?name WHERE { ?org a schema:GovernmentOrganization ; schema:name ?name } ORDER BY ?name`;
const CONSTRUCT_PROJECT = `PREFIX schema: <${SCHEMA}>
CONSTRUCT { ?p schema:name ?n ; schema:member ?m } WHERE { ?p a schema:ResearchProject ; schema:name ?n ; schema:member ?m }`;

let outDir: string;
let server: TestServer;
let dump: Quad[];

const get = (p: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(new URL(p, server.url), { method, headers });
const query = (q: string, accept?: string) =>
  fetch(`${server.sparqlUrl}?query=${encodeURIComponent(q)}`, { headers: accept ? { Accept: accept } : {} });
const parseRdf = (text: string, format: string): Quad[] => new Parser({ format }).parse(text);
async function parseJsonLd(text: string): Promise<Quad[]> {
  const nquads = (await jsonld.toRDF(JSON.parse(text) as object, {
    format: 'application/n-quads',
    documentLoader: async (url: string) => {
      throw new Error(`test must not fetch ${url}`);
    },
  })) as unknown as string;
  return parseRdf(nquads, 'application/n-quads');
}

beforeAll(async () => {
  outDir = await buildTempOutput();
  dump = parseRdf(await readFile(path.join(outDir, 'dataset.nt'), 'utf8'), 'N-Triples');
  server = await startTestServer({ outDir, maxRows: 50 });
});
afterAll(async () => {
  await server?.close();
});

describe('SPARQL 1.1 Protocol', () => {
  it('answers a query by GET, by POST form and by POST application/sparql-query alike', async () => {
    const byGet = await (await query(MUNICIPALITIES)).json();
    const byForm = await (
      await fetch(server.sparqlUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: MUNICIPALITIES }),
      })
    ).json();
    const direct = await fetch(server.sparqlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sparql-query' },
      body: MUNICIPALITIES,
    });
    expect(direct.headers.get('content-type')).toMatch(/^application\/sparql-results\+json/);
    const byDirect = await direct.json();
    const names = (r: { results: { bindings: { name: { value: string } }[] } }) =>
      r.results.bindings.map((b) => b.name.value);
    expect(names(byGet)).toEqual(['Enschede', 'Hengelo', 'Leeuwarden', 'Nijmegen']);
    expect(names(byForm)).toEqual(names(byGet));
    expect(names(byDirect)).toEqual(names(byGet));
  });

  it('writes SELECT as SPARQL JSON, XML, CSV and TSV with the same rows', async () => {
    const xml = await query(MUNICIPALITIES, 'application/sparql-results+xml');
    expect(xml.headers.get('content-type')).toMatch(/^application\/sparql-results\+xml/);
    const xmlText = await xml.text();
    expect(xmlText.match(/<result>/g)).toHaveLength(4);
    expect(xmlText).toContain('<literal xml:lang="nl">Hengelo</literal>');
    const csv = await query(MUNICIPALITIES, 'text/csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csvLines = (await csv.text()).trim().split(/\r?\n/);
    expect(csvLines[0]).toBe('org,name');
    expect(csvLines.slice(1).map((l) => l.split(',')[1])).toEqual(['Enschede', 'Hengelo', 'Leeuwarden', 'Nijmegen']);
    const tsv = await query(MUNICIPALITIES, 'text/tab-separated-values');
    expect(tsv.headers.get('content-type')).toMatch(/^text\/tab-separated-values/);
    const tsvLines = (await tsv.text()).trim().split('\n');
    expect(tsvLines[0]).toBe('?org\t?name');
    expect(tsvLines[1]).toBe('<https://projectgraph.example/organisation/enschede>\t"Enschede"@nl');
  });

  it('writes ASK in every result format', async () => {
    const ask = `ASK { <${PROJECT}> a <${SCHEMA}ResearchProject> }`;
    expect(await (await query(ask)).json()).toMatchObject({ boolean: true });
    expect(await (await query(ask, 'application/sparql-results+xml')).text()).toMatch(/<boolean>true<\/boolean>/);
    expect(await (await query(ask, 'text/csv')).text()).toMatch(/true/);
    expect(await (await query(ask, 'text/tab-separated-values')).text()).toMatch(/true/);
    expect(await (await query(`ASK { <${PROJECT}> a <${SCHEMA}Person> }`)).json()).toMatchObject({ boolean: false });
  });

  it('writes CONSTRUCT as Turtle, N-Triples and JSON-LD: the same graph, the one in the dump', async () => {
    const turtle = await query(CONSTRUCT_PROJECT, 'text/turtle');
    expect(turtle.headers.get('content-type')).toMatch(/^text\/turtle/);
    const fromTurtle = parseRdf(await turtle.text(), 'Turtle');
    const nt = await query(CONSTRUCT_PROJECT, 'application/n-triples');
    expect(nt.headers.get('content-type')).toMatch(/^application\/n-triples/);
    const fromNt = parseRdf(await nt.text(), 'N-Triples');
    const ld = await query(CONSTRUCT_PROJECT, 'application/ld+json');
    expect(ld.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    const fromLd = await parseJsonLd(await ld.text());
    const expected = dump.filter(
      (q) =>
        q.subject.value === PROJECT &&
        (q.predicate.value === `${SCHEMA}name` || q.predicate.value === `${SCHEMA}member`),
    );
    expect(expected.length).toBe(11);
    expect(isomorphic(fromTurtle, expected)).toBe(true);
    expect(isomorphic(fromNt, expected)).toBe(true);
    expect(isomorphic(fromLd, expected)).toBe(true);
  });

  it('answers DESCRIBE with the resource statements from the store', async () => {
    const r = await query(`DESCRIBE <${PROJECT}>`, 'application/n-triples');
    expect(r.status).toBe(200);
    const described = parseRdf(await r.text(), 'N-Triples');
    const expected = dump.filter((q) => q.subject.value === PROJECT);
    expect(isomorphic(described, expected)).toBe(true);
  });

  it('chooses the format by Accept with q-values', async () => {
    const pick = async (q: string, accept: string) =>
      (await query(q, accept)).headers.get('content-type')?.split(';')[0];
    expect(await pick(MUNICIPALITIES, 'application/sparql-results+xml;q=0.5, text/csv;q=0.9')).toBe('text/csv');
    expect(await pick(MUNICIPALITIES, '*/*;q=0.1, application/sparql-results+xml')).toBe(
      'application/sparql-results+xml',
    );
    expect(await pick(MUNICIPALITIES, 'text/tab-separated-values;q=0.2, text/csv;q=0')).toBe(
      'text/tab-separated-values',
    );
    expect(await pick(MUNICIPALITIES, '*/*')).toBe('application/sparql-results+json');
    expect(await pick(CONSTRUCT_PROJECT, 'text/turtle;q=0.1, application/ld+json')).toBe('application/ld+json');
    expect(await pick(CONSTRUCT_PROJECT, 'application/*;q=0.4, text/turtle;q=0.3')).toBe('application/n-triples');
  });

  it('takes the dataset from default-graph-uri / named-graph-uri: graphs the store lacks are empty, never fetched', async () => {
    const r = await fetch(
      `${server.sparqlUrl}?query=${encodeURIComponent('ASK { ?s ?p ?o }')}&default-graph-uri=${encodeURIComponent('http://example.org/elsewhere')}`,
    );
    expect(await r.json()).toMatchObject({ boolean: false });
    const all = await query('ASK { ?s ?p ?o }');
    expect(await all.json()).toMatchObject({ boolean: true });
  });
});

describe('service description and query page', () => {
  it('describes the service (sd:Service, sd:endpoint = this endpoint) in Turtle, N-Triples and JSON-LD', async () => {
    const ttl = await get('/sparql', { Accept: 'text/turtle' });
    expect(ttl.status).toBe(200);
    expect(ttl.headers.get('vary')).toMatch(/Accept/);
    const quads = parseRdf(await ttl.text(), 'Turtle');
    const SD = 'http://www.w3.org/ns/sparql-service-description#';
    const service = quads.find((q) => q.object.value === `${SD}Service`)?.subject;
    expect(service).toBeDefined();
    const endpoints = quads
      .filter((q) => q.subject.equals(service!) && q.predicate.value === `${SD}endpoint`)
      .map((q) => q.object.value);
    expect(endpoints).toEqual([server.sparqlUrl]);
    expect(
      quads.some((q) => q.predicate.value === `${SD}supportedLanguage` && q.object.value === `${SD}SPARQL11Query`),
    ).toBe(true);
    const nt = parseRdf(await (await get('/sparql', { Accept: 'application/n-triples' })).text(), 'N-Triples');
    const ld = await parseJsonLd(await (await get('/sparql', { Accept: 'application/ld+json' })).text());
    expect(isomorphic(nt, quads)).toBe(true);
    expect(isomorphic(ld, quads)).toBe(true);
  });

  it('gives a browser the YASGUI page, with every asset served here and no CDN', async () => {
    const page = await get('/sparql', { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs).toContain('/_assets/yasgui.min.js');
    expect(refs).toContain('/_assets/yasgui.min.css');
    for (const ref of refs) {
      expect(ref.startsWith('/'), `${ref} is served by this server`).toBe(true);
      expect((await get(ref)).status, ref).toBe(200);
    }
  });

  it('preloads example queries that each return rows on the real data', async () => {
    const examples = exampleQueries(server.baseIri!);
    expect(examples.map((e) => e.name)).toHaveLength(4);
    for (const example of examples) {
      const r = await query(example.query);
      expect(r.status, example.name).toBe(200);
      const body = (await r.json()) as { results: { bindings: unknown[] } };
      expect(body.results.bindings.length, example.name).toBeGreaterThan(0);
    }
  });
});

describe('read-only, no outbound requests', () => {
  const refusals: [string, () => Promise<Response>, RegExp][] = [
    [
      'SPARQL Update by POST',
      () =>
        fetch(server.sparqlUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/sparql-update' },
          body: 'CLEAR ALL',
        }),
      /read-only/,
    ],
    [
      'update in a form',
      () => fetch(server.sparqlUrl, { method: 'POST', body: new URLSearchParams({ update: 'DROP ALL' }) }),
      /read-only/,
    ],
    ['update by GET', () => get(`/sparql?update=${encodeURIComponent('CLEAR DEFAULT')}`), /read-only/],
    [
      'update sent as a query',
      () => query('INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }'),
      /read-only/,
    ],
    ['LOAD', () => query('LOAD <http://127.0.0.1:9/data.ttl>'), /read-only|LOAD/],
    ['SERVICE', () => query('SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }'), /SERVICE/],
    [
      'SERVICE inside FILTER EXISTS',
      () => query('SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }'),
      /SERVICE/,
    ],
    [
      'FROM a graph not in the dataset',
      () => query('SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }'),
      /FROM <http:\/\/127\.0\.0\.1:9\/g\.ttl>/,
    ],
    [
      'FROM NAMED a graph not in the dataset',
      () => query('SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }'),
      /FROM NAMED/,
    ],
    [
      'an unknown function',
      () => query('SELECT * WHERE { ?s ?p ?o FILTER(<http://127.0.0.1:9/f>(?s)) }'),
      /unknown function/,
    ],
  ];
  it.each(refusals)('refuses %s with 400 and says why', async (_name, send, message) => {
    const r = await send();
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(message);
  });

  it('still holds every triple after the refused updates', async () => {
    const r = await query('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
    const body = (await r.json()) as { results: { bindings: { n: { value: string } }[] } };
    expect(Number(body.results.bindings[0]!.n.value)).toBe(dump.length);
  });
});

describe('errors', () => {
  it('answers a malformed query with 400, the parser message and the position', async () => {
    const r = await query('SELECT ?s WHERE {\n  ?s ?p ?o .\n  ?s ?p }');
    expect(r.status).toBe(400);
    const text = await r.text();
    expect(text).toMatch(/line 3, column \d+/);
    expect(text).toMatch(/Expecting/);
    const eof = await query('SELECT * WHERE { ?s ?p ?o');
    expect(eof.status).toBe(400);
    expect(await eof.text()).toMatch(/line 1, column 26/);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const r = await fetch(server.sparqlUrl, { method: 'PUT', body: 'x' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toMatch(/GET.*POST/);
    const d = await fetch(new URL('/dataset.ttl', server.url), { method: 'DELETE' });
    expect(d.status).toBe(405);
  });

  it('answers an Accept it cannot satisfy with 406', async () => {
    expect((await query(MUNICIPALITIES, 'image/png')).status).toBe(406);
    expect((await query(CONSTRUCT_PROJECT, 'application/sparql-results+json')).status).toBe(406);
    expect((await get('/sparql', { Accept: 'image/png' })).status).toBe(406);
    expect((await get('/project/cluster-governance-kks-2015', { Accept: 'application/pdf' })).status).toBe(406);
  });

  it('refuses wrong content types with 415', async () => {
    const r = await fetch(server.sparqlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'ASK {}',
    });
    expect(r.status).toBe(415);
    const utf16 = await fetch(server.sparqlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sparql-query; charset=UTF-16' },
      body: Buffer.from('ASK {}', 'utf16le'),
    });
    expect(utf16.status).toBe(415);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const big = `ASK {} #${'x'.repeat(1024 * 1024)}`;
    const r = await fetch(server.sparqlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sparql-query' },
      body: big,
    });
    expect(r.status).toBe(413);
  });
});

describe('CORS and the access log', () => {
  it('is open for reads and answers preflight requests', async () => {
    const r = await query('ASK {}');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    const pre = await fetch(server.sparqlUrl, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://elsewhere.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
  });

  it('writes one line per request with method, path, status and milliseconds', async () => {
    const before = server.logLines.length;
    await (await get('/nope')).text();
    await (await query('ASK {}')).text();
    await (await get('/dataset.ttl', {}, 'HEAD')).text();
    await new Promise((r) => setTimeout(r, 50));
    const lines = server.logLines.slice(before);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ GET \/nope 404 \d+\.\dms$/);
    expect(lines[1]).toMatch(/ GET \/sparql 200 \d+\.\dms$/);
    expect(lines[2]).toMatch(/ HEAD \/dataset\.ttl 200 \d+\.\dms$/);
  });
});

describe('result limit', () => {
  it('cuts results at the row limit and says so in a header', async () => {
    const all = await query('SELECT * WHERE { ?s ?p ?o }');
    expect(all.headers.get('x-result-truncated')).toBe('true');
    expect(all.headers.get('x-result-limit')).toBe('50');
    expect(((await all.json()) as { results: { bindings: unknown[] } }).results.bindings).toHaveLength(50);
    const few = await query(MUNICIPALITIES);
    expect(few.headers.get('x-result-truncated')).toBeNull();
    const triples = await query('CONSTRUCT WHERE { ?s ?p ?o }', 'application/n-triples');
    expect(triples.headers.get('x-result-truncated')).toBe('true');
    expect((await triples.text()).trim().split('\n')).toHaveLength(50);
  });
});

describe('dereferencing', () => {
  it('answers every minted IRI path with its statements, by content negotiation, whatever the host of the base', async () => {
    const base = server.baseIri!;
    expect(base).toBe('https://projectgraph.example/');
    const subjects = [...new Set(dump.map((q) => q.subject.value))].filter(
      (s) => s.startsWith(base) && !s.includes('#'),
    );
    expect(subjects.length).toBeGreaterThan(30);
    for (const iri of subjects) {
      const r = await get(`/${iri.slice(base.length)}`, { Accept: 'application/n-triples' });
      expect(r.status, iri).toBe(200);
      expect(r.headers.get('vary'), iri).toMatch(/Accept/);
      expect(r.headers.get('etag'), iri).toBeTruthy();
      const got = parseRdf(await r.text(), 'N-Triples');
      const own = dump.filter((q) => q.subject.value === iri);
      for (const q of own)
        expect(
          got.some((g) => g.equals(q)),
          `${iri}: ${q.predicate.value}`,
        ).toBe(true);
    }
  });

  it('gives HTML, Turtle, N-Triples and JSON-LD of one resource, the RDF forms isomorphic', async () => {
    const p = '/project/cluster-governance-kks-2015';
    const html = await get(p, { Accept: 'text/html' });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await html.text();
    expect(page).toContain('Cluster Governance (KKS 2015)');
    expect(page).toContain('application/ld+json');
    // Pages run no script: whatever markup a record smuggled in stays inert.
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(html.headers.get('content-security-policy')).not.toMatch(/script-src/);
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    const ttl = await get(p, { Accept: 'text/turtle' });
    expect(ttl.headers.get('content-type')).toMatch(/^text\/turtle/);
    const fromTtl = parseRdf(await ttl.text(), 'Turtle');
    const fromNt = parseRdf(await (await get(p, { Accept: 'application/n-triples' })).text(), 'N-Triples');
    const ldRes = await get(p, { Accept: 'application/ld+json' });
    expect(ldRes.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    const fromLd = await parseJsonLd(await ldRes.text());
    expect(fromTtl.some((q) => q.subject.value === PROJECT && q.predicate.value === `${SCHEMA}name`)).toBe(true);
    expect(isomorphic(fromNt, fromTtl)).toBe(true);
    expect(isomorphic(fromLd, fromTtl)).toBe(true);
  });

  it('supports ETag / If-None-Match (304) and HEAD', async () => {
    const p = '/project/cluster-governance-kks-2015';
    const first = await get(p, { Accept: 'text/turtle' });
    const etag = first.headers.get('etag')!;
    const body = await first.text();
    const again = await get(p, { Accept: 'text/turtle', 'If-None-Match': etag });
    expect(again.status).toBe(304);
    const otherForm = await get(p, { Accept: 'application/ld+json', 'If-None-Match': etag });
    expect(otherForm.status).toBe(200);
    const head = await get(p, { Accept: 'text/turtle' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    // fetch asks for gzip and decodes it: the length sent is that of the coded body, the same for HEAD and GET.
    expect(head.headers.get('content-length')).toBe(first.headers.get('content-length'));
    expect(await head.text()).toBe('');
    const uncoded = await get(p, { Accept: 'text/turtle', 'Accept-Encoding': 'identity' }, 'HEAD');
    expect(uncoded.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
  });

  it('dereferences a named-graph IRI to the statements of that graph in dataset.nq', async () => {
    const graph = 'https://projectgraph.example/graph/organisation/enschede';
    const nq = new Parser({ format: 'application/n-quads' }).parse(
      await readFile(path.join(outDir, 'dataset.nq'), 'utf8'),
    );
    const expected = nq
      .filter((q) => q.graph.value === graph)
      .map((q) => DataFactory.quad(q.subject, q.predicate, q.object));
    expect(expected.length).toBeGreaterThan(3);
    for (const [accept, format] of [
      ['text/turtle', 'Turtle'],
      ['application/n-triples', 'N-Triples'],
    ] as const) {
      const res = await get('/graph/organisation/enschede', { Accept: accept });
      expect(res.status, accept).toBe(200);
      expect(res.headers.get('content-type'), accept).toMatch(new RegExp(`^${accept}`));
      expect(isomorphic(parseRdf(await res.text(), format), expected), accept).toBe(true);
    }
    const fromJsonLd = await parseJsonLd(
      await (await get('/graph/organisation/enschede', { Accept: 'application/ld+json' })).text(),
    );
    expect(isomorphic(fromJsonLd, expected)).toBe(true);
    const html = await get('/graph/organisation/enschede', { Accept: 'text/html' });
    expect(html.status).toBe(200);
    const page = await html.text();
    expect(page).toContain(`<link rel="canonical" href="${graph}">`);
    expect(page).toContain('<a href="/organisation/enschede">https://projectgraph.example/organisation/enschede</a>');
    expect((await get('/graph/organisation/no-such-graph', { Accept: 'text/turtle' })).status).toBe(404);
  });

  it('answers unknown paths with 404', async () => {
    for (const p of [
      '/project/no-such-project',
      '/no-such-thing',
      '/project/',
      '/nope.ttl',
      '/organisation/enschede/extra',
      '/graph/',
      '/graph/nope',
    ]) {
      expect((await get(p, { Accept: 'text/turtle' })).status, p).toBe(404);
    }
  });

  it('never serves a file outside output/, in any encoding', async () => {
    const { symlink } = await import('node:fs/promises');
    await symlink('/etc/passwd', path.join(outDir, 'escape.ttl'));
    const port = Number(new URL(server.url).port);
    const attempts = [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '/%252e%252e/%252e%252e/etc/passwd',
      '/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/project/..%5c..%5c..%5cetc%5cpasswd',
      '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
      '/project/%00.ttl',
      '/.well-known/../../../etc/passwd',
      '/escape.ttl',
      '//etc/passwd',
      '/./dataset.ttl/../../../../etc/passwd',
    ];
    for (const p of attempts) {
      const answer = await rawRequest(port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(answer.slice(0, 12), p).toMatch(/^HTTP\/1\.1 40[04]/);
      expect(answer, p).not.toContain('root:');
    }
  });

  it('serves the home page, the dataset, the catalog, VoID (also at /.well-known/void) and our vocabulary', async () => {
    // The home page is the store's: every kind with its count and list, and a search over all of them.
    const home = await get('/', { Accept: 'text/html' });
    expect(home.status).toBe(200);
    const homeHtml = await home.text();
    expect(homeHtml).toMatch(/<form [^>]*action="\/list"[^>]*role="search"/);
    for (const kind of ['programme', 'project', 'organisation', 'keyword'])
      expect(homeHtml).toContain(`href="/list/${kind}"`);
    const voidDoc = await get('/.well-known/void');
    expect(voidDoc.status).toBe(200);
    expect(voidDoc.headers.get('content-type')).toMatch(/^text\/turtle/);
    expect(await voidDoc.text()).toBe(await readFile(path.join(outDir, 'void.ttl'), 'utf8'));
    const catalog = await get('/catalog.ttl');
    expect(catalog.status).toBe(200);
    expect(parseRdf(await catalog.text(), 'Turtle').length).toBeGreaterThan(10);
    const dataset = await get('/dataset', { Accept: 'text/html' });
    expect(dataset.status).toBe(200);
    expect(dataset.headers.get('content-location')).toBe('/dataset.html');
    const term = await get('/def/background', { Accept: 'text/turtle' });
    expect(term.status).toBe(200);
    const termQuads = parseRdf(await term.text(), 'Turtle');
    expect(termQuads.some((q) => q.subject.value === 'https://projectgraph.example/def/background')).toBe(true);
    const concept = await get('/def/project-status/completed', { Accept: 'application/n-triples' });
    expect(concept.status).toBe(200);
    expect(await concept.text()).toContain('<https://projectgraph.example/def/project-status/completed>');
    // `/def/` is another spelling of the vocabulary's IRI: it redirects there (issue 12) instead of serving a copy.
    const vocabulary = await get('/def/', { Accept: 'text/html' });
    expect(vocabulary.status).toBe(200);
    expect(vocabulary.redirected).toBe(true);
    expect(new URL(vocabulary.url).pathname).toBe('/def');
    expect(vocabulary.headers.get('content-location')).toBe('/def.html');
  });

  it('serves the dumps as files with their media types', async () => {
    for (const [p, type] of [
      ['/dataset.ttl', 'text/turtle'],
      ['/dataset.nt', 'application/n-triples'],
      ['/dataset.jsonld', 'application/ld+json'],
    ] as const) {
      const r = await get(p);
      expect(r.status, p).toBe(200);
      expect(r.headers.get('content-type'), p).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
      expect(await r.text()).toBe(await readFile(path.join(outDir, p.slice(1)), 'utf8'));
    }
  });
});
