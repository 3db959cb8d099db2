// The folder `projectgraph export-site` writes into: checked before anything is touched, and its manifest, which
// names every file an earlier export wrote there (and so the only files a later export may replace or remove).
import { lstat, readFile, readdir, realpath, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputError } from '../errors.ts';
import { canonicalPath, isInside } from '../publish/output-dir.ts';
import type { ExportSource } from './export-plan.ts';

/** Written last by every export: the files it wrote, each with the SHA-256 of its bytes. */
export const EXPORT_MANIFEST = '.projectgraph-export.json';
const FORMAT = 1;
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** File name (relative, with forward slashes) → hex SHA-256 of its bytes; "" for a file being written. */
export type Manifest = Map<string, string>;

export interface ExportTarget {
  /** The folder, with the folders above it resolved through links. */
  dir: string;
  /** What the earlier export there wrote; empty for a new or empty folder. */
  manifest: Manifest;
  /** What the earlier export was made from, when it finished and said so. */
  source?: ExportSource;
}

/** Folders the export may not be, contain or lie inside, besides the projectgraph installation. */
export interface ExportGuards {
  /** The build being exported (the output link's target). */
  build: string;
  /** The output link as given (--from), which must not be the export either. */
  output: string;
  dataDir: string;
  shapesDir: string;
}

/**
 * Checks that `given` may be exported into: a new or empty folder, or one an earlier export wrote (it holds the
 * manifest); never the output, a build, the data, the shapes, the project or the current directory, nor a folder
 * holding any of them. Throws an OutputError (exit 2) before anything is touched.
 */
export async function claimExportDir(given: string, guards: ExportGuards): Promise<ExportTarget> {
  // As given (a link is a link, as the output is) and with a link of the user's (to a web root) followed.
  const asGiven = await canonicalPath(path.resolve(given));
  const dir = await realpath(asGiven).catch(() => asGiven);
  const refuse = (why: string) =>
    new OutputError(`--out ${given}${dir !== path.resolve(given) ? ` (${dir})` : ''} ${why}; nothing was touched`);
  if (path.dirname(dir) === dir) throw refuse('is the root of the file system');
  const output = await canonicalPath(path.resolve(guards.output));
  if (asGiven === output) throw refuse('is the output it exports');
  if (isInside(output, dir) || isInside(output, asGiven)) throw refuse(`contains the output it exports (${output})`);
  const builds = path.join(path.dirname(output), `.${path.basename(output)}.builds`);
  const named: [string, string, boolean][] = [
    // [what, folder, whether the export may not lie inside it either]
    ['the build it exports', guards.build, true],
    ['the folder of builds beside the output', builds, true],
    ['the data folder', guards.dataDir, true],
    ['the shapes folder', guards.shapesDir, true],
    ['the projectgraph installation', PROJECT_ROOT, false],
    ['the current directory', process.cwd(), false],
  ];
  if (isInside(dir, output) || isInside(asGiven, output)) throw refuse('is inside the output it exports');
  for (const [what, folder, notInside] of named) {
    const real = await realpath(folder).catch(() => canonicalPath(path.resolve(folder)));
    if (real === dir) throw refuse(`is ${what}`);
    if (isInside(real, dir)) throw refuse(`contains ${what} (${real})`);
    if (notInside && isInside(dir, real)) throw refuse(`is inside ${what} (${real})`);
  }
  let entries: string[];
  try {
    const s = await lstat(dir);
    if (!s.isDirectory()) throw refuse('is not a folder');
    entries = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (dir !== asGiven || (await lstat(asGiven).catch(() => undefined)))
      throw refuse('is a link whose target is gone');
    return { dir, manifest: new Map() };
  }
  if (entries.length === 0) return { dir, manifest: new Map() };
  if (!entries.includes(EXPORT_MANIFEST)) {
    const some = entries.sort().slice(0, 3).join(', ');
    throw refuse(
      `is a folder that is not an earlier export of projectgraph (it holds ${some}${entries.length > 3 ? ', …' : ''}` +
        `, and no ${EXPORT_MANIFEST}): give an empty or new folder`,
    );
  }
  return { dir, ...(await readManifest(dir, refuse)) };
}

async function readManifest(
  dir: string,
  refuse: (why: string) => OutputError,
): Promise<{ manifest: Manifest; source?: ExportSource }> {
  const file = path.join(dir, EXPORT_MANIFEST);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw refuse(`holds a ${EXPORT_MANIFEST} that cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  const files = (parsed as { format?: unknown; files?: unknown } | null)?.files;
  const valid =
    (parsed as { format?: unknown }).format === FORMAT &&
    typeof files === 'object' &&
    files !== null &&
    Object.entries(files).every(([name, hash]) => typeof hash === 'string' && safeName(name));
  if (!valid) throw refuse(`holds a ${EXPORT_MANIFEST} that is not one projectgraph writes`);
  const manifest = new Map(Object.entries(files as Record<string, string>));
  const made = (parsed as { made?: Partial<Record<keyof ExportSource, unknown>> }).made;
  // Anything else than three strings and a list of strings is no source: the next export renders everything.
  const named = made?.named;
  const source =
    typeof made?.state === 'string' &&
    typeof made.code === 'string' &&
    typeof made.shown === 'string' &&
    Array.isArray(named) &&
    named.every((n) => typeof n === 'string')
      ? { state: made.state, code: made.code, shown: made.shown, named: named as string[] }
      : undefined;
  return source ? { manifest, source } : { manifest };
}

/** A manifest may only name files inside the folder: a hand-edited one must not make the export remove others. */
function safeName(name: string): boolean {
  const parts = name.split('/');
  return name !== EXPORT_MANIFEST && parts.every((p) => p !== '' && p !== '.' && p !== '..' && !p.includes('\\'));
}

/**
 * Replaces the manifest in one rename, so a reader (or the next export) never sees half of it. `source` is written
 * only by an export that finished: one killed half way leaves none, and the next export renders everything.
 */
export async function writeManifest(dir: string, manifest: Manifest, source?: ExportSource): Promise<void> {
  const files = Object.fromEntries([...manifest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const temporary = path.join(dir, `${EXPORT_MANIFEST}.${process.pid}`);
  const made = source ? { made: source } : {};
  await writeFile(temporary, `${JSON.stringify({ format: FORMAT, ...made, files }, null, 1)}\n`);
  await rename(temporary, path.join(dir, EXPORT_MANIFEST));
}
