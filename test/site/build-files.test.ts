// What the build must go on writing when it writes no pages: the stylesheet, the sitemap and robots.txt, the same
// bytes as the site's files of today, from the subjects of the published statements alone.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parser } from 'n3';
import { build } from '../../src/pipeline.ts';
import { readSiteDocuments } from '../../src/publish/site-documents.ts';
import { buildSiteFiles, pageIris } from '../../src/site/build-files.ts';
import { workspaceWithRealData } from '../support/project.ts';

const BASE = 'https://projectgraph.example/';

describe('the site files the build writes', () => {
  let ws: string;
  let out: string;
  beforeAll(async () => {
    ws = await workspaceWithRealData();
    out = path.join(ws, 'output');
    await build({ dataDir: path.join(ws, 'data'), outDir: out, sourceDateEpoch: '1790000000' });
  }, 120_000);
  afterAll(() => rm(ws, { recursive: true, force: true }));

  it("equal the build's style.css, sitemap.xml and robots.txt, from the dump's, catalogue's and VoID's subjects", async () => {
    const dump = new Parser({ format: 'N-Triples' }).parse(await readFile(path.join(out, 'dataset.nt'), 'utf8'));
    const documents = await readSiteDocuments(out);
    const subjects = [...dump, ...documents.catalog, ...documents.void].map((q) => q.subject.value);
    const pages = pageIris(BASE, subjects);
    expect(pages.length).toBeGreaterThan(30);
    expect(pages).not.toContain(BASE);
    expect(pages).not.toContain(`${BASE}sparql`);
    const files = [...buildSiteFiles(BASE, pages, '2026-09-21')];
    expect(files.map((f) => f.name)).toEqual(['style.css', 'sitemap.xml', 'robots.txt']);
    for (const f of files) expect(f.content, f.name).toBe(await readFile(path.join(out, f.name), 'utf8'));
  });
});
