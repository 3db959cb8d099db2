// sitemap.xml: one file up to the protocol's limit, an index of numbered sitemaps beyond it; addresses escaped; the
// files as the sitemaps.org protocol has them, and served by `projectgraph serve` from the build.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SaxesParser } from 'saxes';
import { generate } from '../../bench/generate.ts';
import { build } from '../../src/pipeline.ts';
import { SITEMAP_LIMIT, robotsTxt, sitemapFiles } from '../../src/publish/sitemap.ts';
import { SITEMAP_NS } from '../../src/vocab.ts';
import { startTestServer, type TestServer } from '../serve/support.ts';

const BASE = 'https://example.org/';

/** An element of a parsed sitemap file: its name, namespace, text and children. */
interface Element {
  name: string;
  uri: string;
  text: string;
  children: Element[];
}

/** Parses an XML document strictly (saxes fails on anything not well-formed) into its element tree. */
function parseXml(xml: string): Element {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Element[] = [];
  let root: Element | undefined;
  parser.on('opentag', (t) => {
    const e: Element = { name: t.local, uri: t.uri, text: '', children: [] };
    stack.at(-1)?.children.push(e);
    stack.push(e);
    root ??= e;
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

/**
 * Checks a file against the protocol's structure: a urlset of url elements with one loc (absolute, under the base)
 * and at most one lastmod (W3C date), or a sitemapindex of sitemap elements alike; returns the locs.
 */
function locsOf(xml: string, root: 'urlset' | 'sitemapindex', date: string | undefined): string[] {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const doc = parseXml(xml);
  expect([doc.name, doc.uri]).toEqual([root, SITEMAP_NS]);
  const entry = root === 'urlset' ? 'url' : 'sitemap';
  const shape = date === undefined ? 'loc' : 'loc lastmod';
  // Checked without an expect per entry, which would take seconds for 100,000 entries; the first fault is shown.
  const faults: string[] = [];
  const locs = doc.children.map((c) => {
    const loc = c.children[0]?.text ?? '';
    const names = c.children.map((g) => g.name).join(' ');
    if (c.name !== entry || c.uri !== SITEMAP_NS) faults.push(`<${c.name}> in ${c.uri}, not <${entry}>`);
    else if (names !== shape) faults.push(`<${entry}> holds ${names}, not ${shape}`);
    else if (date !== undefined && c.children[1]?.text !== date) faults.push(`lastmod ${c.children[1]?.text}`);
    else if (!URL.canParse(loc) || new URL(loc).href !== loc) faults.push(`loc ${loc} is not an absolute URL`);
    return loc;
  });
  expect(faults.slice(0, 1)).toEqual([]);
  return locs;
}

describe('the sitemap', () => {
  it('lists every page with lastmod in one file while they fit', () => {
    const [only, ...rest] = sitemapFiles(BASE, [`${BASE}`, `${BASE}a?b&c`], '2025-11-26', 3);
    expect(rest).toEqual([]);
    expect(only!.name).toBe('sitemap.xml');
    expect(only!.content).toContain('<url><loc>https://example.org/a?b&#38;c</loc><lastmod>2025-11-26</lastmod></url>');
    expect(only!.content.match(/<url>/g)).toHaveLength(2);
    expect(locsOf(only!.content, 'urlset', '2025-11-26')).toEqual([BASE, `${BASE}a?b&c`]);
  });

  it('becomes numbered sitemaps and their index past the limit, each page listed once', () => {
    const urls = Array.from({ length: 7 }, (_, i) => `${BASE}p/${i}`);
    const files = [...sitemapFiles(BASE, urls, undefined, 3)];
    expect(files.map((f) => f.name)).toEqual(['sitemap-1.xml', 'sitemap-2.xml', 'sitemap-3.xml', 'sitemap.xml']);
    const index = files.at(-1)!;
    expect(index.content).toContain('<sitemapindex');
    expect(locsOf(index.content, 'sitemapindex', undefined)).toEqual(files.slice(0, -1).map((f) => BASE + f.name));
    const listed = files.slice(0, -1).flatMap((f) => locsOf(f.content, 'urlset', undefined));
    expect(listed).toEqual(urls);
  });

  it('holds at most the limit when the pages fill it exactly, and starts numbering one past it', () => {
    const urls = (n: number) => Array.from({ length: n }, (_, i) => `${BASE}p/${i}`);
    expect([...sitemapFiles(BASE, urls(3), undefined, 3)].map((f) => f.name)).toEqual(['sitemap.xml']);
    expect([...sitemapFiles(BASE, urls(4), undefined, 3)].map((f) => f.name)).toEqual([
      'sitemap-1.xml',
      'sitemap-2.xml',
      'sitemap.xml',
    ]);
    expect([...sitemapFiles(BASE, [], undefined, 3)].map((f) => f.name)).toEqual(['sitemap.xml']);
  });

  it('reads the addresses as they come: a sitemap is handed out before the later addresses are made', () => {
    let made = 0;
    function* addresses() {
      for (let i = 0; i < 10; i++) {
        made++;
        yield `${BASE}p/${i}`;
      }
    }
    const files = sitemapFiles(BASE, addresses(), undefined, 3);
    expect(files.next().value?.name).toBe('sitemap-1.xml');
    expect(made).toBe(4);
  });

  it(`splits more than ${SITEMAP_LIMIT.toLocaleString('en')} pages into sitemaps of at most that many`, () => {
    const count = 2 * SITEMAP_LIMIT + 1234;
    const urls = Array.from({ length: count }, (_, i) => `${BASE}project/p-${i}?x=${i}&y`);
    const files = [...sitemapFiles(BASE, urls, '2026-01-02')];
    expect(files.map((f) => f.name)).toEqual(['sitemap-1.xml', 'sitemap-2.xml', 'sitemap-3.xml', 'sitemap.xml']);
    const parts = files.slice(0, -1).map((f) => locsOf(f.content, 'urlset', '2026-01-02'));
    expect(parts.map((p) => p.length)).toEqual([SITEMAP_LIMIT, SITEMAP_LIMIT, 1234]);
    expect(parts.flat()).toEqual(urls);
    expect(locsOf(files.at(-1)!.content, 'sitemapindex', '2026-01-02')).toEqual(
      ['sitemap-1.xml', 'sitemap-2.xml', 'sitemap-3.xml'].map((n) => BASE + n),
    );
    // The protocol's other limit: 50 MB uncompressed per file.
    for (const f of files) expect(Buffer.byteLength(f.content)).toBeLessThan(50 * 1024 * 1024);
  });

  it('is named in robots.txt', () => {
    expect(robotsTxt(`${BASE}sitemap.xml`)).toBe(
      'User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n',
    );
  });
});

describe('the sitemap index, served', () => {
  const SITE = 'https://projectgraph.example/';
  let dir: string;
  let server: TestServer;
  let urls: string[];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-sitemap-'));
    await generate(path.join(dir, 'data'), 20, 3);
    const out = path.join(dir, 'output');
    await build({ dataDir: path.join(dir, 'data'), outDir: out, sourceDateEpoch: '1790000000' });
    // A build of this many pages would take minutes: its sitemap files are put in the published build instead.
    const published = path.join(dir, '.output.builds', (await readdir(path.join(dir, '.output.builds')))[0]!);
    urls = Array.from({ length: SITEMAP_LIMIT + 10 }, (_, i) => `${SITE}project/p-${i}`);
    for (const f of sitemapFiles(SITE, urls, '2026-09-21')) await writeFile(path.join(published, f.name), f.content);
    server = await startTestServer({ outDir: out, workers: 1 });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers sitemap.xml, the index, and each sitemap it names, with robots.txt pointing at the index', async () => {
    const get = async (p: string) => {
      const r = await fetch(new URL(p, server.url)).catch((e: unknown) => {
        throw new Error(`GET ${p} failed: ${String(e)}; the server logged:\n${server.logLines.join('\n')}`);
      });
      expect(r.status, p).toBe(200);
      expect(r.headers.get('content-type'), p).toMatch(/xml|text\/plain/);
      return r.text();
    };
    const robots = await get('/robots.txt');
    expect(robots).toContain(`Sitemap: ${SITE}sitemap.xml\n`);
    const index = locsOf(await get('/sitemap.xml'), 'sitemapindex', '2026-09-21');
    expect(index).toEqual([`${SITE}sitemap-1.xml`, `${SITE}sitemap-2.xml`]);
    const listed: string[] = [];
    for (const loc of index) {
      const part = await get(new URL(loc).pathname);
      expect(part).toBe(await readFile(path.join(dir, 'output', new URL(loc).pathname), 'utf8'));
      listed.push(...locsOf(part, 'urlset', '2026-09-21'));
    }
    expect(listed).toEqual(urls);
    expect((await fetch(new URL('/sitemap-3.xml', server.url))).status).toBe(404);
  }, 60_000);
});
