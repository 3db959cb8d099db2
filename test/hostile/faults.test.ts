// Faults during a build: kill -9 at random moments, a full disk, a read-only output directory, an old build that cannot be removed, data changed mid-build — the previous output always survives.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readFile, readdir, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { BIN, DATA, besideOutput, runCli } from '../support/project.ts';
import { recordOutcome } from './reliability-log.ts';

/** One hash over every file under `dir` (names and bytes), for "is byte-identical to" checks. */
async function treeHash(dir: string): Promise<string> {
  const h = createHash('sha256');
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const files = entries.map((e) => path.join(e.parentPath, e.name)).sort();
  for (const f of files)
    h.update(path.relative(dir, f))
      .update('\0')
      .update(await readFile(f))
      .update('\0');
  return `${files.length}:${h.digest('hex')}`;
}

/** Starts `projectgraph serve` on `out` in `cwd`, fetches the dump through it, and stops it; returns what it printed. */
async function serveStarts(cwd: string, out = 'output'): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--out', out, '--port', '0', '--workers', '1'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const home = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const m = /home: +(http:\S+)/.exec(stdout);
        if (m) {
          clearInterval(poll);
          resolve(m[1]!);
        } else if (child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`serve exited ${child.exitCode}: ${stderr}`));
        }
      }, 20);
    });
    const res = await fetch(new URL('dataset.nt', home));
    expect(res.status).toBe(200);
    expect((await res.text()).length).toBeGreaterThan(0);
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
  return stderr;
}

/** A new organisation record: a change to the data that no generated record can collide with. */
async function addOrganisation(ws: string, n: number): Promise<void> {
  await writeFile(
    path.join(ws, `data/organisations/kill-test-${n}.yaml`),
    `id: kill-test-${n}\nname: Toegevoegd ${n}\ntype: organisation\n`,
  );
}

/** A seeded generator, so the kill moments are the same on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('kill -9 during a build', () => {
  let ws: string;
  let good: string;
  let fullBuildMs: number;
  beforeAll(async () => {
    ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-kill-'));
    await generate(path.join(ws, 'data'), 200, 11);
    expect((await runCli(['build'], ws)).code).toBe(0);
    // The builds killed below reuse the build cache, so the moments to kill at span a rebuild after one new record.
    await addOrganisation(ws, 100);
    const started = performance.now();
    const r = await runCli(['build'], ws);
    fullBuildMs = performance.now() - started;
    expect(r.code, r.stderr).toBe(0);
    good = await treeHash(path.join(ws, 'output'));
    // Add a record so that a build that got through would change output/.
    await addOrganisation(ws, 0);
  });
  afterAll(async () => rm(ws, { recursive: true, force: true }));

  it('leaves output/ equal to the previous good build, or to the complete new one, ten times', {
    timeout: 600_000,
  }, async () => {
    const random = seeded(20261126);
    const moments: number[] = [];
    let completed = 0;
    let next = await completedBuildHash(ws);
    while (moments.length < 10) {
      const child = spawn(process.execPath, [BIN, 'build'], { cwd: ws, stdio: 'ignore' });
      const exited = new Promise<string>((resolve) =>
        child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
      );
      const at = Math.round(200 + random() * (fullBuildMs - 200));
      await new Promise((r) => setTimeout(r, at));
      child.kill('SIGKILL');
      const how = await exited;
      const now = await treeHash(path.join(ws, 'output'));
      // Whatever the moment, serve starts on what the kill left.
      await serveStarts(ws);
      if (how === 'SIGKILL' && now === good) {
        moments.push(at);
        continue;
      }
      // Otherwise the build got through its final rename before it died (or ended before its kill moment): then
      // output/ must be exactly what a whole build of this data gives — never a mix. Change the data and go on.
      expect(now, `${how} at ${at} ms left output/ neither as it was nor as a whole new build`).toBe(next);
      expect(completed++, 'builds kept completing before the kill').toBeLessThan(10);
      good = now;
      await addOrganisation(ws, completed);
      next = await completedBuildHash(ws);
    }
    // The next build cleans what the killed ones left and publishes the change.
    const r = await runCli(['build'], ws);
    expect(r.code, r.stderr).toBe(0);
    // Beside output/ only the new build, the one before it and the build cache are kept: no staging folder, no lock.
    const current = Number((await readlink(path.join(ws, 'output'))).replace('.output.builds/', ''));
    const kept = await besideOutput(ws);
    expect(kept).toHaveLength(4);
    expect([kept[0], ...kept.slice(2)]).toEqual([
      '.output.builds',
      `.output.builds/${current}`,
      '.output.builds/cache',
    ]);
    expect(kept[1]).toMatch(/^\.output\.builds\/\d+$/);
    // Nor in the cache anything a killed build left: the index and the segments it names.
    for (const f of await readdir(path.join(ws, '.output.builds/cache')))
      expect(f).toMatch(/^(index|segment-\d+\.bin)$/);
    expect(await treeHash(path.join(ws, 'output'))).toBe(next);
    recordOutcome({
      area: 'build',
      attack: `kill -9 of a 200-project build at random moments (${moments.join(', ')} ms of ~${Math.round(fullBuildMs)} ms)`,
      tries: 10,
      outcome: `output/ byte-identical to the previous build every time, and serve started on it${completed ? ` (${completed} more runs finished their swap before the kill and left exactly the new build)` : ''}; the next build cleaned up and published`,
    });
  });
});

/** What a build that runs to the end makes of the workspace's data and output, built in a copy of it. */
async function completedBuildHash(ws: string): Promise<string> {
  const twin = await mkdtemp(path.join(tmpdir(), 'projectgraph-twin-'));
  await cp(path.join(ws, 'data'), path.join(twin, 'data'), { recursive: true });
  // The build the link points at, as a folder: the twin's build upgrades it as an older output.
  await cp(await realpath(path.join(ws, 'output')), path.join(twin, 'output'), { recursive: true });
  const r = await runCli(['build'], twin);
  expect(r.code, r.stderr).toBe(0);
  const hash = await treeHash(path.join(twin, 'output'));
  await rm(twin, { recursive: true, force: true });
  return hash;
}

