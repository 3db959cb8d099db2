// HTTP as a careful server does it, over real requests: content coding, conditional and range requests, Link headers,
// redirects to the canonical path, every RDF form per resource, OPTIONS and Allow per path, error pages by Accept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { Parser } from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { isomorphic } from 'rdf-isomorphic';
import type { Quad } from '@rdfjs/types';
import { buildTempOutput, rawRequest, startTestServer, type TestServer } from './support.ts';

const PROJECT = '/project/cluster-governance-kks-2015';
let outDir: string;
let server: TestServer;
let port: number;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as sent, before any decoding. */
  raw: Buffer;
}

/** A request with node:http, which (unlike fetch) neither adds Accept-Encoding nor decodes the body. */
function request(p: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function decode(a: Answer): string {
  const coding = a.headers['content-encoding'];
  if (coding === 'br') return zlib.brotliDecompressSync(a.raw).toString('utf8');
  if (coding === 'gzip') return zlib.gunzipSync(a.raw).toString('utf8');
  expect(coding).toBeUndefined();
  return a.raw.toString('utf8');
}

const parse = (text: string, format: string): Quad[] => new Parser({ format }).parse(text);

function parseRdfXml(text: string): Promise<Quad[]> {
  return new Promise((resolve, reject) => {
    const quads: Quad[] = [];
    const parser = new RdfXmlParser();
    parser.on('data', (q: Quad) => quads.push(q));
    parser.on('error', reject);
    parser.on('end', () => resolve(quads));
    parser.write(text);
    parser.end();
  });
}

beforeAll(async () => {
  outDir = await buildTempOutput();
  server = await startTestServer({ outDir, workers: 1 });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server?.close();
});

describe('content coding', () => {
  it('compresses pages, resources, dumps and results by Accept-Encoding, with Vary and a tag per coding', async () => {
    const ttl = await readFile(path.join(outDir, 'dataset.ttl'), 'utf8');
    const tags = new Set<string>();
    for (const [accept, coding] of [
      ['br', 'br'],
      ['gzip', 'gzip'],
      ['gzip, deflate, br', 'br'],
      ['br;q=0.5, gzip', 'gzip'],
      ['identity', undefined],
      ['*', 'br'],
      ['br;q=0, gzip;q=0', undefined],
      ['', undefined],
    ] as const) {
      const a = await request('/dataset.ttl', { 'Accept-Encoding': accept });
      expect(a.status, accept).toBe(200);
      expect(a.headers['content-encoding'], accept).toBe(coding);
      expect(a.headers.vary, accept).toMatch(/Accept-Encoding/);
      expect(decode(a), accept).toBe(ttl);
      expect(Number(a.headers['content-length']), accept).toBe(a.raw.length);
      tags.add(String(a.headers.etag));
    }
    expect(tags.size).toBe(3);
    for (const p of [PROJECT, '/', `/sparql?query=${encodeURIComponent('SELECT * WHERE { ?s ?p ?o } LIMIT 40')}`]) {
      const a = await request(p, {
        'Accept-Encoding': 'gzip',
        Accept: p.startsWith('/sparql') ? 'application/sparql-results+json' : 'text/html',
      });
      expect(a.headers['content-encoding'], p).toBe('gzip');
      expect(decode(a).length, p).toBeGreaterThan(a.raw.length);
    }
  });

  it('answers 406 when identity is refused and no coding of ours is acceptable, and sends tiny bodies as they are', async () => {
    expect((await request('/dataset.ttl', { 'Accept-Encoding': 'identity;q=0, zstd' })).status).toBe(406);
    expect((await request('/dataset.ttl', { 'Accept-Encoding': '*;q=0' })).status).toBe(406);
    const tiny = await request('/robots.txt', { 'Accept-Encoding': 'gzip' });
    expect(tiny.status).toBe(200);
    expect(tiny.raw.length).toBeLessThan(1024);
    expect(tiny.headers['content-encoding']).toBeUndefined();
    // A client that takes only gzip gets even a tiny body gzipped.
    const forced = await request('/robots.txt', { 'Accept-Encoding': 'gzip, identity;q=0' });
    expect(forced.headers['content-encoding']).toBe('gzip');
  });

  it('negotiates any Accept-Encoding it is sent without failing (property-based)', async () => {
    const token = fc.constantFrom('br', 'gzip', 'identity', '*', 'deflate', 'zstd', 'x-gzip', 'BR');
    const q = fc.option(fc.constantFrom('0', '0.1', '0.5', '1', '1.0', '0.001'), { nil: undefined });
    const header = fc
      .array(
        fc.tuple(token, q).map(([t, v]) => (v === undefined ? t : `${t};q=${v}`)),
        { maxLength: 4 },
      )
      .map((l) => l.join(', '));
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        const a = await request('/dataset.nt', { 'Accept-Encoding': h });
        expect([200, 406], h).toContain(a.status);
        if (a.status === 200) expect(decode(a), h).toBe(await readFile(path.join(outDir, 'dataset.nt'), 'utf8'));
      }),
      { numRuns: 60 },
    );
  });

  it('does not compress an already compressed file and serves a fresh precompressed sibling as it is', async () => {
    const nt = await readFile(path.join(outDir, 'dataset.nt'));
    await writeFile(path.join(outDir, 'dataset.nt.gz'), zlib.gzipSync(nt, { level: 9 }));
    const gz = await request('/dataset.nt.gz', { 'Accept-Encoding': 'gzip, br' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-type']).toBe('application/gzip');
    expect(gz.headers['content-encoding']).toBeUndefined();
    expect(gz.raw.equals(await readFile(path.join(outDir, 'dataset.nt.gz')))).toBe(true);
    const viaSibling = await request('/dataset.nt', { 'Accept-Encoding': 'gzip' });
    expect(viaSibling.headers['content-encoding']).toBe('gzip');
    expect(viaSibling.raw.equals(await readFile(path.join(outDir, 'dataset.nt.gz')))).toBe(true);
    expect(decode(viaSibling)).toBe(nt.toString('utf8'));
    // A sibling older than its file is stale and is not used.
    await utimes(path.join(outDir, 'dataset.nt.gz'), new Date(0), new Date(0));
    const stale = await request('/dataset.nt', { 'Accept-Encoding': 'gzip' });
    expect(stale.raw.equals(await readFile(path.join(outDir, 'dataset.nt.gz')))).toBe(false);
    expect(decode(stale)).toBe(nt.toString('utf8'));
  });
});

