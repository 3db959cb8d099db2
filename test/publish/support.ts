// Helpers for the publish tests: build real or fixture data into a temp dir, read pages and their embedded JSON-LD.
import { cp, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { build, DEFAULT_SHAPES_DIR, type BuildSummary } from '../../src/pipeline.ts';
import { exportSite } from '../../src/site/export-site.ts';
import { readRecords } from '../../src/ingest/read-records.ts';
import { downloadsOf } from '../../src/publish/downloads.ts';
import { sortedGraph } from '../../src/publish/graph.ts';
import { readSiteDocuments } from '../../src/publish/site-documents.ts';
import { siteFiles } from '../../src/publish/site.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATA = path.join(ROOT, 'data');
export const CONFORMANCE = path.join(ROOT, 'test', 'conformance');
/** 2025-11-26T00:00:00Z: a fixed SOURCE_DATE_EPOCH so dates in the output are known. */
export const EPOCH = '1764115200';
export const EPOCH_DATE = '2025-11-26';

export interface Built {
  dir: string;
  out: string;
  data: string;
  summary: BuildSummary;
}

/** Copies data/ to a temp dir (so no git history reaches it), lets `edit` change it, and builds it. */
/** `epoch` null builds without SOURCE_DATE_EPOCH (and, the copy being outside git, without any date). */
export async function buildCopy(
  edit?: (dataDir: string) => Promise<void>,
  epoch: string | null = EPOCH,
): Promise<Built> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-publish-'));
  const data = path.join(dir, 'data');
  await cp(DATA, data, { recursive: true });
  if (edit) await edit(data);
  const out = path.join(dir, 'output');
  // An empty string stands for "unset", so SOURCE_DATE_EPOCH from the test's environment cannot leak in.
  const summary = await build({ dataDir: data, outDir: out, sourceDateEpoch: epoch ?? '' });
  return { dir, out, data, summary };
}

/**
 * The static site of the build published at `out`, as `projectgraph export-site` writes it into `site` beside it
 * (the build itself writes no pages): pages, their .ttl and .jsonld, and the build's own files.
 */
export async function exportedSite(out: string, data: string): Promise<string> {
  const site = path.join(path.dirname(out), 'site');
  await exportSite({ from: out, out: site, dataDir: data, shapesDir: DEFAULT_SHAPES_DIR });
  return site;
}

/**
 * The site as the build wrote it before it became an export: every file publish/site.ts makes from the whole graph
 * in memory (the dump, then the catalogue and VoID, each sorted), by name. The reference the server's pages and the
 * export are held to.
 */
export async function wholeGraphSite(out: string, data: string, base: string): Promise<Map<string, string>> {
  // In sorted order, as the static site was always made: the dump's own order is graph by graph.
  const nt = new Parser({ format: 'N-Triples' }).parse(await readFile(path.join(out, 'dataset.nt'), 'utf8'));
  const quads = sortedGraph(nt).quads;
  const documents = await readSiteDocuments(out);
  const after = [...sortedGraph(documents.catalog).quads, ...sortedGraph(documents.void).quads];
  const dataset = (await readRecords(data)).dataset.data;
  const downloads = downloadsOf(base, documents.catalog);
  const files = new Map<string, string>();
  for await (const f of siteFiles({ base, dataset, quads: [...quads, ...after], downloads, date: undefined })) {
    files.set(f.name, f.content);
  }
  return files;
}

/** Every file under `dir`, as paths relative to it with forward slashes, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

export async function parseRdf(file: string, format = 'text/turtle'): Promise<Quad[]> {
  return new Parser({ format }).parse(await readFile(file, 'utf8'));
}

/** The text of each <script type="application/ld+json"> block of a page. */
export function jsonLdBlocks(page: string): string[] {
  return [...page.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
}
