// The output is projectgraph's alone: refused folders stay untouched, links switch atomically, one build at a time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { BIN, DATA, ROOT, besideOutput, runCli, withoutProgress } from '../support/project.ts';

/** Every entry under `dir` — kind, link text, bytes — as one sorted listing, for "nothing was touched". */
async function treeListing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(e.parentPath, e.name);
    const rel = path.relative(dir, full);
    const s = await lstat(full);
    if (s.isSymbolicLink()) out.push(`${rel} -> ${await readlink(full)}`);
    else if (s.isDirectory()) out.push(`${rel}/`);
    else
      out.push(
        `${rel} ${s.size} ${createHash('sha256')
          .update(await readFile(full))
          .digest('hex')} ${s.mtimeMs}`,
      );
  }
  return out.sort();
}

/** A project folder as a user has it: a git repository with sources and data/. */
async function projectFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-out-'));
  await cp(DATA, path.join(dir, 'data'), { recursive: true });
  await mkdir(path.join(dir, 'src'));
  await writeFile(path.join(dir, 'src', 'own.ts'), 'export const mine = 1;\n');
  await mkdir(path.join(dir, '.git', 'objects'), { recursive: true });
  await writeFile(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  return dir;
}

async function refusedUntouched(ws: string, args: string[], message: RegExp): Promise<void> {
  const before = await treeListing(ws);
  const r = await runCli(['build', ...args], ws);
  expect(r.code, r.stderr).toBe(2);
  expect(withoutProgress(r.stderr)).toMatch(message);
  expect(r.stderr).toMatch(/nothing was touched\n$/);
  expect(r.stdout).toBe('');
  expect(await treeListing(ws)).toEqual(before);
}

