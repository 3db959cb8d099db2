// `projectgraph serve`: the SPARQL endpoint, the query page and the dereferenceable IRIs over the published output,
// following each new build without a restart.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { startServer, type RunningServer } from '../serve/server.ts';
import { StoreLoadFailure } from '../store/store.ts';
import { DEFAULT_MAX_QUERY_BYTES } from '../serve/admission.ts';
import { UsageError } from '../errors.ts';
import { repairOutput } from '../publish/output-dir.ts';
import type { Command } from './command.ts';
import { progressOn, type StageProgress } from '../progress.ts';

function positiveNumber(value: unknown, name: string, integer = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${String(value)}"`);
  return n;
}

export const serveCommand: Command = {
  usage: `projectgraph serve [--out DIR] [--port N] [--host H] [--timeout SECONDS] [--max-rows N] [--workers N] [--worker-memory MB]
                 [--max-query-bytes N] [--store URL] [--allow-service URL]...

  --out DIR          the published output to serve (default: output)
  --port N           port to listen on (default: 3000; 0 picks a free one)
  --host H           address to listen on (default: 127.0.0.1)
  --timeout SECONDS  time limit of one query (default: 10)
  --max-rows N       most rows one query returns (default: 10000)
  --workers N        queries evaluated at once, each in its own thread with its own copy of the store (default: 2)
  --worker-memory MB heap limit of each worker; a query that needs more fails alone (default: sized from the data
                     and the machine's memory)
  --max-query-bytes N  longest query text accepted; longer ones get 413 before they are parsed (default: 65536)
  --store URL        answer queries from this SPARQL endpoint of an external store (filled by "projectgraph push")
                     instead of memory; same policy and limits, and --workers queries sent to it at once
  --allow-service URL  a SPARQL endpoint that SERVICE in a query may name (repeatable); no other is ever contacted`,
  options: {
    out: { type: 'string', default: 'output' },
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    timeout: { type: 'string', default: '10' },
    'max-rows': { type: 'string', default: '10000' },
    workers: { type: 'string', default: '2' },
    'worker-memory': { type: 'string' },
    'max-query-bytes': { type: 'string', default: String(DEFAULT_MAX_QUERY_BYTES) },
    store: { type: 'string' },
    'allow-service': { type: 'string', multiple: true },
  },
  async run(v) {
    const port = Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be 0–65535, got "${String(v.port)}"`);
    // A build killed while it moved an older output folder aside leaves no output: put the link back first.
    if (v.store === undefined) {
      const repaired = await repairOutput(String(v.out));
      if (repaired) process.stderr.write(`${repaired}\n`);
    }
    const dataFile = path.join(String(v.out), 'dataset.nq');
    if (v.store === undefined && !existsSync(dataFile))
      throw new UsageError(`${dataFile} does not exist: run "projectgraph build" first, or point --out at a build`);
    const workers = positiveNumber(v.workers, 'workers', true);
    const started = performance.now();
    // Said before the load, which takes a while on a large build: what is loaded, how large, into how many copies.
    let loading: StageProgress | undefined;
    if (v.store === undefined) {
      // The named graphs; the default graph is their union, each statement once.
      const bytes = statSync(dataFile).size;
      const into = `${workers} query worker${workers === 1 ? '' : 's'}`;
      process.stdout.write(`loading ${dataFile} (${megabytes(bytes)}) into ${into} …\n`);
      loading = progressOn().stage('loading the store', { bytes: true, total: bytes });
    } else {
      process.stdout.write(`connecting to the store at ${String(v.store)} …\n`);
    }
    let furthest = 0;
    let running: RunningServer;
    try {
      running = await startServer({
        outDir: String(v.out),
        host: String(v.host),
        port,
        timeoutSeconds: positiveNumber(v.timeout, 'timeout'),
        maxRows: positiveNumber(v['max-rows'], 'max-rows', true),
        workers,
        maxQueryBytes: positiveNumber(v['max-query-bytes'], 'max-query-bytes', true),
        ...(v['worker-memory'] !== undefined
          ? { workerMemoryMb: positiveNumber(v['worker-memory'], 'worker-memory', true) }
          : {}),
        ...(typeof v.store === 'string' ? { store: v.store } : {}),
        allowService: allowServices(v['allow-service']),
        onSwitch: (info, via, ms) => {
          const how = via === 'change-set' ? 'by its change set' : 'by loading it whole';
          const triples = info.size.toLocaleString('en-GB');
          process.stdout.write(`moved to the new build ${how} in ${(ms / 1000).toFixed(1)} s (${triples} triples)\n`);
        },
        onLoading: (bytes) => {
          furthest = Math.max(furthest, bytes);
          loading?.set(furthest);
        },
      });
      loading?.end();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new UsageError(`port ${port} on ${String(v.host)} is in use: choose another with --port`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
        throw new UsageError(`cannot listen on ${String(v.host)}: no such local address`);
      // A build or store that cannot be loaded is no mistake on the command line: said without the usage.
      if (e instanceof StoreLoadFailure && v.store === undefined && e.rebuildHelps)
        throw new StoreLoadFailure(e.file, `${e.detail}; rebuild it with "projectgraph build"`, e.cause, true);
      throw e;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const triples = running.info.size.toLocaleString('en-GB');
    process.stdout.write(
      `ready at ${running.url}: serving ${String(v.out)} (${triples} triples, loaded in ${seconds} s)\n` +
        `  home:         ${running.url}\n` +
        `  SPARQL:       ${running.sparqlUrl}\n` +
        `  query page:   ${running.sparqlUrl} (in a browser)\n` +
        (running.baseIri ? `  resources:    ${running.url}<path> for each IRI ${running.baseIri}<path>\n` : '') +
        'Stop with Ctrl-C or SIGTERM.\n',
    );
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.stderr.write(`${signal}: finishing running requests, then stopping\n`);
        running.close().then(resolve, resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return undefined;
  },
};

/** The allow-listed SERVICE endpoints: absolute http(s) URLs, as a query names them. */
function allowServices(values: unknown): string[] {
  const list = Array.isArray(values) ? values.map(String) : [];
  for (const value of list) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`--allow-service takes an absolute URL of a SPARQL endpoint, got "${value}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--allow-service takes an http or https URL, got "${value}"`);
  }
  return list;
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
