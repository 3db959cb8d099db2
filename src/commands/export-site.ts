// `projectgraph export-site`: write the published build's static site (pages, their data, the build's files) into a
// folder, rewriting only the files whose bytes changed since the last export there.
import { DEFAULT_SHAPES_DIR } from '../pipeline.ts';
import { progressOn } from '../progress.ts';
import { exportSite } from '../site/export-site.ts';
import { UsageError } from '../errors.ts';
import { elapsedSeconds, type Command } from './command.ts';

export const exportSiteCommand: Command = {
  usage: `projectgraph export-site --out DIR [--from OUTPUT] [--data DIR] [--shapes DIR]

  --out DIR      the folder to write the site into: new, empty, or an earlier export (it holds
                 .projectgraph-export.json); any other folder is refused (exit 2). Only files whose bytes changed
                 are rewritten, and files of resources that are gone are removed; no other file is touched
  --from OUTPUT  the published build to export (default: output)
  --data DIR     the records' folder, which the export may not be or lie inside (default: data)
  --shapes DIR   the shapes' folder, likewise (default: the shapes/ that ship with projectgraph)`,
  options: {
    out: { type: 'string' },
    from: { type: 'string', default: 'output' },
    data: { type: 'string', default: 'data' },
    shapes: { type: 'string' },
  },
  async run(v) {
    if (typeof v.out !== 'string' || v.out === '')
      throw new UsageError('--out DIR is required: the folder to export into');
    const started = performance.now();
    const progress = progressOn();
    const report = await exportSite({
      from: String(v.from),
      out: v.out,
      dataDir: String(v.data),
      shapesDir: typeof v.shapes === 'string' ? v.shapes : DEFAULT_SHAPES_DIR,
      progress,
    }).finally(() => progress.close());
    const unchanged = report.files.length - report.written.length;
    process.stdout.write(
      `exported ${report.files.length} files of ${report.build} into ${v.out} in ${elapsedSeconds(started)} s: ` +
        `${report.written.length} written, ${unchanged} unchanged, ${report.removed.length} removed\n`,
    );
    return undefined;
  },
};
