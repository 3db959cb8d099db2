// `projectgraph validate`: check the records (structure, references, SHACL) and write nothing.
import { check } from '../pipeline.ts';
import { elapsedSeconds, printWarnings, warningCount, type Command } from './command.ts';
import { progressOn } from '../progress.ts';

export const validateCommand: Command = {
  usage: `projectgraph validate [--data DIR] [--shapes DIR]

  --data DIR    records to check (default: data)
  --shapes DIR  SHACL shapes (default: the shapes/ that ship with projectgraph)`,
  options: { data: { type: 'string', default: 'data' }, shapes: { type: 'string' } },
  async run(v) {
    const started = performance.now();
    const checked = await check({
      dataDir: String(v.data),
      ...(v.shapes ? { shapesDir: String(v.shapes) } : {}),
      progress: progressOn(),
    });
    printWarnings(checked.warnings);
    const statements = checked.mapped.reduce((n, m) => n + m.quads.length, 0);
    process.stdout.write(
      `valid: ${checked.records.records.length} records, ${statements} statements in ${elapsedSeconds(started)} s${warningCount(checked.warnings.length)}\n`,
    );
    return undefined;
  },
};
