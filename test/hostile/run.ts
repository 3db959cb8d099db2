// `npm run test:hostile`: runs the hostile suite with a fresh outcome log, then writes RELIABILITY.md from it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Outcome } from './reliability-log.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const log = path.join(mkdtempSync(path.join(tmpdir(), 'projectgraph-reliability-')), 'outcomes.jsonl');
writeFileSync(log, '');
const run = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/hostile'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, RELIABILITY_LOG: log },
});
if (run.status !== 0) {
  process.stderr.write('the hostile suite failed; RELIABILITY.md was not rewritten\n');
  process.exit(run.status ?? 1);
}

const outcomes = readFileSync(log, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Outcome)
  .sort((a, b) => a.area.localeCompare(b.area) || a.attack.localeCompare(b.attack));
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
writeFileSync(
  path.join(root, 'RELIABILITY.md'),
  `# Reliability: hostile input and faults

What the hostile suite (\`test/hostile/\`, part of \`npm test\`) tried, how many times, and what happened.
A row is written only after its test's assertions passed. Regenerate with \`npm run test:hostile\`.

| area | attack or fault | tries | outcome |
|---|---|---:|---|
${outcomes.map((o) => `| ${cell(o.area)} | ${cell(o.attack)} | ${o.tries} | ${cell(o.outcome)} |`).join('\n')}
`,
);
process.stdout.write(`RELIABILITY.md: ${outcomes.length} rows\n`);
