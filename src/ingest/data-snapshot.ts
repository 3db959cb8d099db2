// A cheap fingerprint of data/ (paths, sizes, modification times), so a build can tell that files changed while it ran.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../errors.ts';

export type DataSnapshot = Map<string, string>;

export async function snapshotData(dataDir: string): Promise<DataSnapshot> {
  const snapshot: DataSnapshot = new Map();
  let entries: Dirent[];
  try {
    entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  } catch {
    return snapshot; // ingest reports a missing directory in its own words
  }
  for (const e of entries) {
    if (!e.isFile() || !/\.ya?ml$/.test(e.name)) continue;
    const file = path.join(e.parentPath, e.name);
    try {
      const s = await stat(file);
      snapshot.set(file, `${s.size}:${s.mtimeMs}`);
    } catch {
      snapshot.set(file, 'gone');
    }
  }
  return snapshot;
}

/** Refuses to publish when data/ is not as it was when the build started: the output would mix two states. */
export async function assertDataUnchanged(dataDir: string, before: DataSnapshot): Promise<void> {
  const after = await snapshotData(dataDir);
  const changed = [...new Set([...before.keys(), ...after.keys()])]
    .filter((f) => before.get(f) !== after.get(f))
    .sort();
  if (changed.length === 0) return;
  throw new DataError(
    changed.slice(0, 10).map((file) => ({
      code: 'IO' as const,
      message: `${before.has(file) ? (after.has(file) ? 'changed' : 'removed') : 'added'} while the build ran; run the build again`,
      location: { file: path.relative(process.cwd(), file) || file, line: 1, column: 1 },
    })),
  );
}
