// A page thread: reads the graph the site shows once, then renders and writes the share of the resources it is given.
import { createReadStream } from 'node:fs';
import { Parser, StreamParser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { sharingFactory } from '../terms.ts';
import { serveTasks } from '../workers/task-worker.ts';
import { DirectoryWriter } from './output-dir.ts';
import type { SiteShare } from './site.ts';
import {
  PAGE_PROGRESS_EVERY,
  writeShare,
  type PageWorkerJob,
  type PageWorkerProgress,
  type PageWorkerReply,
} from './pages.ts';

await serveTasks<PageWorkerJob, SiteShare, PageWorkerReply, undefined, PageWorkerProgress>(async (job) => {
  // Blank node labels are kept as written, so they equal those of the main thread's quads.
  const quads = await readNTriples(job.graphFile);
  for (const q of new Parser({ format: 'N-Triples', blankNodePrefix: '' }).parse(job.extra)) quads.push(q);
  const files = new DirectoryWriter(job.dir);
  const { dir: _dir, graphFile: _graphFile, extra: _extra, ...site } = job;
  return {
    run: async (share, report) => {
      // Counts go to the build's thread in groups, not one message a file.
      let unreported = 0;
      const reply = await writeShare({ ...site, quads }, share, files, (n) => {
        unreported += n;
        if (unreported < PAGE_PROGRESS_EVERY) return;
        report({ written: unreported });
        unreported = 0;
      });
      if (unreported > 0) report({ written: unreported });
      return reply;
    },
  };
});

/** Each IRI becomes one term object (sharingFactory), which keeps the thread's copy of the graph small. */
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