describe("build refuses an output that is not projectgraph's, and touches nothing", () => {
  it('--out . in the project folder (data, sources, .git)', { timeout: 60_000 }, async () => {
    const ws = await projectFolder();
    await refusedUntouched(ws, ['--out', '.'], /^projectgraph: --out \. contains the data folder/m);
  });

  it('--out the data folder, and a folder inside it', { timeout: 60_000 }, async () => {
    const ws = await projectFolder();
    await refusedUntouched(ws, ['--data', 'data', '--out', 'data'], /--out data is the data folder/);
    await refusedUntouched(
      ws,
      ['--data', 'data', '--out', 'data/projects'],
      /--out data\/projects is inside the data folder/,
    );
  });

  it('a folder holding a .git, even one that looks like an earlier build', { timeout: 60_000 }, async () => {
    const ws = await projectFolder();
    await mkdir(path.join(ws, 'site', '.git'), { recursive: true });
    await writeFile(path.join(ws, 'site', '.projectgraph-build'), 'A build of projectgraph.\n');
    await refusedUntouched(ws, ['--out', 'site'], /--out site holds a \.git repository/);
  });

  it("a non-empty folder of someone else's, and a file", { timeout: 60_000 }, async () => {
    const ws = await projectFolder();
    await mkdir(path.join(ws, 'notes'));
    await writeFile(path.join(ws, 'notes', 'todo.txt'), 'mine\n');
    await writeFile(path.join(ws, 'report.pdf'), 'mine\n');
    await refusedUntouched(
      ws,
      ['--out', 'notes'],
      /--out notes is a folder that is not a build of projectgraph \(it holds todo\.txt\)/,
    );
    await refusedUntouched(ws, ['--out', 'report.pdf'], /--out report\.pdf is a file, not a folder/);
  });

  it('the projectgraph installation, the shapes, and a kept build', { timeout: 60_000 }, async () => {
    const ws = await projectFolder();
    await refusedUntouched(ws, ['--out', ROOT], /contains the shapes folder|is the projectgraph installation/);
    await refusedUntouched(ws, ['--out', path.join(ROOT, 'shapes')], /is the shapes folder/);
    expect((await runCli(['build'], ws)).code).toBe(0);
    await refusedUntouched(
      ws,
      ['--out', '.output.builds/1'],
      /is one of the builds kept for .*output: give that path instead/,
    );
  });

  it('an empty folder is used, and becomes the link', { timeout: 60_000 }, async () => {
    const ws = await projectFolder();
    await mkdir(path.join(ws, 'site'));
    const r = await runCli(['build', '--out', 'site'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await readlink(path.join(ws, 'site'))).toBe('.site.builds/1');
    expect(await readFile(path.join(ws, 'site', 'dataset.nt'), 'utf8')).toMatch(/^<https:/);
  });
});

describe('publishing through links', () => {
  it('switches output/ to each new build with one link, keeping the build before it and no other', {
    timeout: 120_000,
  }, async () => {
    const ws = await projectFolder();
    for (let n = 1; n <= 3; n++) {
      const r = await runCli(['build'], ws);
      expect(r.code, r.stderr).toBe(0);
      expect(await readlink(path.join(ws, 'output'))).toBe(`.output.builds/${n}`);
    }
    // Beside the builds, the build cache (build/build-cache.ts).
    expect(await besideOutput(ws)).toEqual([
      '.output.builds',
      '.output.builds/2',
      '.output.builds/3',
      '.output.builds/cache',
    ]);
    expect((await readdir(path.join(ws, 'output'))).sort()).toContain('.projectgraph-build');
  });

  it('follows a link the user made to a web root, and publishes there', { timeout: 120_000 }, async () => {
    const ws = await projectFolder();
    const web = await mkdtemp(path.join(tmpdir(), 'projectgraph-webroot-'));
    await mkdir(path.join(web, 'site'));
    await symlink(path.join(web, 'site'), path.join(ws, 'output'));
    for (let n = 1; n <= 2; n++) {
      const r = await runCli(['build'], ws);
      expect(r.code, r.stderr).toBe(0);
      // The user's link is left as it was; the web root is the one switched.
      expect(await readlink(path.join(ws, 'output'))).toBe(path.join(web, 'site'));
      expect(await readlink(path.join(web, 'site'))).toBe(`.site.builds/${n}`);
    }
    const published = await readFile(path.join(web, '.site.builds/2/dataset.nt'), 'utf8');
    expect(await readFile(path.join(ws, 'output', 'dataset.nt'), 'utf8')).toBe(published);
    expect(await besideOutput(web, 'site')).toEqual([
      '.site.builds',
      '.site.builds/1',
      '.site.builds/2',
      '.site.builds/cache',
    ]);
    expect(await besideOutput(ws)).toEqual([]);
    // A link to where nothing is yet is followed too.
    await symlink(path.join(web, 'later'), path.join(ws, 'later'));
    expect((await runCli(['build', '--out', 'later'], ws)).code).toBe(0);
    expect(await readlink(path.join(web, 'later'))).toBe('.later.builds/1');
  });

  it('upgrades an output folder of an older projectgraph, continuing its change sets', {
    timeout: 120_000,
  }, async () => {
    const ws = await projectFolder();
    expect((await runCli(['build'], ws)).code).toBe(0);
    // An older projectgraph wrote output/ as a real folder, without the marker.
    const old = path.join(ws, 'old-output');
    await cp(path.join(ws, '.output.builds/1'), old, { recursive: true });
    await rm(path.join(ws, 'output'));
    await rm(path.join(ws, '.output.builds'), { recursive: true });
    await cp(old, path.join(ws, 'output'), { recursive: true });
    await rm(path.join(ws, 'output', '.projectgraph-build'));
    const oldFiles = await treeListing(path.join(ws, 'output'));
    await writeFile(path.join(ws, 'data/organisations/nieuw.yaml'), 'id: nieuw\nname: Nieuw\ntype: organisation\n');
    const r = await runCli(['build'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await readlink(path.join(ws, 'output'))).toBe('.output.builds/2');
    // The old folder is kept whole as the build before, and the new build's change set starts from it.
    const kept = await treeListing(path.join(ws, '.output.builds/1'));
    expect(kept.filter((l) => !l.startsWith('.projectgraph-build ')).map((l) => l.replace(/ [\d.]+$/, ''))).toEqual(
      oldFiles.map((l) => l.replace(/ [\d.]+$/, '')),
    );
    const indexFile = path.join(ws, 'output/changes/index.json');
    const index = JSON.parse(await readFile(indexFile, 'utf8')) as { changes: { sequence: number }[] };
    expect(index.changes.map((c) => c.sequence)).toEqual([2]);
  });
});

/** Waits until `file` exists (a build has taken its lock). */
async function waitFor(file: string, child: ChildProcess, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (
      await lstat(file).then(
        () => true,
        () => false,
      )
    )
      return;
    if (child.exitCode !== null) throw new Error(`the build ended (exit ${child.exitCode}) before ${file} appeared`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${file} did not appear`);
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('one build at a time', () => {
  it('a second build fails at once, naming the lock and the build that holds it; the first publishes', {
    timeout: 300_000,
  }, async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-lock-'));
    await generate(path.join(ws, 'data'), 300, 21);
    const first = spawn(process.execPath, [BIN, 'build'], { cwd: ws, stdio: ['ignore', 'ignore', 'pipe'] });
    const firstDone = exitOf(first);
    await waitFor(path.join(ws, '.output.builds/.lock'), first);
    const second = await runCli(['build'], ws);
    // It failed on the lock at its start, not after a build of its own: the first is still running.
    expect(first.exitCode).toBe(null);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`output is being published by another build (pid ${first.pid}, since `);
    expect(second.stderr).toContain(`lock ${path.join(ws, '.output.builds/.lock')}); nothing was touched`);
    const done = await firstDone;
    expect(done.code, done.stderr).toBe(0);
    expect(await readlink(path.join(ws, 'output'))).toBe('.output.builds/1');
    expect(await besideOutput(ws)).toEqual(['.output.builds', '.output.builds/1', '.output.builds/cache']);
  });

  it('two builds started at once: one publishes, the other fails clearly; none is lost silently', {
    timeout: 300_000,
  }, async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-race-'));
    await generate(path.join(ws, 'data'), 300, 22);
    const results = await Promise.all([runCli(['build'], ws), runCli(['build'], ws)]);
    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map((r) => r.stderr).join('\n')).toEqual([0, 2]);
    const loser = results.find((r) => r.code === 2)!;
    expect(loser.stderr).toMatch(
      /output is being published by another build \(pid \d+, since .*; lock .*\.output\.builds\/\.lock\); nothing was touched/,
    );
    expect(await readlink(path.join(ws, 'output'))).toBe('.output.builds/1');
  });

  it('takes over the lock of a build that died', { timeout: 60_000 }, async () => {
    const ws = await projectFolder();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    await mkdir(path.join(ws, '.output.builds'));
    const lock = { pid: dead.pid, host: hostname(), since: 'then', token: 'x' };
    await writeFile(path.join(ws, '.output.builds/.lock'), JSON.stringify(lock));
    const r = await runCli(['build'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await besideOutput(ws)).toEqual(['.output.builds', '.output.builds/1', '.output.builds/cache']);
  });
});

describe('readers during builds', () => {
  it('a stat loop in another process never finds output/ missing or a build without its marker', {
    timeout: 300_000,
  }, async () => {
    const ws = await projectFolder();
    expect((await runCli(['build'], ws)).code).toBe(0);
    // The poller runs until told to stop, counting its looks and every one that failed.
    const poller = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'); let looks = 0; const misses = []; let stop = false;
         process.stdin.on('data', () => (stop = true));
         (function loop() {
           for (let i = 0; i < 200; i++) {
             looks++;
             for (const f of ['output', 'output/dataset.nt', 'output/.projectgraph-build', 'output/graphs.json']) {
               try { fs.statSync(f); } catch (e) { misses.push(f + ' ' + e.code); }
             }
           }
           if (stop) { process.stdout.write(JSON.stringify({ looks, misses: misses.slice(0, 5), missed: misses.length })); process.exit(0); }
           setImmediate(loop);
         })();`,
      ],
      { cwd: ws, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    poller.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const ended = new Promise((r) => poller.on('close', r));
    const builds = 6;
    for (let i = 0; i < builds; i++) {
      await writeFile(
        path.join(ws, `data/organisations/stat-${i}.yaml`),
        `id: stat-${i}\nname: Stat ${i}\ntype: organisation\n`,
      );
      const r = await runCli(['build'], ws);
      expect(r.code, r.stderr).toBe(0);
    }
    poller.stdin!.write('stop\n');
    await ended;
    const seen = JSON.parse(out) as { looks: number; misses: string[]; missed: number };
    expect(seen.misses).toEqual([]);
    expect(seen.missed).toBe(0);
    expect(seen.looks).toBeGreaterThan(10_000);
    expect(await readlink(path.join(ws, 'output'))).toBe(`.output.builds/${builds + 1}`);
  });
});

