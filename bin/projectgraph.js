#!/usr/bin/env node
// Entry point of the `projectgraph` command: runs the TypeScript CLI through tsx, so no compile step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { runMain } = await import('../src/cli.ts');
await runMain(process.argv.slice(2));