/** A small tmpfs for this test alone: the only way to get a real full or read-only file system here. */
function mountTmpfs(dir: string, sizeKb: number): void {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`this test needs to mount a tmpfs (run as root, as CI does): ${(e as Error).message}`);
  }
}

describe('a full disk and a read-only output directory', () => {
  let ws: string;
  let mnt: string;
  beforeAll(async () => {
    ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-disk-'));
    await cp(DATA, path.join(ws, 'data'), { recursive: true });
    mnt = path.join(ws, 'mnt');
    await mkdir(mnt);
    mountTmpfs(mnt, 8192);
  });
  afterAll(async () => {
    execFileSync('umount', [mnt], { stdio: 'ignore' });
    await rm(ws, { recursive: true, force: true });
  });

  it('reports a full disk clearly and keeps the previous output', { timeout: 120_000 }, async () => {
    const out = path.join(mnt, 'output');
    const first = await runCli(['build', '--out', out], ws);
    expect(first.code, first.stderr).toBe(0);
    const good = await treeHash(out);
    const kept = await besideOutput(mnt);
    expect(kept).toEqual(['.output.builds', '.output.builds/1', '.output.builds/cache']);
    // Fill what is left of the file system, then change the data so the next build has to write.
    await writeFile(path.join(mnt, 'filler'), Buffer.alloc(64 * 1024 * 1024)).catch(() => {});
    await appendFile(
      path.join(ws, 'data/projects/cluster-governance-kks-2015.yaml'),
      'url: https://changed.example.org/\n',
    );
    const r = await runCli(['build', '--out', out], ws);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /ENOSPC: no space left on device \(write.*\); nothing was published, the previous output is unchanged/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace for an environment problem
    expect(await treeHash(out)).toBe(good);
    expect(await besideOutput(mnt)).toEqual(kept);
    await rm(path.join(mnt, 'filler'));
    recordOutcome({
      area: 'build',
      attack: 'disk full during a build (8 MB tmpfs filled up)',
      tries: 1,
      outcome: 'exit 3 naming the file and ENOSPC; previous output byte-identical; staging removed',
    });
  });

  it('reports a read-only file system clearly and keeps the previous output', { timeout: 120_000 }, async () => {
    const out = path.join(mnt, 'output');
    const good = await treeHash(out);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    try {
      const r = await runCli(['build', '--out', out], ws);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /EROFS: read-only file system \(\w+ .*\); nothing was published, the previous output is unchanged/,
      );
      expect(await treeHash(out)).toBe(good);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
    recordOutcome({
      area: 'build',
      attack: 'read-only output file system',
      tries: 1,
      outcome: 'exit 3 naming the directory and EROFS; previous output byte-identical',
    });
  });
});

