// Starts Debian's Virtuoso Open Source (virtuoso-t) for a test: its own database directory and virtuoso.ini, free ports on 127.0.0.1, the default dba/dba account.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const VIRTUOSO_BINARY = 'virtuoso-t';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function ini(dir: string, sqlPort: number, httpPort: number): string {
  const db = (f: string) => path.join(dir, f);
  return `; Written by the projectgraph tests: a throwaway database, reachable on 127.0.0.1 only.
[Database]
DatabaseFile = ${db('virtuoso.db')}
ErrorLogFile = ${db('virtuoso.log')}
LockFile = ${db('virtuoso.lck')}
TransactionFile = ${db('virtuoso.trx')}
xa_persistent_file = ${db('virtuoso.pxa')}
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = ${db('virtuoso-temp.db')}
TransactionFile = ${db('virtuoso-temp.trx')}
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:${sqlPort}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:${httpPort}
ServerRoot = ${dir}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
`;
}

export interface Virtuoso {
  dir: string;
  http: string;
  sparql: string;
  /** The Graph Store endpoint that takes Digest authentication. */
  graphStore: string;
  process: ChildProcess;
  /** SIGKILL, as a crash or a pulled plug: no checkpoint, no clean shutdown. */
  kill(): Promise<void>;
  /** Starts again on the same database and ports. */
  restart(): Promise<void>;
  /** Stops Virtuoso and removes its database directory. */
  stop(): Promise<void>;
}

/** Starts Virtuoso and waits until /sparql answers; throws with the reason (and the log's tail) when it cannot. */
export async function startVirtuoso(timeoutMs = 45_000): Promise<Virtuoso> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-virtuoso-'));
  const [sqlPort, httpPort] = [await freePort(), await freePort()];
  await writeFile(path.join(dir, 'virtuoso.ini'), ini(dir, sqlPort, httpPort));
  const http = `http://127.0.0.1:${httpPort}`;
  const v: Partial<Virtuoso> = { dir, http, sparql: `${http}/sparql`, graphStore: `${http}/sparql-graph-crud-auth` };

  const launch = async () => {
    let output = '';
    let exited: string | undefined;
    const child = spawn(VIRTUOSO_BINARY, ['-f', '-c', path.join(dir, 'virtuoso.ini')], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.on(
      'error',
      (e) => (exited = `could not run ${VIRTUOSO_BINARY} (${e.message}); install Debian's virtuoso-opensource`),
    );
    child.on('exit', (code, signal) => (exited ??= `${VIRTUOSO_BINARY} exited (${signal ?? `code ${code}`})`));
    v.process = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) break;
      try {
        const res = await fetch(`${http}/sparql?query=${encodeURIComponent('ASK {}')}`, {
          signal: AbortSignal.timeout(2000),
        });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const log = await readFile(path.join(dir, 'virtuoso.log'), 'utf8').catch(() => '');
    child.kill('SIGKILL');
    await waitExit(child);
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `Virtuoso did not start: ${exited ?? `no answer on ${http}/sparql within ${timeoutMs / 1000} s`}\n${(output + log).split('\n').slice(-15).join('\n')}`,
    );
  };
  const waitExit = (child: ChildProcess | undefined) =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    });

  v.kill = async () => {
    const child = v.process;
    child?.kill('SIGKILL');
    await waitExit(child);
  };
  v.restart = launch;
  v.stop = async () => {
    const child = v.process;
    child?.kill('SIGTERM');
    const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
    await waitExit(child);
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  };
  await launch();
  return v as Virtuoso;
}
