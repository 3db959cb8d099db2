// Worker threads that run our own modules: compiled JavaScript beside this file at run time (dist/), or the
// TypeScript sources through tsx when the sources themselves run (tests, development).
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InternalError } from './errors.ts';

// When this module is itself compiled JavaScript, its sibling modules are too.
const COMPILED = import.meta.url.endsWith('.js');

// Resolved only when the sources run: tsx is a development dependency and absent from an installed copy. The
// ESM build of tsx's API is needed; require.resolve gives the CommonJS one, so when import.meta.resolve is not
// available (as under the test runner) the ESM build's file is read from tsx's export map.
function tsxApi(): string {
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> };
  const file = exports['./esm/api']?.import.default;
  if (file === undefined) throw new InternalError(`${manifest} exports no ESM build of tsx/esm/api`);
  return pathToFileURL(path.join(path.dirname(manifest), file)).href;
}

/** Starts `module` (the URL of a module's .ts source) in a new worker thread. */
export function typescriptWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (COMPILED) return new Worker(new URL(module.href.replace(/\.ts$/, '.js')), options);
  const [api, href] = [JSON.stringify(tsxApi()), JSON.stringify(module.href)];
  const bootstrap = `import(${api}).then((tsx) => { tsx.register(); return import(${href}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
