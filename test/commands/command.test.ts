// Progress of long stages: quiet during a stage's first second, then counts, rate and time left, throttled; and a real build's counts.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressOn, type ProgressStream } from '../../src/progress.ts';
import { build } from '../../src/pipeline.ts';
import { importPages } from '../../src/import/run-import.ts';
import { cp } from 'node:fs/promises';
import { DATA, ROOT, runCli, workspaceWithRealData } from '../support/project.ts';

/** A stream that keeps what is written, and a clock the test moves. */
function fake(isTTY: boolean): { stream: ProgressStream & { text: string }; clock: { t: number }; now: () => number } {
  const stream = { text: '', isTTY, write: (s: string) => (stream.text += s) };
  const clock = { t: 0 };
  return { stream, clock, now: () => clock.t };
}

describe('progress', () => {
  it('stays quiet during the first second of a stage, and a stage that ends in it leaves no line', () => {
    const { stream, clock, now } = fake(false);
    const p = progressOn({ stream, now });
    const s = p.stage('reading records', { unit: 'files', total: 100 });
    clock.t = 900;
    s.add(90);
    s.add(10);
    s.end();
    expect(stream.text).toBe('');
  });

  it('after the first second shows x of N, the rate and the time left, then the total and the time taken', () => {
    const { stream, clock, now } = fake(false);
    const s = progressOn({ stream, now }).stage('writing pages', { unit: 'files', total: 10_000 });
    clock.t = 2000;
    s.add(1000);
    clock.t = 20_000;
    s.set(10_000);
    s.end();
    expect(stream.text).toBe(
      '… writing pages: 1,000 of 10,000 files, 500/s, about 18 s left\n' +
        '… writing pages: 10,000 of 10,000 files, 500/s\n' +
        '… writing pages: 10,000 files in 20 s, 500/s\n',
    );
  });

  it('in a log (no terminal) writes plain lines at most every 5 s', () => {
    const { stream, clock, now } = fake(false);
    const s = progressOn({ stream, now }).stage('checking the shapes (SHACL)', { unit: 'statements', total: 1000 });
    for (let i = 1; i <= 100; i++) {
      clock.t = 1000 + i * 100; // ten seconds of updates, every 0.1 s
      s.add(10);
    }
    const lines = stream.text.split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines.every((l) => l.startsWith('… checking the shapes (SHACL): '))).toBe(true);
    expect(stream.text).not.toContain('\r');
  });

  it('on a terminal rewrites one line, at most four times a second, and ends it with a newline', () => {
    const { stream, clock, now } = fake(true);
    const s = progressOn({ stream, now }).stage('writing dataset.nt', { bytes: true });
    for (let i = 1; i <= 20; i++) {
      clock.t = 1000 + i * 50; // one second of updates, every 0.05 s
      s.add(1024 * 1024);
    }
    s.end();
    const rewrites = stream.text.split('\r').filter(Boolean);
    expect(rewrites.length).toBeLessThanOrEqual(6);
    expect(rewrites.at(-1)).toMatch(/^… writing dataset\.nt: 20\.0 MB in 2\.0 s, 10\.0 MB\/s\u001b\[K\n$/);
    expect(stream.text.split('\n')).toHaveLength(2);
  });
});

describe('a build reports its long stages with counts', () => {
  it('reading records x of N files, mapping and SHACL x of N records, bytes of each dump', async () => {
    const ws = await workspaceWithRealData();
    const { stream } = fake(false);
    // Every update shown, however short the stage: the counts are what is checked here.
    const progress = progressOn({ stream, quietMs: 0, plainIntervalMs: 0 });
    const summary = await build({ dataDir: path.join(ws, 'data'), outDir: path.join(ws, 'output'), progress });
    const lines = stream.text.split('\n');
    const files = summary.records + 1;
    expect(lines).toContain(
      `… reading records: ${files} files in ${lines.find((l) => l.startsWith('… reading records: ') && l.includes(' in '))?.split(' in ')[1]}`,
    );
    expect(lines.find((l) => l.startsWith(`… reading records: ${files} of ${files} files, `))).toBeDefined();
    for (const stage of ['mapping to RDF', 'checking the shapes (SHACL)']) {
      expect(lines.find((l) => l.startsWith(`… ${stage}: ${files} of ${files} records`))).toBeDefined();
    }
    const stages = ['dataset.nt and dataset.nt.gz', 'dataset.ttl', 'dataset.jsonld', 'dataset.nq and dataset.nq.gz'];
    for (const dump of [...stages, 'dataset.trig']) {
      expect(
        lines.find((l) => new RegExp(`^… writing ${dump.replaceAll('.', '\\.')}: \\d+ kB in \\d`).test(l)),
        dump,
      ).toBeDefined();
    }
  }, 60_000);
});

describe('an import reports the pages it has read', () => {
  const wiki = (f: string) => path.join(ROOT, 'test/fixtures/wiki', f);

  it('x of N when every input is one page, and a count without a total for a Special:Export file', async () => {
    const seen: [number, number | undefined][] = [];
    const onPage = (pages: number, total: number | undefined) => seen.push([pages, total]);
    const single = await importPages({
      inputs: [wiki('cluster-governance-kks-2015.txt'), wiki('cluster-governance-kks-2015.wiki')],
      dataDir: DATA,
      dryRun: true,
      onPage,
    });
    expect(single.pagesRead).toBe(2);
    expect(seen).toEqual([
      [1, 2],
      [2, 2],
    ]);
    seen.length = 0;
    const exported = await importPages({
      inputs: [wiki('netwerk-wiki-export.xml')],
      dataDir: DATA,
      dryRun: true,
      onPage,
    });
    expect(seen.map(([pages]) => pages)).toEqual(Array.from({ length: exported.pagesRead }, (_, i) => i + 1));
    expect(seen.every(([, total]) => total === undefined)).toBe(true);
  });
});

describe('command-line messages', () => {
  it('word parse errors for this command line, and only a build says that nothing was published', async () => {
    const ws = await workspaceWithRealData();
    const extra = await runCli(['build', 'extra'], ws);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/^projectgraph: "projectgraph build" takes no file or directory names, got "extra"/);
    expect(extra.stderr).not.toContain('positional');
    const missing = await runCli(['build', '--data'], ws);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^projectgraph: --data needs a value\n/);
    await cp(
      path.join(ROOT, 'test/fixtures/invalid/missing-name.yaml'),
      path.join(ws, 'data/projects/cluster-governance-kks-2015.yaml'),
    );
    const invalid = await runCli(['validate'], ws);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^projectgraph: 1 problem found\n$/m);
    expect(invalid.stderr).not.toContain('published');
    const built = await runCli(['build'], ws);
    expect(built.code).toBe(1);
    expect(built.stderr).toContain('nothing was published');
  }, 60_000);
});
