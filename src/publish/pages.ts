// Writes the site (siteFiles) into the staging directory: in this thread for small data, or split over worker
// threads for large data. Each worker reads the graph back from the dump the build has just written, so the
// main thread can let go of its own copy first, and renders every n-th resource.
import { availableParallelism } from 'node:os';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Writer } from 'n3';
import type { Worker } from 'node:worker_threads';
import type { Quad } from '@rdfjs/types';
import { typescriptWorker } from '../typescript-worker.ts';
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

/** What a page thread is given. */
export interface PageWorkerJob extends SiteJob {
  dir: string;
  /** An N-Triples file holding the first graphs the site shows, in the order they are shown. */
  graphFile: string;
  /** N-Triples of the remaining graphs (vocabulary, catalogue, VoID), after those of graphFile. */
  extra: string;
  share: SiteShare;
}

export interface PageWorkerReply {
  names: string[];
  /** Each file's SiteFile.order, to put the threads' lists back in the order of one thread. */
  orders: number[];
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

/** A page thread's message while it works: files written since its last one (its final one is a PageWorkerReply). */
export interface PageWorkerProgress {
  written: number;
}

/** How many files a page thread writes between two progress messages. */
export const PAGE_PROGRESS_EVERY = 500;

const WORKER_MODULE = new URL('./page-worker.ts', import.meta.url);

/**
 * Writes every site file with `parts` worker threads; the site shows the quads of `graphFile` followed by `extra`.
 * Returns the file names in the order writeSiteHere gives them.
 */
export async function writeSiteInWorkers(
  job: SiteJob,
  dir: string,
  graphFile: string,
  extra: Quad[],
  parts: number,
  onFiles?: (n: number) => void,
): Promise<string[]> {
  const extraText = new Writer({ format: 'N-Triples' }).quadsToString(extra);
  collectGarbage();
  // A worker's heap limit is not the process's; each gets the limit this thread has (the bench raises it for 100,000 records).
  const maxOldGenerationSizeMb = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  const workers = Array.from({ length: parts }, (_, part) => {
    const workerData: PageWorkerJob = { ...job, dir, graphFile, extra: extraText, share: { part, parts } };
    return typescriptWorker(WORKER_MODULE, { workerData, resourceLimits: { maxOldGenerationSizeMb } });
  });
  let replies: PageWorkerReply[];
  try {
    replies = await Promise.all(workers.map((w) => replyOf(w, onFiles)));
  } catch (e) {
    // The others are stopped before the build removes its staging directory, so none writes into it afterwards.
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  const all = replies.flatMap((r, w) => r.names.map((name, i) => ({ name, order: r.orders[i] as number, w, i })));
  // Stable within a resource: one thread made all of a resource's files, in order.
  all.sort((a, b) => a.order - b.order || a.w - b.w || a.i - b.i);
  return all.map((f) => f.name);
}

function replyOf(worker: Worker, onFiles?: (n: number) => void): Promise<PageWorkerReply> {
  return new Promise((resolve, reject) => {
    let reply: PageWorkerReply | undefined;
    worker.on('message', (m: PageWorkerReply | PageWorkerProgress) => {
      if ('written' in m) onFiles?.(m.written);
      else reply = m;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (reply ? resolve(reply) : reject(new Error(`a page worker stopped (exit code ${code}) before it finished`))));
  });
}

/**
 * The caller has let go of its graph so the threads' copies need not sit beside it; but this thread allocates
 * next to nothing while they work, so V8 would not collect it. A full collection is asked for once, here,
 * so the build's peak holds the threads' copies without the dropped graph beside them (bench/README.md).
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
