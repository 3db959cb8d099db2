// The build date for issued/modified and sitemap lastmod: SOURCE_DATE_EPOCH when set, else the data's last commit, never the wall clock.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UsageError } from '../errors.ts';

const run = promisify(execFile);

/**
 * The date (YYYY-MM-DD, UTC) the published data counts as issued and modified:
 * 1. SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) when it is set;
 * 2. otherwise the commit time of the last git commit that touched the data directory, when the data is in a git work tree;
 * 3. otherwise none: the catalogue states no issued/modified and the sitemap no lastmod.
 * Each is a fact of the input, so two builds of the same input give the same bytes.
 */
export async function buildDate(dataDir: string, sourceDateEpoch: string | undefined): Promise<string | undefined> {
  if (sourceDateEpoch !== undefined && sourceDateEpoch !== '') return epochToDate(sourceDateEpoch);
  return lastCommitDate(dataDir);
}

export function epochToDate(value: string): string {
  if (!/^\d{1,12}$/.test(value.trim())) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, got "${value}"`);
  }
  return new Date(Number(value.trim()) * 1000).toISOString().slice(0, 10);
}

async function lastCommitDate(dataDir: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['log', '-1', '--format=%ct', '--', '.'], { cwd: dataDir, timeout: 10_000 });
    const seconds = stdout.trim();
    return seconds === '' ? undefined : epochToDate(seconds);
  } catch {
    // Not a git work tree, or no git: no date rather than the wall clock.
    return undefined;
  }
}
