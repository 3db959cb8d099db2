// The README's first command as a new user runs it: `npm start` in a copy of the project builds data/ and serves it,
// and no installed package asks for a Node version other than the one the tests run on.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { ROOT } from '../support/project.ts';

const COPIED = ['package.json', 'bin', 'dist', 'data', 'shapes', 'src'];

/** A copy of the project as a clone has it after `npm install`: the package, its compiled code and its data. */
async function projectCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-first-'));
  for (const entry of COPIED) await cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

describe('the first command', () => {
  it('npm start builds data/ and serves the home page and SPARQL', { timeout: 180_000 }, async () => {
    const dir = await projectCopy();
    // npm appends arguments to the script's last command, which is `serve`: a free port, so runs never collide.
    const child = spawn('npm', ['start', '--', '--port', '0'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const home = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const url = /home: +(http:\S+)/.exec(stdout)?.[1];
        if (url) resolve(url);
      });
      child.on('close', (code) =>
        reject(new Error(`npm start exited with ${String(code)} before serving:\n${stdout}\n${stderr}`)),
      );
    });
    try {
      const page = await fetch(home);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      const query = 'SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://schema.org/ResearchProject> }';
      const answer = await fetch(new URL(`sparql?query=${encodeURIComponent(query)}`, home), {
        headers: { accept: 'application/sparql-results+json' },
      });
      expect(answer.status).toBe(200);
      const json = (await answer.json()) as { results: { bindings: { n: { value: string } }[] } };
      expect(Number(json.results.bindings[0]?.n.value)).toBeGreaterThan(0);
    } finally {
      const closed = new Promise((resolve) => child.on('close', resolve));
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await closed;
    }
  });

  it('installs no package whose engines exclude the Node that runs the tests', async () => {
    const lock = JSON.parse(await readFile(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
    };
    const own = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(semver.satisfies(process.version, own.engines.node)).toBe(true);
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => p.engines !== undefined && !Array.isArray(p.engines) && p.engines.node !== undefined)
      .filter(([, p]) => !semver.satisfies(process.version, (p.engines as { node: string }).node))
      .map(([name, p]) => `${name} wants node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
