// output/ served by a plain static file server (http-server from npm, default extension html): every IRI we mint answers with its page.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createServer } from 'http-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/publish/site.ts';
import { buildCopy, exportedSite, parseRdf } from './support.ts';

const BASE = 'https://projectgraph.example/';
let origin: string;
let close: () => void;
let iris: string[];

beforeAll(async () => {
  const built = await buildCopy();
  // The site a static server serves is the build's export (export-site): the build writes no pages.
  const site = await exportedSite(built.out, built.data);
  // The same as `npx http-server output -e html`: no rewrite rules, no configuration beyond the default extension.
  const server = createServer({ root: site, ext: 'html', cache: -1, showDir: 'false', logFn: () => {} });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  close = () => server.close();
  const published = [
    ...(await parseRdf(path.join(site, 'dataset.nt'), 'application/n-triples')),
    ...(await parseRdf(path.join(site, 'catalog.ttl'))),
    ...(await parseRdf(path.join(site, 'void.ttl'))),
    ...(await parseRdf(path.join(site, 'def.ttl'))),
  ];
  const all = new Set<string>();
  for (const q of published)
    for (const t of [q.subject, q.predicate, q.object])
      if (t.termType === 'NamedNode' && t.value.startsWith(BASE)) all.add(t.value);
  iris = [...all]
    .filter((i) => !(SERVICES as readonly string[]).includes(i.slice(BASE.length).replace(/#.*$/, '')))
    .sort();
});

afterAll(() => close?.());

const at = (iri: string) => `${origin}/${iri.slice(BASE.length).replace(/#.*$/, '')}`;

describe('output/ on a plain static file server', () => {
  it('answers every IRI in the dump, catalogue, VoID and vocabulary with a page (or the file it names)', async () => {
    expect(iris.length).toBeGreaterThan(60);
    for (const iri of iris) {
      const res = await fetch(at(iri));
      expect(res.status, iri).toBe(200);
      const body = await res.text();
      // A namespace IRI (`<base>def/`, named in VoID) is the folder whose index is the vocabulary's page.
      const bare = iri.replace(/#.*$/, '');
      const document = bare === BASE ? BASE : bare.replace(/\/$/, '');
      if (/\.(ttl|nt|nq|trig|jsonld)(\.gz)?$/.test(document)) continue;
      expect(res.headers.get('content-type'), iri).toMatch(/^text\/html/);
      expect(body, iri).toContain(`<link rel="canonical" href="${document}">`);
      // A fragment IRI lands on its section of the document's page.
      if (iri.includes('#')) expect(body, iri).toContain(`id="${iri.slice(iri.indexOf('#') + 1)}"`);
    }
  });

  it("serves each page's Turtle and JSON-LD siblings with RDF media types", async () => {
    const pages = [
      ...new Set(
        iris
          .map((i) => i.replace(/#.*$/, ''))
          .filter((i) => !/\.(ttl|nt|nq|trig|jsonld)(\.gz)?$/.test(i) && !i.endsWith('/')),
      ),
    ];
    for (const page of pages) {
      for (const [ext, type] of [
        ['ttl', /^text\/turtle/],
        ['jsonld', /^application\/(ld\+)?json/],
      ] as const) {
        const res = await fetch(`${at(page)}.${ext}`);
        expect(res.status, `${page}.${ext}`).toBe(200);
        expect(res.headers.get('content-type'), `${page}.${ext}`).toMatch(type);
        await res.arrayBuffer();
      }
    }
  });

  it('answers the home page, the stylesheet, sitemap, robots.txt and /.well-known/void', async () => {
    for (const p of ['/', '/style.css', '/sitemap.xml', '/robots.txt', '/.well-known/void']) {
      const res = await fetch(origin + p);
      expect(res.status, p).toBe(200);
      await res.arrayBuffer();
    }
  });
});
