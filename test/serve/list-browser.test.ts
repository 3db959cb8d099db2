// In Debian's chromium over a real build of 10,000 generated projects: the home page's search box, the next page, a
// filter and a facet link give what SPARQL over the same store counts, and every page stays under 200 KB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { generate } from '../../bench/generate.ts';
import { build } from '../../src/pipeline.ts';
import { siteFor } from '../../src/publish/site.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { KINDS, ListIndex } from '../../src/serve/list-index.ts';
import { renderHome, renderListPage } from '../../src/serve/list-pages.ts';
import { SCHEMA, ownTerms } from '../../src/vocab.ts';

const CHROMIUM = '/usr/bin/chromium';
const BASE = 'https://projectgraph.example/';
const RECORDS = 10_000;
const MAX_PAGE_BYTES = 200 * 1024;
let browser: BrowserContext;
let store: EmbeddedStore;
let server: http.Server;
let origin: string;

/** The one number a SPARQL COUNT query returns. */
async function count(query: string): Promise<number> {
  const result = await store.query(query);
  if (result.type !== 'bindings') throw new Error('bindings expected');
  for await (const row of result.bindings) return Number(row.get('n')?.value);
  return 0;
}

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is needed (Debian package chromium)`).toBe(true);
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-lists-'));
  await generate(path.join(dir, 'data'), RECORDS, 42);
  const out = path.join(dir, 'out');
  await build({ dataDir: path.join(dir, 'data'), outDir: out, sourceDateEpoch: '1764115200' });
  store = await EmbeddedStore.load(out);
  const index = await ListIndex.build(store, BASE);
  const site = siteFor(BASE, { name: 'Synthetisch', licence: 'https://licence.example/', publisherName: 'Bench' });
  const css = await readFile(path.join(out, 'style.css'));
  // Until serve routes the lists, a server of the lists alone: the address and its parameters, nothing else.
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', renderHome(index, site, []));
    if (url.pathname === '/style.css') return send(200, 'text/css', css);
    const answer = renderListPage(index, site, url.pathname, url.searchParams);
    if (answer === undefined) return send(404, 'text/plain', 'not a list\n');
    return send(answer.status, 'text/html; charset=utf-8', answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = await mkdtemp(path.join(tmpdir(), 'projectgraph-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}, 1_800_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Every HTML answer the page receives, with its size, so each can be held to the limit. */
function watchSizes(page: Page): { url: string; bytes: number }[] {
  const seen: { url: string; bytes: number }[] = [];
  page.on('response', async (r) => {
    if (!(r.headers()['content-type'] ?? '').startsWith('text/html')) return;
    seen.push({ url: r.url(), bytes: (await r.body()).length });
  });
  return seen;
}

const shownCount = async (page: Page) =>
  Number(/^([0-9]+) resultat/.exec(await page.locator('.result-count').innerText())?.[1] ?? Number.NaN);

describe(`the lists in a browser, over ${RECORDS} generated projects`, () => {
  it('searches from the home page, pages on, and the count is what SPARQL counts', { timeout: 180_000 }, async () => {
    const page = await browser.newPage();
    const sizes = watchSizes(page);
    await page.goto(`${origin}/`);
    expect(await page.locator('.counts').innerText()).toContain(`Projecten: ${RECORDS}`);
    await page.locator('form[role=search] input[name=q]').fill('Energietransitie');
    await page.locator('form[role=search] button[type=submit]').click();
    await page.waitForURL(/\/list\?q=Energietransitie$/);
    const kinds = KINDS.join('|');
    const names = [SCHEMA('name'), SCHEMA('alternateName'), SCHEMA('description')].map((p) => `<${p.value}>`);
    const expected = await count(
      `SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { VALUES ?p { ${names.join(' ')} } ?s ?p ?o .
       FILTER(REGEX(STR(?s), "^${BASE}(${kinds})/[^#]+$") && CONTAINS(LCASE(STR(?o)), "energietransitie")) }`,
    );
    expect(expected).toBeGreaterThan(50);
    expect(await shownCount(page)).toBe(expected);
    const first = await page.locator('ol.results > li > a').allInnerTexts();
    expect(first).toHaveLength(50);
    await page.locator('nav.pager a[rel=next]').click();
    await page.waitForURL(/page=2$/);
    expect(await page.locator('ol.results').getAttribute('start')).toBe('51');
    const second = await page.locator('ol.results > li > a').allInnerTexts();
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((n) => first.includes(n) && first.indexOf(n) === second.indexOf(n))).toEqual([]);
    expect(await page.locator('nav.pager [aria-current=page]').innerText()).toBe('2');
    await page.close();
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    for (const s of sizes) expect(s.bytes, s.url).toBeLessThanOrEqual(MAX_PAGE_BYTES);
  });

  it('filters the projects by status and year, then by a keyword link, as SPARQL filters them', {
    timeout: 180_000,
  }, async () => {
    const page = await browser.newPage();
    const sizes = watchSizes(page);
    await page.goto(`${origin}/list/project`);
    expect(await shownCount(page)).toBe(RECORDS);
    await page.locator('select[name=status]').selectOption('completed');
    await page.locator('select[name=year]').selectOption('2010');
    await page.locator('form[role=search] button[type=submit]').click();
    await page.waitForURL(/status=completed/);
    const t = ownTerms(BASE);
    const completedIn2010 = `?s <${t.status.value}> <${t.statusConcept('completed').value}> ;
      <${SCHEMA('foundingDate').value}> ?start ; <${SCHEMA('dissolutionDate').value}> ?end .
      FILTER(xsd:integer(STR(?start)) <= 2010 && xsd:integer(STR(?end)) >= 2010)`;
    const xsd = 'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>';
    expect(await shownCount(page)).toBe(
      await count(`${xsd} SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ${completedIn2010} }`),
    );
    for (const meta of await page.locator('ol.results .meta').allInnerTexts()) {
      const [from, to] = meta.split(' · ')[0]!.split('–').map(Number);
      expect(from!, meta).toBeLessThanOrEqual(2010);
      expect(to ?? from!, meta).toBeGreaterThanOrEqual(2010);
    }
    const keywordLink = page.locator('.facets h3:text-is("Kernwoord") + ul a').first();
    const keywordName = await keywordLink.innerText();
    await keywordLink.click();
    await page.waitForURL(/keyword=/);
    const keyword = new URL(page.url()).searchParams.get('keyword');
    expect(await page.locator('.active-filters').innerText()).toContain(`Kernwoord: ${keywordName}`);
    expect(await shownCount(page)).toBe(
      await count(
        `${xsd} SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ${completedIn2010} ?s <${SCHEMA('keywords').value}> <${BASE}keyword/${keyword}> }`,
      ),
    );
    // The filters stay when the search box is used next.
    await page.locator('form[role=search] input[name=q]').fill('de');
    await page.locator('form[role=search] button[type=submit]').click();
    await page.waitForURL(/q=de/);
    const params = new URL(page.url()).searchParams;
    expect([params.get('keyword'), params.get('status'), params.get('year')]).toEqual([keyword, 'completed', '2010']);
    await page.close();
    for (const s of sizes) expect(s.bytes, s.url).toBeLessThanOrEqual(MAX_PAGE_BYTES);
  });
});
