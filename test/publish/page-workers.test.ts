// Pages written by worker threads (large builds) are byte for byte those written in the build's own thread.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { build } from '../../src/pipeline.ts';
import { PAGE_WORKERS_FROM_RECORDS, pageWorkerCount, writeSiteInWorkers } from '../../src/publish/pages.ts';
import { readRecords } from '../../src/ingest/read-records.ts';
import { DATA, EPOCH, listFiles } from './support.ts';

async function buildWith(data: string, pageWorkers: number) {
  const out = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-page-workers-')), 'output');
  const summary = await build({ dataDir: data, outDir: out, sourceDateEpoch: EPOCH, pageWorkers });
  return { out, summary };
}

async function expectSameTree(a: string, b: string): Promise<string[]> {
  const files = await listFiles(a);
  expect(await listFiles(b)).toEqual(files);
  for (const f of files)
    expect((await readFile(path.join(b, f))).equals(await readFile(path.join(a, f))), f).toBe(true);
  return files;
}

describe('pages in worker threads', () => {
  it('are byte-identical to pages made in one thread, for 300 synthetic records, with the same file list', async () => {
    const data = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-page-workers-data-')), 'data');
    await generate(data, 300, 11);
    const here = await buildWith(data, 0);
    const threads = await buildWith(data, 3);
    const files = await expectSameTree(here.out, threads.out);
    expect(files.length).toBeGreaterThan(3000);
    expect(threads.summary.files).toEqual(here.summary.files);
    expect(threads.summary.triples).toBe(here.summary.triples);
    expect(here.summary.pageThreads).toBe(1);
    expect(threads.summary.pageThreads).toBe(3);
  }, 180_000);

  it('are byte-identical for the real data too', async () => {
    const here = await buildWith(DATA, 0);
    const threads = await buildWith(DATA, 2);
    await expectSameTree(here.out, threads.out);
    expect(threads.summary.files).toEqual(here.summary.files);
  }, 60_000);

  it('fail the step, naming the cause, when a thread cannot read the graph', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-page-workers-fail-'));
    const job = {
      base: 'https://projectgraph.example/',
      dataset: (await readRecords(DATA)).dataset.data,
      downloads: [],
      date: undefined,
    };
    const missing = path.join(dir, 'missing.nt');
    await expect(writeSiteInWorkers({ ...job, quads: [] }, dir, missing, [], 2)).rejects.toThrow(/missing\.nt/);
  });

  it('are used from 2,000 records on, never for small data', () => {
    expect(pageWorkerCount(13)).toBe(0);
    expect(pageWorkerCount(PAGE_WORKERS_FROM_RECORDS - 1)).toBe(0);
    expect(pageWorkerCount(PAGE_WORKERS_FROM_RECORDS)).toBeGreaterThanOrEqual(1);
  });
});
