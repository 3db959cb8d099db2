// Worker threads that run our TypeScript modules: the tsx hook is registered inside the new thread, as the CLI does.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// The ESM build of tsx's API is needed; require.resolve would give the CommonJS one, so its path is adjusted when
// import.meta.resolve is not available (as under the test runner).
const TSX_API =
  typeof import.meta.resolve === 'function'
    ? import.meta.resolve('tsx/esm/api')
    : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;

/** Starts `module` (a .ts file's URL) in a new worker thread. */
export function typescriptWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const bootstrap = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
