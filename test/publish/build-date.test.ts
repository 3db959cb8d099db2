// The build date: SOURCE_DATE_EPOCH when set, else the data's last git commit, else none; never the wall clock.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { buildDate, epochToDate } from '../../src/publish/build-date.ts';

const run = promisify(execFile);

describe('the build date', () => {
  it('comes from SOURCE_DATE_EPOCH, in UTC', async () => {
    expect(epochToDate('0')).toBe('1970-01-01');
    expect(epochToDate('1764115199')).toBe('2025-11-25');
    expect(await buildDate(tmpdir(), '1764115200')).toBe('2025-11-26');
  });

  it('refuses a SOURCE_DATE_EPOCH that is not a whole number of seconds', () => {
    for (const bad of ['yesterday', '-1', '1.5', '2025-11-26']) expect(() => epochToDate(bad)).toThrow(UsageError);
  });

  it('is none outside git, and the last commit touching the data inside it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-date-'));
    expect(await buildDate(dir, undefined)).toBeUndefined();
    const env = { ...process.env, GIT_AUTHOR_DATE: '2024-02-03T10:00:00Z', GIT_COMMITTER_DATE: '2024-02-03T10:00:00Z' };
    const git = (...args: string[]) =>
      run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: dir, env });
    await git('init', '-q');
    await writeFile(path.join(dir, 'dataset.yaml'), 'x: 1\n');
    await git('add', '.');
    await git('commit', '-q', '-m', 'data');
    expect(await buildDate(dir, undefined)).toBe('2024-02-03');
    expect(await buildDate(dir, '')).toBe('2024-02-03');
  });
});
