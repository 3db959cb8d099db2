// A page thread: reads the graph the site shows, then renders and writes its share of the resources (pages.ts).
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DataFactory, Parser, StreamParser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { DirectoryWriter } from './output-dir.ts';
import { siteFiles, writeConcurrently } from './site.ts';
import { PAGE_PROGRESS_EVERY, type PageWorkerJob, type PageWorkerProgress, type PageWorkerReply } from './pages.ts';

const port = parentPort;
if (!port) throw new Error('page-worker.ts runs only as a worker thread');
const job = workerData as PageWorkerJob;

// Blank node labels are kept as written, so they equal those of the main thread's quads.
const quads = await readNTriples(job.graphFile);
for (const q of new Parser({ format: 'N-Triples', blankNodePrefix: '' }).parse(job.extra)) quads.push(q);
const files = new DirectoryWriter(job.dir);
const reply: PageWorkerReply = { names: [], orders: [] };
const { dir: _dir, graphFile: _graphFile, extra: _extra, share, ...site } = job;
let unreported = 0;
await writeConcurrently(siteFiles({ ...site, quads }, share), async (file) => {
  reply.names.push(file.name);
  reply.orders.push(file.order);
  await files.write(file.name, file.content);
  if (++unreported >= PAGE_PROGRESS_EVERY) {
    port.postMessage({ written: unreported } satisfies PageWorkerProgress);
    unreported = 0;
  }
});
port.postMessage({ written: unreported } satisfies PageWorkerProgress);
port.postMessage(reply);

/**
 * Each IRI becomes one term object, however often it occurs: a subject is named in every statement about it and a
 * keyword in every project that has it, so this keeps the thread's copy of a large graph a fraction of the size.
 */
function sharingFactory(): typeof DataFactory {
  const iris = new Map<string, ReturnType<typeof DataFactory.namedNode>>();
  const namedNode = (iri: string) => {
    let term = iris.get(iri);
    if (term === undefined) iris.set(iri, (term = DataFactory.namedNode(iri)));
    return term;
  };
  return { ...DataFactory, namedNode } as typeof DataFactory;
}

function readNTriples(file: string): Promise<Quad[]> {
  return new Promise((resolve, reject) => {
    const out: Quad[] = [];
    createReadStream(file)
      .on('error', reject)
      .pipe(new StreamParser({ format: 'N-Triples', blankNodePrefix: '', factory: sharingFactory() }))
      .on('data', (q: Quad) => out.push(q))
      .on('error', reject)
      .on('end', () => resolve(out));
  });
}
