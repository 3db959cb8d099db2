// Merges the parts of separate bench runs (`--out FILE`) into bench/results.json: each part replaces the one of the run
// with the same record count, `mergedParts` records when, and the targets are judged again over the merged runs.
import { readFile, writeFile } from 'node:fs/promises';
import { type Run, targets } from './targets.ts';

interface Results {
  runs: (Run & { mergedParts?: Record<string, string> })[];
  targets: unknown;
  [key: string]: unknown;
}

const [into, ...files] = process.argv.slice(2);
if (into === undefined || files.length === 0) {
  process.stderr.write('usage: node --import tsx bench/merge.ts bench/results.json RUN.json...\n');
  process.exit(2);
}
const results = JSON.parse(await readFile(into, 'utf8')) as Results;
for (const file of files) {
  const other = JSON.parse(await readFile(file, 'utf8')) as Results & { generatedAt: string };
  for (const run of other.runs) {
    const target = results.runs.find((r) => r.records === run.records);
    if (target === undefined) {
      results.runs.push(run);
      continue;
    }
    const parts = Object.keys(run).filter((k) => !['records', 'triples', 'generateSec', 'prepared'].includes(k));
    for (const part of parts)
      (target as unknown as Record<string, unknown>)[part] = (run as unknown as Record<string, unknown>)[part];
    target.mergedParts = { ...target.mergedParts, [parts.join(',')]: other.generatedAt };
  }
}
// targets() judges the largest run last, as bench/run.ts orders them.
results.runs.sort((a, b) => a.records - b.records);
results.targets = targets(results.runs);
await writeFile(into, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`merged ${files.length} run(s) into ${into}\n`);