describe('serve across a new build', () => {
  it('answers from the build output/ links to now, and never fails while builds switch it', {
    timeout: 300_000,
  }, async () => {
    const { build } = await import('../../src/pipeline.ts');
    const { startTestServer } = await import('../serve/support.ts');
    const ws = await projectFolder();
    const outDir = path.join(ws, 'output');
    const data = path.join(ws, 'data');
    await build({ dataDir: data, outDir, sourceDateEpoch: '' });
    const server = await startTestServer({ outDir, workers: 1 });
    try {
      const get = (p: string) => fetch(new URL(p, server.url), { headers: { Accept: 'text/turtle' } });
      expect((await get('/organisation/nieuw-0')).status).toBe(404);
      const failures: string[] = [];
      let answered = 0;
      for (let i = 0; i < 3; i++) {
        await writeFile(
          path.join(data, `organisations/nieuw-${i}.yaml`),
          `id: nieuw-${i}\nname: Nieuw ${i}\ntype: organisation\n`,
        );
        let building = true;
        const rebuilt = build({ dataDir: data, outDir, sourceDateEpoch: '' }).finally(() => (building = false));
        // Every answer comes from the one build the store holds, whichever is current.
        while (building) {
          for (const p of ['/graph/organisation/platform31', '/organisation/platform31', '/dataset.nt']) {
            const res = await get(p);
            await res.arrayBuffer();
            answered++;
            if (res.status !== 200) failures.push(`${p} ${res.status}`);
          }
        }
        await rebuilt;
        // The server moves to the new build on its own, by the build's change set, soon after the build ends.
        const built = Date.now();
        let fresh = await get(`/organisation/nieuw-${i}`);
        while (fresh.status === 404 && Date.now() - built < 10_000) {
          await new Promise((r) => setTimeout(r, 50));
          fresh = await get(`/organisation/nieuw-${i}`);
        }
        expect(fresh.status).toBe(200);
        expect(await fresh.text()).toContain(`Nieuw ${i}`);
        expect((await get(`/graph/organisation/nieuw-${i}`)).status).toBe(200);
      }
      expect(failures).toEqual([]);
      expect(answered).toBeGreaterThan(30);
    } finally {
      await server.close();
    }
  });
});
