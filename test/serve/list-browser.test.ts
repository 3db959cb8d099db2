// In Debian's chromium over the statements of 10,000 generated projects in a store: the home page's search box, the next
// page, a filter and a facet link give what SPARQL over the same store counts, and every page stays under 200 KB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type * as RDF from '@rdfjs/types';
import { poolSizes, rng } from '../../bench/generate.ts';
import { siteFor } from '../../src/publish/site.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { KINDS, ListIndex } from '../../src/serve/list-index.ts';
import { renderHome, renderListPage } from '../../src/serve/list-pages.ts';
import { SCHEMA, SKOS, XSD, ownTerms } from '../../src/vocab.ts';

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

/** Words of the generated names and descriptions, Dutch-looking policy prose as in bench/generate.ts. */
const WORDS = (
  'de het een van en in op voor met door als bij naar over onder tussen gemeente gemeenten stad steden wijk wijken ' +
  'regio provincie beleid onderzoek kennis praktijk bewoners ondernemers corporaties woningbouw leefbaarheid ' +
  'veiligheid mobiliteit energietransitie klimaatadaptatie participatie samenwerking governance sturing netwerk ' +
  'clusters innovatie economie arbeidsmarkt onderwijs zorg welzijn armoede integratie cultuur erfgoed ruimte krimp ' +
  'groei binnenstad centrum dorpen platteland groen water gezondheid jongeren ouderen analyse evaluatie monitoring ' +
  'experiment pilot aanpak resultaten lessen vergroten versterken verbeteren duurzaam sociaal coöperatief één café'
).split(' ');
const STATUSES = ['planned', 'ongoing', 'completed', 'discontinued'] as const;

/**
 * The statements a build publishes about generated records that the lists read, each record in its graph, as
 * N-Quads: programmes (one the umbrella of the others), organisations, keywords named in every project that has them,
 * and projects with names in two languages, descriptions, links, a status and years (an end for every finished one).
 */
function generatedQuads(projects: number, seed: number): string {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  // A few organisations and keywords are used far more than the others, as in real data.
  const skewed = (n: number) => Math.floor(r() ** 2.2 * n);
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const title = () => {
    const w = words(int(3, 8));
    return `${w[0]!.toUpperCase()}${w.slice(1)}`;
  };
  const sizes = poolSizes(projects);
  const t = ownTerms(BASE);
  const lines: string[] = [];
  const iri = (v: string) => `<${v}>`;
  const literal = (v: string, lang = 'nl') => `${JSON.stringify(v)}@${lang}`;
  const year = (y: number) => `"${y}"^^<${XSD('gYear').value}>`;
  const add = (graph: string, s: string, p: RDF.NamedNode, o: string) =>
    lines.push(`${iri(s)} ${iri(p.value)} ${o} ${iri(`${BASE}graph/${graph}`)} .`);
  add('dataset', `${BASE}dataset`, SCHEMA('name'), literal('Synthetische projecten'));
  add('dataset', `${BASE}dataset`, SCHEMA('description'), literal('Verzonnen records voor de lijsten.'));
  for (const code of STATUSES) add('dataset', t.statusConcept(code).value, SKOS('prefLabel'), literal(code));
  const programme = (i: number) => `programme/programma-${i}`;
  for (let i = 0; i < sizes.programmes; i++) {
    add(programme(i), BASE + programme(i), SCHEMA('name'), literal(`Programma ${title()} ${i}`));
    if (r() < 0.7) add(programme(i), BASE + programme(i), SCHEMA('description'), literal(`${title()}.`));
    if (i > 0) add(programme(i), BASE + programme(i), SCHEMA('parentOrganization'), iri(BASE + programme(0)));
  }
  const organisation = (i: number) => `organisation/org-${i}`;
  for (let i = 0; i < sizes.organisations; i++) {
    const name = `${title()} ${i}`;
    add(organisation(i), BASE + organisation(i), SCHEMA('name'), literal(name));
    if (r() < 0.3) add(organisation(i), BASE + organisation(i), SCHEMA('name'), literal(`${name} (en)`, 'en'));
    if (r() < 0.4) add(organisation(i), BASE + organisation(i), SCHEMA('alternateName'), literal(`ORG${i}`));
    if (r() < 0.5) add(organisation(i), BASE + organisation(i), SCHEMA('description'), literal(`${title()}.`));
  }
  const keywords = Array.from({ length: sizes.keywords }, (_, i) => `${pick(WORDS.slice(18))} ${i}`);
  for (let i = 0; i < projects; i++) {
    const local = `project/project-${i}`;
    const s = BASE + local;
    add(local, s, SCHEMA('name'), literal(title()));
    if (r() < 0.3) add(local, s, SCHEMA('name'), literal(title(), 'en'));
    if (r() < 0.2) add(local, s, SCHEMA('alternateName'), literal(title()));
    add(local, s, SCHEMA('description'), literal(`${title()}. ${title()}.`));
    add(local, s, SCHEMA('parentOrganization'), iri(BASE + programme(skewed(sizes.programmes))));
    for (const k of new Set(Array.from({ length: int(1, 6) }, () => skewed(keywords.length)))) {
      add(local, `${BASE}keyword/k${k}`, SCHEMA('name'), literal(keywords[k]!));
      add(local, s, SCHEMA('keywords'), iri(`${BASE}keyword/k${k}`));
    }
    for (const o of new Set(Array.from({ length: int(1, 8) }, () => skewed(sizes.organisations))))
      add(local, s, SCHEMA('member'), iri(BASE + organisation(o)));
    const status = pick(STATUSES);
    add(local, s, t.status, iri(t.statusConcept(status).value));
    const start = int(1995, 2024);
    add(local, s, SCHEMA('foundingDate'), year(start));
    if (status === 'completed' || status === 'discontinued' || r() < 0.2)
      add(local, s, SCHEMA('dissolutionDate'), year(start + int(0, 6)));
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is needed (Debian package chromium)`).toBe(true);
  store = new EmbeddedStore();
  store.oxigraph.load(generatedQuads(RECORDS, 42), { format: 'application/n-quads' });
  const index = await ListIndex.build(store, BASE);
  const site = siteFor(BASE, { name: 'Synthetisch', licence: 'https://licence.example/', publisherName: 'Bench' });
  const css = await readFile(new URL('../../src/publish/style.css', import.meta.url));
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
}, 300_000);

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