describe('conditional and range requests, HEAD', () => {
  it('answers If-None-Match and If-Modified-Since with 304 on pages and dumps', async () => {
    for (const p of [PROJECT, '/dataset.ttl', '/', '/catalog.ttl']) {
      const first = await request(p, { 'Accept-Encoding': 'br' });
      expect(first.status, p).toBe(200);
      expect(first.headers['last-modified'], p).toBeTruthy();
      const byTag = await request(p, { 'Accept-Encoding': 'br', 'If-None-Match': String(first.headers.etag) });
      expect(byTag.status, p).toBe(304);
      expect(byTag.raw.length, p).toBe(0);
      // The tag of another coding is another representation.
      expect(
        (await request(p, { 'Accept-Encoding': 'gzip', 'If-None-Match': String(first.headers.etag) })).status,
        p,
      ).toBe(200);
      const byDate = await request(p, { 'If-Modified-Since': String(first.headers['last-modified']) });
      expect(byDate.status, p).toBe(304);
      const older = new Date(Date.parse(String(first.headers['last-modified'])) - 1000).toUTCString();
      expect((await request(p, { 'If-Modified-Since': older })).status, p).toBe(200);
    }
  });

  it('answers HEAD wherever GET works, with the same headers and no body', async () => {
    for (const p of [
      PROJECT,
      `${PROJECT}.nt`,
      `${PROJECT}.rdf`,
      '/dataset.ttl',
      '/',
      '/sparql',
      '/graph/organisation/enschede',
    ]) {
      for (const coding of ['br', 'identity']) {
        const get = await request(p, { 'Accept-Encoding': coding });
        const head = await request(p, { 'Accept-Encoding': coding }, 'HEAD');
        expect(head.status, p).toBe(get.status);
        expect(head.raw.length, p).toBe(0);
        for (const h of ['content-type', 'content-length', 'etag', 'content-encoding', 'link', 'vary']) {
          expect(head.headers[h], `${p} ${coding} ${h}`).toBe(get.headers[h]);
        }
      }
    }
  });

  it('serves byte ranges of uncoded bodies, honours If-Range and answers 416 past the end', async () => {
    const nt = await readFile(path.join(outDir, 'dataset.nt'));
    const part = await request('/dataset.nt', { Range: 'bytes=10-99', 'Accept-Encoding': 'gzip' });
    expect(part.status).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.headers['content-range']).toBe(`bytes 10-99/${nt.length}`);
    expect(part.raw.equals(nt.subarray(10, 100))).toBe(true);
    const tail = await request('/dataset.nt', { Range: 'bytes=-20' });
    expect(tail.raw.equals(nt.subarray(nt.length - 20))).toBe(true);
    const full = await request('/dataset.nt');
    expect(full.headers['accept-ranges']).toBe('bytes');
    const matching = await request('/dataset.nt', { Range: 'bytes=0-9', 'If-Range': String(full.headers.etag) });
    expect(matching.status).toBe(206);
    const changed = await request('/dataset.nt', { Range: 'bytes=0-9', 'If-Range': '"something-else"' });
    expect(changed.status).toBe(200);
    expect(changed.raw.length).toBe(nt.length);
    const past = await request('/dataset.nt', { Range: `bytes=${nt.length + 5}-` });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${nt.length}`);
  });
});

describe('resources', () => {
  it('gives every RDF form by extension and by Accept, all isomorphic, with Link headers to the others', async () => {
    const fromTtl = parse(decode(await request(`${PROJECT}.ttl`)), 'Turtle');
    expect(fromTtl.length).toBeGreaterThan(20);
    for (const [ext, type] of [
      ['.nt', 'application/n-triples'],
      ['.rdf', 'application/rdf+xml'],
      ['.ttl', 'text/turtle'],
      ['.jsonld', 'application/ld+json'],
    ] as const) {
      const byExt = await request(`${PROJECT}${ext}`);
      expect(byExt.status, ext).toBe(200);
      expect(byExt.headers['content-type'], ext).toBe(`${type}; charset=utf-8`);
      expect(byExt.headers.link, ext).toContain(`<${PROJECT}>; rel="canonical"`);
      const byAccept = await request(PROJECT, { Accept: type });
      expect(byAccept.status, type).toBe(200);
      expect(byAccept.headers['content-type'], type).toBe(`${type}; charset=utf-8`);
      expect(byAccept.headers['content-location'], type).toBe(`${PROJECT}${ext}`);
      const text = decode(byAccept);
      if (type === 'application/ld+json') continue;
      const quads =
        type === 'application/rdf+xml'
          ? await parseRdfXml(text)
          : parse(text, type === 'text/turtle' ? 'Turtle' : 'N-Triples');
      expect(isomorphic(quads, fromTtl), type).toBe(true);
      expect(decode(byExt), ext).toBe(text);
    }
    const page = await request(PROJECT, { Accept: 'text/html' });
    const link = String(page.headers.link);
    for (const [ext, type] of [
      ['.ttl', 'text/turtle'],
      ['.jsonld', 'application/ld+json'],
      ['.nt', 'application/n-triples'],
      ['.rdf', 'application/rdf+xml'],
    ]) {
      expect(link).toContain(`<${PROJECT}${ext}>; rel="alternate"; type="${type}"`);
    }
    expect(link).toContain(`<${PROJECT}.ttl>; rel="describedby"; type="text/turtle"`);
    expect(link).toContain('</dataset>; rel="http://rdfs.org/ns/void#inDataset"');
    const home = String((await request('/')).headers.link);
    expect(home).toContain('</.well-known/void>; rel="describedby"');
    expect(home).toContain('</sparql>; rel="http://www.w3.org/ns/sparql-service-description#endpoint"');
    expect(String((await request('/dataset', { Accept: 'text/turtle' })).headers.link)).toContain(
      '</catalog>; rel="http://www.w3.org/ns/dcat#catalog"',
    );
  });

  it('writes RDF/XML that parses back to the graph of its Turtle for every resource in the sitemap', async () => {
    // The sitemap lists every page the build has (the build writes no pages: the server renders them).
    const sitemap = await readFile(path.join(outDir, 'sitemap.xml'), 'utf8');
    const pages = [...sitemap.matchAll(/<loc>https:\/\/projectgraph\.example(\/[^<]+)<\/loc>/g)]
      .map((m) => m[1]!)
      .filter((p) => !['/dataset', '/catalog', '/void', '/def'].includes(p));
    expect(pages.length).toBeGreaterThan(30);
    for (const p of pages) {
      const xml = await request(`${p}.rdf`);
      expect(xml.status, p).toBe(200);
      const turtle = await request(`${p}.ttl`);
      expect(turtle.status, p).toBe(200);
      expect(isomorphic(await parseRdfXml(decode(xml)), parse(decode(turtle), 'Turtle')), p).toBe(true);
    }
  });

  it('redirects every other spelling of a path to the canonical one, keeping the query, and only when it exists', async () => {
    for (const [from, to] of [
      [`${PROJECT}/`, PROJECT],
      [`/${PROJECT}`, PROJECT],
      ['/project//cluster-governance-kks-2015', PROJECT],
      ['/project/cluster%2Dgovernance-kks-2015', PROJECT],
      ['/%70roject/cluster-governance-kks-2015/', PROJECT],
      ['/keyword/', '/keyword'],
      ['/index.html', '/'],
      ['/dataset.ttl/', '/dataset.ttl'],
      ['/sparql/', '/sparql'],
    ]) {
      const a = await request(`${from}?a=1&b=%20`);
      expect(a.status, from).toBe(301);
      expect(a.headers.location, from).toBe(`${to}?a=1&b=%20`);
    }
    const post = await rawRequest(
      port,
      'POST /sparql/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
    expect(post).toMatch(/^HTTP\/1\.1 308/);
    for (const p of ['/project/', '/no-such/', '//no-such', '//etc/passwd', '/project/nope/']) {
      expect((await request(p)).status, p).toBe(404);
    }
  });

  it('tells the truth in OPTIONS and Allow, per path', async () => {
    const resource = await request(PROJECT, {}, 'OPTIONS');
    expect(resource.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(resource.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    expect((await request('/dataset.ttl', {}, 'OPTIONS')).headers.allow).toBe('GET, HEAD, OPTIONS');
    expect((await request('/sparql', {}, 'OPTIONS')).headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const refused = await request(PROJECT, {}, method);
      expect(refused.status, method).toBe(405);
      expect(refused.headers.allow, method).toBe('GET, HEAD, OPTIONS');
    }
    expect((await request('/sparql', {}, 'DELETE')).headers.allow).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('opens resources and dumps to other origins, says nosniff and answers /favicon.ico without a 404', async () => {
    for (const p of [PROJECT, '/dataset.nt', '/catalog.ttl', '/nope']) {
      const a = await request(p, { Origin: 'https://elsewhere.example' });
      expect(a.headers['access-control-allow-origin'], p).toBe('*');
      expect(a.headers['access-control-expose-headers'], p).toMatch(/Link/);
      expect(a.headers['x-content-type-options'], p).toBe('nosniff');
    }
    expect((await request('/favicon.ico')).status).toBe(204);
  });
});

describe('errors', () => {
  it('gives browsers a page in the site layout and other clients plain text, for 400, 404 and 405 (406 plain for a client that asks no HTML)', async () => {
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const cases: [string, string, number][] = [
      ['/no-such-thing<script>', 'GET', 404],
      [PROJECT, 'PUT', 405],
      ['/sparql?query=SELECT%20%3Fx%20WHERE%20%7B', 'GET', 400],
    ];
    for (const [p, method, status] of cases) {
      const page = await request(p, { Accept: browser }, method);
      expect(page.status, p).toBe(status);
      expect(page.headers['content-type'], p).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy'], p).toMatch(/default-src 'none'/);
      expect(page.headers.vary, p).toMatch(/Accept/);
      const body = decode(page);
      expect(body, p).toContain('<html lang="nl">');
      expect(body, p).toContain('<link rel="stylesheet" href="/style.css">');
      expect(body, p).toContain('Projecten en programma&#39;s van het stedelijk beleid');
      expect(body, p).toContain(`HTTP ${status}`);
      expect(body, p).not.toContain('<script>');
      const plain = await request(p, {}, method);
      expect(plain.status, p).toBe(status);
      expect(plain.headers['content-type'], p).toBe('text/plain; charset=utf-8');
      expect(decode(plain), p).not.toContain('<html');
    }
    const notAcceptable = await request(PROJECT, { Accept: 'application/pdf' });
    expect(notAcceptable.status).toBe(406);
    expect(notAcceptable.headers['content-type']).toBe('text/plain; charset=utf-8');
  });
});
