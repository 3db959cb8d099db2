// Global set-up of the test run: every temporary directory of this run goes under one folder, removed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The run's folder, once made: each test project runs this set-up, and the first one's folder serves them all. */
const ROOT = 'PROJECTGRAPH_TEST_TEMP_ROOT';

/**
 * Tests, the CLI they start and the servers, browsers and stores those start all take their scratch space
 * from os.tmpdir(), which follows TMPDIR. Pointing TMPDIR at a folder of this run before the test processes
 * fork means one removal cleans up after all of them, also after a test that failed half way.
 */
export default function setup(): () => void {
  if (process.env[ROOT] !== undefined) return () => {};
  const root = mkdtempSync(path.join(tmpdir(), 'projectgraph-test-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  process.env[ROOT] = root;
  return () => {
    delete process.env[ROOT];
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
