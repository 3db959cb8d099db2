// Global set-up of the test run: compiles src/ into dist/ first, so the CLI that tests start runs the code under test.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/compile.js', import.meta.url))], { stdio: 'inherit' });
}
