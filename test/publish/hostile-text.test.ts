// Text that would inject markup or end a <script> block, built and opened in Debian's chromium: shown as text, no script runs, JSON-LD intact.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'http-server';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/pipeline.ts';
import { EPOCH, ROOT, exportedSite, jsonLdBlocks, listFiles } from './support.ts';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'publish-hostile-text');
const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '</script><script>alert(1)</script>';
const CHROMIUM = '/usr/bin/chromium';

let out: string;
let pages: string[];
let origin: string;
let closeServer: () => void;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-hostile-'));
  // The pages are the build's export (export-site): the build writes no pages.
  const published = path.join(dir, 'output');
  await build({ dataDir: FIXTURE, outDir: published, sourceDateEpoch: EPOCH });
  out = await exportedSite(published, FIXTURE);
  pages = (await listFiles(out)).filter((f) => f.endsWith('.html'));
  const server = createServer({ root: out, ext: 'html', cache: -1, showDir: 'false', logFn: () => {} });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  closeServer = () => server.close();
  if (!existsSync(CHROMIUM))
    throw new Error(`Debian's chromium is needed at ${CHROMIUM} (apt-get install chromium); .ci/run installs it`);
  profile = await mkdtemp(path.join(tmpdir(), 'projectgraph-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // A flag any alert() would set, besides the dialog event itself.
  await context.addInitScript(() => {
    const w = window as unknown as { __alerted: boolean; alert: (m?: unknown) => void };
    w.__alerted = false;
    const original = w.alert.bind(window);
    w.alert = (m?: unknown) => {
      w.__alerted = true;
      original(m);
    };
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  closeServer?.();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('hostile text in the data', () => {
  it('builds, with the text escaped in every page', async () => {
    expect(pages.length).toBeGreaterThan(10);
    for (const f of pages) {
      const html = await readFile(path.join(out, f), 'utf8');
      expect(html, f).not.toContain(IMG);
      expect(html, f).not.toContain('<script>alert(1)');
      // Exactly one script element, the JSON-LD, closed once.
      expect(html.match(/<script/g), f).toHaveLength(1);
      expect(html.match(/<\/script>/g), f).toHaveLength(1);
    }
  });

  it('keeps the text intact in the embedded JSON-LD', async () => {
    const html = await readFile(path.join(out, 'project/hostile-project.html'), 'utf8');
    const json = JSON.parse(jsonLdBlocks(html)[0]!) as {
      '@graph': { name?: { '@value': string }; alternateName?: { '@value': string } }[];
    };
    const project = json['@graph'][0]!;
    expect(project.name?.['@value']).toBe(IMG);
    expect(project.alternateName?.['@value']).toBe(SCRIPT);
  });

  it('shows it as text in chromium, runs no script and loads no image on any page', async () => {
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    for (const f of pages) {
      const url = `${origin}/${f === 'index.html' ? '' : f.replace(/\.html$/, '')}`;
      const res = await page.goto(url, { waitUntil: 'load' });
      expect(res?.status(), f).toBe(200);
      const state = await page.evaluate(() => ({
        alerted: (window as unknown as { __alerted: boolean }).__alerted,
        images: document.querySelectorAll('img').length,
        scripts: [...document.querySelectorAll('script')].map((s) => s.type),
        text: document.body.innerText,
      }));
      expect(state.alerted, f).toBe(false);
      expect(state.images, f).toBe(0);
      expect(state.scripts, f).toEqual(['application/ld+json']);
      // Every page shows the site's hostile name as plain text in its header.
      expect(state.text, f).toContain('Projecten <img src=x onerror=alert(1)>');
    }
    await page.goto(`${origin}/project/hostile-project`);
    expect(await page.locator('h1').innerText()).toBe(IMG);
    expect(await page.locator('main').innerText()).toContain(SCRIPT);
    await page.goto(`${origin}/organisation/hostile-organisation`);
    expect(await page.locator('h1').innerText()).toBe(SCRIPT);
    expect(dialogs).toEqual([]);
    await page.close();
  }, 60_000);
});
