// `projectgraph build`: check the records and publish everything into the output directory.
import { collectSoonerForBuilds } from '../build/heap-growth.ts';
import { build } from '../pipeline.ts';
import { elapsedSeconds, printWarnings, warningCount, type Command } from './command.ts';
import { progressOn } from '../progress.ts';

export const buildCommand: Command = {
  usage: `projectgraph build [--data DIR] [--out DIR] [--shapes DIR]

  --data DIR    records to build (default: data)
  --out DIR     where to publish (default: output): a link to the build, switched in one step when the whole build
                succeeded; a folder that is not an earlier build's is refused (exit 2), a link of your own is
                followed; one build at a time (a second fails with exit 2, naming the lock)
  --shapes DIR  SHACL shapes (default: the shapes/ that ship with projectgraph)`,
  options: {
    data: { type: 'string', default: 'data' },
    out: { type: 'string', default: 'output' },
    shapes: { type: 'string' },
  },
  publishes: true,
  async run(v) {
    const started = performance.now();
    collectSoonerForBuilds();
    const progress = progressOn();
    const summary = await build({
      dataDir: String(v.data),
      outDir: String(v.out),
      ...(v.shapes ? { shapesDir: String(v.shapes) } : {}),
      progress,
    }).finally(() => progress.close());
    printWarnings(summary.warnings);
    for (const w of summary.leftovers) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(
      `built ${summary.records} records, ${summary.triples} triples, ${summary.files.length} files into ${String(v.out)} in ${elapsedSeconds(started)} s${warningCount(summary.warnings.length)}\n`,
    );
    return undefined;
  },
};
