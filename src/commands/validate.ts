// `projectgraph validate`: check the records (structure, references, SHACL) and write nothing.
import { validateData } from '../pipeline.ts';
import { elapsedSeconds, printWarnings, warningCount, type Command } from './command.ts';
import { progressOn } from '../progress.ts';

export const validateCommand: Command = {
  usage: `projectgraph validate [--data DIR] [--shapes DIR]

  --data DIR    records to check (default: data)
  --shapes DIR  SHACL shapes (default: the shapes/ that ship with projectgraph)`,
  options: { data: { type: 'string', default: 'data' }, shapes: { type: 'string' } },
  async run(v) {
    const started = performance.now();
    const progress = progressOn();
    // A failure mid-stage ends the progress line before its error is printed.
    const checked = await validateData({
      dataDir: String(v.data),
      ...(v.shapes ? { shapesDir: String(v.shapes) } : {}),
      progress,
    }).finally(() => progress.close());
    printWarnings(checked.warnings);
    process.stdout.write(
      `valid: ${checked.records} records, ${checked.statements} statements in ${elapsedSeconds(started)} s${warningCount(checked.warnings.length)}\n`,
    );
    return undefined;
  },
};