describe('an old build that cannot be removed', () => {
  it('says the new build is published, and the next build removes it', { timeout: 180_000 }, async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-prune-'));
    await cp(DATA, path.join(ws, 'data'), { recursive: true });
    for (let n = 1; n <= 2; n++) expect((await runCli(['build'], ws)).code).toBe(0);
    // A mount point inside build 1 (the build the next one drops) cannot be removed.
    const stuck = path.join(ws, '.output.builds/1/changes');
    mountTmpfs(stuck, 64);
    try {
      await addOrganisation(ws, 1);
      const expected = await completedBuildHash(ws);
      const r = await runCli(['build'], ws);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        /^warning: the old build .*\.output\.builds\/1 could not be removed \(EBUSY: .*\); build 3 is published at output all the same, and the next build tries the removal again$/m,
      );
      expect(r.stderr).not.toMatch(/nothing was published|unchanged/);
      expect(await readlink(path.join(ws, 'output'))).toBe('.output.builds/3');
      expect(await treeHash(path.join(ws, 'output'))).toBe(expected);
    } finally {
      execFileSync('umount', [stuck], { stdio: 'ignore' });
    }
    expect((await runCli(['build'], ws)).code).toBe(0);
    expect(await besideOutput(ws)).toEqual([
      '.output.builds',
      '.output.builds/3',
      '.output.builds/4',
      '.output.builds/cache',
    ]);
    await rm(ws, { recursive: true, force: true });
    recordOutcome({
      area: 'build',
      attack: 'an old build that cannot be removed (a mount point inside it)',
      tries: 1,
      outcome:
        'exit 0 with a warning naming the folder and saying the new build is published (it is); the next build removed it',
    });
  });
});

describe('kill -9 between moving an older output folder aside and renaming the link in', () => {
  it('leaves a build that serve and the next build put back as output/', { timeout: 180_000 }, async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-gap-'));
    await cp(DATA, path.join(ws, 'data'), { recursive: true });
    expect((await runCli(['build'], ws)).code).toBe(0);
    const good = await treeHash(path.join(ws, 'output'));
    // What that kill leaves: the older output moved in among the builds, no output/, and the dead build's lock.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('exit', resolve));
    await rm(path.join(ws, 'output'));
    await writeFile(
      path.join(ws, '.output.builds/.lock'),
      JSON.stringify({ pid: dead.pid, host: (await import('node:os')).hostname(), since: 'then', token: 'x' }),
    );
    const said = await serveStarts(ws);
    expect(said).toContain('output was missing (a build was stopped while publishing); it is build 1 again');
    expect(await readlink(path.join(ws, 'output'))).toBe('.output.builds/1');
    expect(await treeHash(path.join(ws, 'output'))).toBe(good);
    // The same state met by a build instead of serve.
    await rm(path.join(ws, 'output'));
    const r = await runCli(['build'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await readlink(path.join(ws, 'output'))).toBe('.output.builds/2');
    expect(await besideOutput(ws)).toEqual([
      '.output.builds',
      '.output.builds/1',
      '.output.builds/2',
      '.output.builds/cache',
    ]);
    await rm(ws, { recursive: true, force: true });
    recordOutcome({
      area: 'build',
      attack: 'kill -9 in the one non-atomic step (upgrading an older output folder): no output/ left',
      tries: 1,
      outcome: 'serve put the link back to the whole build and started; a build did the same and published',
    });
  });
});

describe('data changed during a build', () => {
  it('refuses to publish a mix of two states', { timeout: 300_000 }, async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-change-'));
    await generate(path.join(ws, 'data'), 300, 12);
    expect((await runCli(['build'], ws)).code).toBe(0);
    const good = await treeHash(path.join(ws, 'output'));
    const child = spawn(process.execPath, [BIN, 'build'], { cwd: ws, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until the build is past reading and checking — it has made the folder it publishes into — then edit a record.
    let exited = false;
    child.on('exit', () => (exited = true));
    const builds = path.join(ws, '.output.builds');
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        void readdir(builds).then((names) => {
          if (names.some((n) => n.startsWith('.staging-'))) {
            clearInterval(poll);
            resolve();
          } else if (exited) {
            clearInterval(poll);
            reject(
              new Error(`the build ended before it began publishing; the edit could not be made during it\n${stderr}`),
            );
          }
        });
      }, 10);
    });
    const projects = (await readdir(path.join(ws, 'data/projects'))).sort();
    await appendFile(path.join(ws, 'data/projects', projects[5]!), 'url: https://edited.example.org/\n');
    const code = exited ? child.exitCode : await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code === 0) {
      // The edit landed after the final check: the output must then be the state before the edit, whole.
      expect(stderr).not.toMatch(/changed while the build ran/);
    } else {
      expect(code).toBe(1);
      expect(stderr).toMatch(
        new RegExp(`${projects[5]!.replace('.', '\\.')}:1:1: changed while the build ran; run the build again`),
      );
      expect(await treeHash(path.join(ws, 'output'))).toBe(good);
    }
    await rm(ws, { recursive: true, force: true });
    recordOutcome({
      area: 'build',
      attack: 'a record edited while a 300-project build ran',
      tries: 1,
      outcome:
        code === 0
          ? 'edit came after the final check; output is the whole earlier state'
          : 'exit 1 naming the changed file; previous output byte-identical',
    });
  });
});
