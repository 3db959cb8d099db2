// Writes the site (siteFiles) into the staging directory: in this thread for small data, or split into shares for
// large data: this thread renders one from its own graph, and each worker thread of a pool reads the graph back
// from the dump the build has just written and renders another.
import { availableParallelism } from 'node:os';
import { Writer } from 'n3';
import type { Quad } from '@rdfjs/types';
import { WorkerPool } from '../workers/pool.ts';
import { DirectoryWriter } from './output-dir.ts';
import { siteFiles, writeConcurrently, type SiteInput, type SiteShare } from './site.ts';

/**
 * Small builds write their pages in their own thread: each page thread first loads the code and reads the whole
 * graph, which costs more than the threads save until a build has about this many records (bench/README.md).
 */
export const PAGE_WORKERS_FROM_RECORDS = 2_000;

/** Page threads for a build of `records` records: one per core (at most 4) for large data, none for small. */
export function pageWorkerCount(records: number): number {
  return records < PAGE_WORKERS_FROM_RECORDS ? 0 : Math.min(4, availableParallelism());
}

export type SiteJob = Omit<SiteInput, 'quads'>;

/** What a page thread is given when it starts; its task is then its share of the resources. */
export interface PageWorkerJob extends SiteJob {
  dir: string;
  /** An N-Triples file holding the first graphs the site shows, in the order they are shown. */
  graphFile: string;
  /** N-Triples of the remaining graphs (vocabulary, catalogue, VoID), after those of graphFile. */
  extra: string;
}

export interface PageWorkerReply {
  names: string[];
  /** Each file's SiteFile.order, to put the threads' lists back in the order of one thread. */
  orders: number[];
}

/** Writes one share of the site files; what it wrote, as a page thread replies it. `onFiles` counts the files. */
export async function writeShare(
  input: SiteInput,
  share: SiteShare,
  files: DirectoryWriter,
  onFiles?: (n: number) => void,
): Promise<PageWorkerReply> {
  const reply: PageWorkerReply = { names: [], orders: [] };
  await writeConcurrently(siteFiles(input, share), async (file) => {
    reply.names.push(file.name);
    reply.orders.push(file.order);
    await files.write(file.name, file.content);
    onFiles?.(1);
  });
  return reply;
}

/** Writes every site file in this thread; returns the file names in order. `onFiles` counts the files written. */
export async function writeSiteHere(input: SiteInput, dir: string, onFiles?: (n: number) => void): Promise<string[]> {
  const files = new DirectoryWriter(dir);
  const names: string[] = [];
  await writeConcurrently(siteFiles(input), async (file) => {
    names.push(file.name);
    await files.write(file.name, file.content);
    onFiles?.(1);
  });
  return names;
}

/** A page thread's progress report while it writes its share: files written since its last one. */
export interface PageWorkerProgress {
  written: number;
}

/** How many files a page thread writes between two progress messages. */
export const PAGE_PROGRESS_EVERY = 500;

const WORKER_MODULE = new URL('./page-worker.ts', import.meta.url);

/**
 * Writes every site file in `parts` shares: share 0 in this thread from `input`, the others in worker threads, which
 * read the quads of `graphFile` followed by `extra` (the same as input.quads). This thread renders instead of
 * waiting: its graph is in use, not garbage beside the threads' copies, and there is one copy fewer.
 * Returns the file names in the order writeSiteHere gives them.
 */
export async function writeSiteInWorkers(
  input: SiteInput,
  dir: string,
  graphFile: string,
  extra: Quad[],
  parts: number,
  onFiles?: (n: number) => void,
): Promise<string[]> {
  const { quads: _quads, ...job } = input;
  const workerData: PageWorkerJob = {
    ...job,
    dir,
    graphFile,
    extra: new Writer({ format: 'N-Triples' }).quadsToString(extra),
  };
  const shares = Array.from({ length: parts }, (_, part) => ({ part, parts }));
  const pool = WorkerPool.start<PageWorkerJob, SiteShare, PageWorkerReply, undefined, PageWorkerProgress>({
    module: WORKER_MODULE,
    name: 'page worker',
    workers: parts - 1,
    workerData,
  });
  const here = writeShare(input, { part: 0, parts }, new DirectoryWriter(dir), onFiles);
  const onProgress = (m: PageWorkerProgress) => onFiles?.(m.written);
  const there = pool.then((p) => p.runEach(shares.slice(1), { onProgress }));
  // Each side ends before the step fails, so nothing writes into the staging directory after the build removes it.
  const [mine, theirs] = await Promise.allSettled([here, there]);
  await pool.then(
    (p) => p.close(),
    () => undefined,
  );
  if (mine.status === 'rejected') throw mine.reason;
  if (theirs.status === 'rejected') throw theirs.reason;
  const replies = [mine.value, ...theirs.value];
  const all = replies.flatMap((r, w) => r.names.map((name, i) => ({ name, order: r.orders[i] as number, w, i })));
  // Stable within a resource: one thread made all of a resource's files, in order.
  all.sort((a, b) => a.order - b.order || a.w - b.w || a.i - b.i);
  return all.map((f) => f.name);
}
