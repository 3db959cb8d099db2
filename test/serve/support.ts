// Test helpers for the server: a real build into a temp dir, a server on port 0 over it, raw HTTP requests.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from '../../src/pipeline.ts';
import { startServer, type RunningServer, type ServeOptions } from '../../src/serve/server.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Builds the project's real data/ into a fresh temp output directory and returns that directory. */
export async function buildTempOutput(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-serve-'));
  const outDir = path.join(dir, 'output');
  await build({ dataDir: path.join(ROOT, 'data'), outDir });
  return outDir;
}

export interface TestServer extends RunningServer {
  logLines: string[];
}

export async function startTestServer(options: Partial<ServeOptions> & { outDir: string }): Promise<TestServer> {
  const logLines: string[] = [];
  const running = await startServer({ host: '127.0.0.1', port: 0, log: (l) => logLines.push(l), ...options });
  return Object.assign(running, { logLines });
}

/** Sends raw bytes over a socket and collects the whole answer: for requests fetch() will not make. */
export function rawRequest(port: number, data: string | Buffer, waitMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('end', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.setTimeout(waitMs, () => {
      socket.destroy();
      resolve(out);
    });
    socket.write(data);
  });
}

/** Waits until `check` holds, polling every 50 ms; fails after `ms`. */
export async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
