// Writes RELIABILITY.md from the outcomes the hostile tests logged in this run (see reliability-log.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Outcome } from './reliability-log.ts';

const log = process.env.RELIABILITY_LOG;
if (!log) throw new Error('RELIABILITY_LOG must name the log the hostile tests wrote');
const outcomes = readFileSync(log, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Outcome)
  .sort((a, b) => a.area.localeCompare(b.area) || a.attack.localeCompare(b.attack));
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const rows = outcomes.map((o) => `| ${cell(o.area)} | ${cell(o.attack)} | ${o.tries} | ${cell(o.outcome)} |`);
const root = fileURLToPath(new URL('../../', import.meta.url));
writeFileSync(
  path.join(root, 'RELIABILITY.md'),
  `# Reliability: hostile input and faults

What the hostile suite (\`test/hostile/\`, part of \`npm test\`) tried, how many times, and what happened.
Every row is written only after its test's assertions passed. Regenerate with \`npm run test:hostile\`.

| area | attack or fault | tries | outcome |
|---|---|---:|---|
${rows.join('\n')}
`,
);
process.stdout.write(`RELIABILITY.md: ${outcomes.length} rows\n`);
