// Test helpers: run the real CLI in a child process, make throwaway data directories, read RDF files as graphs.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';
import jsonld from 'jsonld';
import type { Quad } from '@rdfjs/types';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'projectgraph.js');
export const DATA = path.join(ROOT, 'data');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `projectgraph <args>` as a user would, in `cwd`. */
export function runCli(args: string[], cwd: string): Promise<CliResult> {
  return runNode([BIN, ...args], cwd);
}

/** Runs Node with `args` in `cwd` and collects its exit code and output. */
export function runNode(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stderr without the progress lines a build prints once it has run longer than a second (a loaded machine's builds do). */
export function withoutProgress(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('… '))
    .join('\n');
}

/** A fresh temp directory holding a copy of the project's real data/ as `data/`. */
export async function workspaceWithRealData(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-'));
  await cp(DATA, path.join(dir, 'data'), { recursive: true });
  return dir;
}

export async function parseTurtleFile(file: string, format = 'text/turtle'): Promise<Quad[]> {
  return new Parser({ format }).parse(await readFile(file, 'utf8'));
}

export async function parseJsonLdFile(file: string): Promise<Quad[]> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as object;
  const nquads = (await jsonld.toRDF(doc, {
    format: 'application/n-quads',
    documentLoader: async (url: string) => {
      throw new Error(`test must not fetch ${url}`);
    },
  })) as unknown as string;
  return new Parser({ format: 'application/n-quads' }).parse(nquads);
}

/**
 * What the build keeps beside `output/` in `dir`: `.output.builds` and its builds (the current and the one before),
 * plus anything a build left behind (staging folders, locks), so tests can assert that nothing was left.
 */
export async function besideOutput(dir: string, name = 'output'): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const found: string[] = [];
  for (const e of (await readdir(dir)).sort()) {
    if (!e.startsWith(`.${name}`)) continue;
    found.push(e);
    const inner = await readdir(path.join(dir, e)).catch(() => []);
    for (const f of inner.sort()) found.push(`${e}/${f}`);
  }
  return found;
}
