// Starts worker threads of our own modules: the compiled JavaScript beside this file when it runs compiled (dist/),
// or the TypeScript source when the sources themselves run (tests, benchmarks), through the loader such runs name.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { InternalError } from './errors.ts';

// When this module is itself compiled JavaScript, its sibling modules are too.
const COMPILED = import.meta.url.endsWith('.js');

/**
 * A run of the sources names, in this variable, a module that registers a TypeScript loader in the thread that
 * imports it; each worker imports it before its own module. An installed copy never needs it: it runs dist/.
 */
export const SOURCE_LOADER_VARIABLE = 'PROJECTGRAPH_TS_LOADER';

/** Starts `module` (the URL of a module's .ts source) in a new worker thread. */
export function typescriptWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (COMPILED) return new Worker(new URL(module.href.replace(/\.ts$/, '.js')), options);
  const loader = process.env[SOURCE_LOADER_VARIABLE];
  if (!loader) {
    throw new InternalError(
      `the TypeScript sources are running, but ${SOURCE_LOADER_VARIABLE} names no loader for their worker threads: ` +
        'point it at test/support/typescript-loader.mjs, or run the compiled code in dist/',
    );
  }
  const bootstrap = `import(${JSON.stringify(loader)}).then(() => import(${JSON.stringify(module.href)}));`;
  return new Worker(bootstrap, { ...options, eval: true });
}
