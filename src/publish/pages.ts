// Writes the site (siteFiles) into the staging directory: in this thread for small data, or split over worker
// threads for large data. Each worker reads the graph back from the dump the build has just written, so the
// main thread can let go of its own copy first, and renders every n-th resource.
import { availableParallelism } from 'node:os';
import { Writer } from 'n3';
import type { Quad } from '@rdfjs/types';
import { WorkerPool } from '../workers/pool.ts';
import { DirectoryWriter } from './output-dir.ts';
import { siteFiles, writeConcurrently, type SiteInput, type SiteShare } from './site.ts';

/** Small builds write their pages in their own thread: each page thread starts up and reads the whole graph first. */
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

/** Writes every site file in this thread; returns the file names in order. */
export async function writeSiteHere(input: SiteInput, dir: string): Promise<string[]> {
  const files = new DirectoryWriter(dir);
  const names: string[] = [];
  await writeConcurrently(siteFiles(input), (file) => {
    names.push(file.name);
    return files.write(file.name, file.content);
  });
  return names;
}

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
): Promise<string[]> {
  const workerData: PageWorkerJob = {
    ...job, dir, graphFile, extra: new Writer({ format: 'N-Triples' }).quadsToString(extra),
  };
  const pool = await WorkerPool.start<PageWorkerJob, SiteShare, PageWorkerReply>({
    module: WORKER_MODULE,
    name: 'page worker',
    workers: parts,
    workerData,
  });
  let replies: PageWorkerReply[];
  try {
    replies = await pool.runEach(Array.from({ length: parts }, (_, part) => ({ part, parts })));
  } finally {
    // On a failure the others are stopped before the build removes its staging directory, so none writes into it.
    await pool.close();
  }
  const all = replies.flatMap((r, w) => r.names.map((name, i) => ({ name, order: r.orders[i] as number, w, i })));
  // Stable within a resource: one thread made all of a resource's files, in order.
  all.sort((a, b) => a.order - b.order || a.w - b.w || a.i - b.i);
  return all.map((f) => f.name);
}
