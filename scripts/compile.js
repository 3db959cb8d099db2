// Compiles src/ into dist/ for run time (npm's `prepare`): tsc emits the JavaScript, then the files that the code
// reads beside itself (JSON-LD context, stylesheet, importer config) are copied over.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
cpSync(src, dist, {
  recursive: true,
  // Directories pass; TypeScript sources and declarations stay behind, since tsc has emitted what they compile to.
  filter: (from) => !/\.m?ts$/.test(from),
});
