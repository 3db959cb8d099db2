// `projectgraph serve` as a user runs it: a missing build, a port in use and a corrupt dump are clear errors (exit 2), not crashes.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, buildTempOutput } from './support.ts';

function serve(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/projectgraph.js'), 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
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
    await writeFile(path.join(corrupt, 'dataset.nt'), '<https://x.example/a> <https://x.example/b> .\n');
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
      expect(missing.stderr).toMatch(/dataset\.nt does not exist: run "projectgraph build" first/);
      expect(inUse.code).toBe(2);
      expect(inUse.stderr).toContain(`port ${busyPort} on 127.0.0.1 is in use`);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/cannot load .*dataset\.nt: .*line 1/);
      for (const r of [missing, inUse, broken]) expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
