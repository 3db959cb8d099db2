// In Debian's chromium (playwright-core, no downloaded browser): the query page runs an example query and shows rows,
// a resource page carries its JSON-LD, and the browser never contacts another origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildTempOutput, startTestServer, type TestServer } from './support.ts';

const CHROMIUM = '/usr/bin/chromium';
let server: TestServer;
let outDir: string;
let browser: BrowserContext;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is needed (Debian package chromium)`).toBe(true);
  outDir = await buildTempOutput();
  server = await startTestServer({ outDir, workers: 1 });
  const profile = await mkdtemp(path.join(tmpdir(), 'projectgraph-chromium-'));
  // A fresh profile each run; playwright takes it as the persistent context's directory.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('in a browser', () => {
  it('opens the query page, runs an example query and shows its rows, all from this server', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.sparqlUrl);
    await page.waitForSelector('.yasqe .CodeMirror', { timeout: 60_000 });
    const tabs = await page.locator('.tabsList .tab').allInnerTexts();
    expect(tabs.join('|')).toContain('Organisaties per programma');
    await page.locator('.yasqe_queryButton').first().click();
    const rows = page.locator('.yasr table tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    expect(await rows.count()).toBeGreaterThan(0);
    const text = await page.locator('.yasr table tbody').innerText();
    expect(text).toContain('Kennis voor Krachtige Steden');
    expect(text).toContain('Radboud Universiteit');
    expect(errors, errors.join("\n")).toEqual([]);
    const origin = new URL(server.url).origin;
    expect(requested.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    expect(requested.some((u) => u.startsWith(`${server.sparqlUrl}`) && u !== server.sparqlUrl) || server.logLines.some((l) => / POST \/sparql 200 /.test(l))).toBe(true);
    await page.close();
  });

  it('opens the Cluster Governance page and finds its JSON-LD', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    const response = await page.goto(new URL('/project/cluster-governance-kks-2015', server.url).href);
    expect(response?.status()).toBe(200);
    const blocks = await page.locator('script[type="application/ld+json"]').allTextContents();
    expect(blocks.length).toBeGreaterThan(0);
    const docs = blocks.map((b) => JSON.parse(b) as unknown);
    expect(JSON.stringify(docs)).toContain('Cluster Governance (KKS 2015)');
    expect(await page.locator('body').innerText()).toContain('Cluster Governance (KKS 2015)');
    // When the build wrote the resource's page (issue 5), that page is what the browser gets.
    const built = path.join(outDir, 'project/cluster-governance-kks-2015.html');
    if (existsSync(built)) expect(await response!.text()).toBe(await readFile(built, 'utf8'));
    await page.close();
  });

  it('shows an unknown address as a page in the site layout, with a way back home', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(new URL('/project/no-such-project?<b>x</b>', server.url).href);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.title()).toContain('Niet gevonden');
    expect(await page.locator('h1').innerText()).toBe('Niet gevonden');
    // The site's own header, navigation and stylesheet: the reader is still on the site.
    expect(await page.locator('header.site nav a').allInnerTexts()).toContain('Bevragen (SPARQL)');
    const styled = await page.evaluate(() => document.styleSheets.length);
    expect(styled).toBeGreaterThan(0);
    await page.locator('a', { hasText: 'Naar de startpagina' }).click();
    await page.waitForURL(new URL('/', server.url).href);
    expect(await page.locator('h1').first().innerText()).toContain('Projecten');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows a trailing slash to the canonical address', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    const response = await page.goto(new URL('/project/cluster-governance-kks-2015/', server.url).href);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/project/cluster-governance-kks-2015');
    await page.close();
  });
});
