// `projectgraph serve` as a user runs it: a missing build, a port in use and a corrupt dump are clear errors (exit 2), not crashes.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, buildTempOutput } from './support.ts';
import { stat } from 'node:fs/promises';
import { QueryPool } from '../../src/serve/worker-pool.ts';

function serve(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/projectgraph.js'), 'serve', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('projectgraph serve, when it cannot', () => {
  it('says so for a missing build, a port in use and a corrupt dump', { timeout: 180_000 }, async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'projectgraph-nobuild-'));
    const corrupt = await mkdtemp(path.join(tmpdir(), 'projectgraph-corrupt-'));
    await writeFile(path.join(corrupt, 'dataset.nq'), '<https://x.example/a> <https://x.example/b> .\n');
    const outDir = await buildTempOutput();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busyPort = (blocker.address() as AddressInfo).port;
    try {
      const [missing, inUse, broken] = await Promise.all([
        serve(['--out', empty, '--port', '0']),
        serve(['--out', outDir, '--port', String(busyPort)]),
        serve(['--out', corrupt, '--port', '0']),
      ]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/dataset\.nq does not exist: run "projectgraph build" first/);
      expect(inUse.code).toBe(2);
      expect(inUse.stderr).toContain(`port ${busyPort} on 127.0.0.1 is in use`);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/cannot load .*dataset\.nq: .*line 1/);
      // The store's own failure, said once.
      expect(broken.stderr.match(/cannot load/g)).toHaveLength(1);
      // A damaged build is no mistake on the command line: no usage text after it.
      expect(broken.stderr).toMatch(/rebuild it with "projectgraph build"\n$/);
      expect(broken.stderr).not.toContain('Usage:');
      for (const r of [missing, inUse, broken]) expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});

describe('projectgraph serve, while it starts', () => {
  it('says what it loads and how large before loading, and "ready at URL" once that URL answers', {
    timeout: 180_000,
  }, async () => {
    const outDir = await buildTempOutput();
    const size = (await stat(path.join(outDir, 'dataset.nq'))).size;
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin/projectgraph.js'), 'serve', '--out', outDir, '--port', '0', '--workers', '1'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    try {
      const deadline = Date.now() + 120_000;
      while (!/^ready at /m.test(stdout) && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      const [first, second] = stdout.split('\n');
      expect(first).toBe(
        `loading ${path.join(outDir, 'dataset.nq')} (${Math.round(size / 1024)} kB) into 1 query worker …`,
      );
      const ready =
        /^ready at (http:\/\/127\.0\.0\.1:\d+\/): serving .* \(([\d,]+) triples, loaded in [\d.]+ s\)$/.exec(
          second ?? '',
        );
      expect(ready, stdout).not.toBeNull();
      const res = await fetch(ready![1]!);
      expect(res.status).toBe(200);
      expect(Number(ready![2]!.replace(/,/g, ''))).toBeGreaterThan(100);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    }
  });

  it('tells how far the query workers have read the data file while they load it', { timeout: 120_000 }, async () => {
    const outDir = await buildTempOutput();
    const dataFile = path.join(outDir, 'dataset.nq');
    const seen: number[] = [];
    const { pool } = await QueryPool.start({
      outDir,
      workers: 1,
      queueLimit: 1,
      timeoutMs: 10_000,
      onLoading: (b) => seen.push(b),
    });
    await pool.close();
    expect(seen.length).toBeGreaterThan(0);
    // The store reads the named graphs, then the triple dump as its default graph.
    const both = (await stat(dataFile)).size + (await stat(path.join(outDir, 'dataset.nt'))).size;
    expect(Math.max(...seen)).toBeLessThanOrEqual(both);
    expect(Math.min(...seen)).toBeGreaterThan(0);
  });
});
