#!/usr/bin/env node
// Entry point of the `projectgraph` command: runs the compiled CLI in dist/, which `npm install` and `npm ci` emit.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'projectgraph: dist/ is missing; run `npm install` (or `npm run compile`) in the project folder first\n',
  );
  process.exit(70);
}
const { runMain } = await import(cli.href);
await runMain(process.argv.slice(2));
