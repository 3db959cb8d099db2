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
  it('opens the query page, runs an example query and shows its rows, all from this server', {
    timeout: 120_000,
  }, async () => {
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
    expect(errors, errors.join('\n')).toEqual([]);
    const origin = new URL(server.url).origin;
    expect(requested.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    expect(
      requested.some((u) => u.startsWith(`${server.sparqlUrl}`) && u !== server.sparqlUrl) ||
        server.logLines.some((l) => / POST \/sparql 200 /.test(l)),
    ).toBe(true);
    await page.close();
  });

  it('a share link carries the typed query: opened in a new page, the query is there and runs', {
    timeout: 120_000,
  }, async () => {
    const query =
      'SELECT ?name WHERE { ?o a <http://schema.org/GovernmentOrganization> ; <http://schema.org/name> ?name } ORDER BY ?name';
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.sparqlUrl);
    await page.waitForSelector('.yasqe .CodeMirror', { timeout: 60_000 });
    // Typed into the active tab's editor: select all, then the text as a user would paste it (no auto-closed brackets).
    await page.locator('.tabPanel.active .CodeMirror').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(query);
    await page.locator('.tabPanel.active .yasqe_share').first().click();
    const link = await page.locator('.yasqe_sharePopup input').first().inputValue();
    expect(link.startsWith(server.sparqlUrl)).toBe(true);
    await page.close();

    const shared = await browser.newPage();
    shared.on('pageerror', (e) => errors.push(e.message));
    await shared.goto(link);
    await shared.waitForSelector('.yasqe .CodeMirror', { timeout: 60_000 });
    const shown = await shared.evaluate(() =>
      (window as unknown as { projectgraphYasgui: { getTab(): { getQuery(): string } } }).projectgraphYasgui
        .getTab()
        .getQuery(),
    );
    expect(shown).toBe(query);
    // The shared query runs on opening: its rows appear without a click.
    const rows = shared.locator('.tabPanel.active .yasr table tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    expect(
      (await shared.locator('.tabPanel.active .yasr table tbody').innerText())
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    ).toEqual(
      expect.arrayContaining(['Enschede', 'Hengelo', 'Leeuwarden', 'Nijmegen'].map((n) => expect.stringContaining(n))),
    );
    expect(errors, errors.join('\n')).toEqual([]);
    await shared.close();
  });

  it('runs CONSTRUCT … LIMIT 5 from the page and shows its triples', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    const answers: { status: number; type: string }[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(server.sparqlUrl) && r.request().method() === 'POST')
        answers.push({ status: r.status(), type: r.headers()['content-type'] ?? '' });
    });
    await page.goto(server.sparqlUrl);
    await page.waitForSelector('.yasqe .CodeMirror', { timeout: 60_000 });
    await page.locator('.tabPanel.active .CodeMirror').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(
      'CONSTRUCT { ?s <http://schema.org/name> ?name } WHERE { ?s <http://schema.org/name> ?name } LIMIT 5',
    );
    await page.locator('.tabPanel.active .yasqe_queryButton').first().click();
    const rows = page.locator('.tabPanel.active .yasr table tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    expect(await rows.count()).toBe(5);
    expect(answers.at(-1)?.status).toBe(200);
    // YASGUI asks graphs as N-Triples.
    expect(answers.at(-1)?.type).toMatch(/^application\/n-triples/);
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
