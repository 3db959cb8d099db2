// Global set-up of the test run: compiles src/ into dist/ first, so the CLI that tests start runs the code under test,
// and names the TypeScript loader that worker threads of the sources (started by tests in process) need.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SOURCE_LOADER_VARIABLE } from '../../src/typescript-worker.ts';

/** Set once the sources are compiled: each test project runs this set-up, and one compile serves them all. */
const COMPILED = 'PROJECTGRAPH_TEST_COMPILED';

export default function setup(): void {
  if (process.env[COMPILED] === '1') return;
  process.env[COMPILED] = '1';
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/compile.js', import.meta.url))], {
    stdio: 'inherit',
  });
  process.env[SOURCE_LOADER_VARIABLE] = new URL('./typescript-loader.mjs', import.meta.url).href;
}
