// The output directory: refuses what is not projectgraph's, publishes by one rename of a link, one build at a time.
import { randomBytes } from 'node:crypto';
import {
  link,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputError, ProjectgraphError, invariant } from '../errors.ts';

/*
 * Layout, for `--out site/output`:
 *
 *   site/output                  a symbolic link to .output.builds/<n>, replaced by rename(2) of a new link
 *   site/.output.builds/<n>      the builds; the current one and the one before it (for readers still on it)
 *   site/.output.builds/.lock    held by the one build that may publish into site/output
 *
 * A reader of site/output/… sees the whole previous build or the whole new one, never a mix and never nothing.
 */

/** Written last into every build: a folder that carries it is a whole build of projectgraph. */
export const BUILD_MARKER = '.projectgraph-build';
const MARKER_TEXT =
  'A build of projectgraph. The next build replaces this whole folder: keep no files of your own here.\n';
/** What every build before the marker existed wrote: an output holding all of them is an older projectgraph build. */
const OLD_BUILD_FILES = ['dataset.nt', 'dataset.ttl', 'catalog.ttl', 'void.ttl', 'sitemap.xml', 'robots.txt'];
const LOCK = '.lock';
const STAGING = '.staging-';
/** The build cache (build/build-cache.ts): kept between builds, safe to delete. */
const CACHE = 'cache';
const NEW_LINK = '.link-';
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Folders an output may not be, contain or lie inside (the build reads them, or they are not the build's). */
export interface Guards {
  dataDir: string;
  shapesDir: string;
}

/** What the output path holds now. */
type Current =
  | { kind: 'none' }
  /** Our link; `version` is undefined when it points at a build that is gone. */
  | { kind: 'link'; version: number | undefined }
  /** A real folder: empty, or a build of an older projectgraph (published before outputs were links). */
  | { kind: 'folder'; empty: boolean };

/** An output directory held by this build: claim it, stage a build, publish it, release it. */
export class OutputDir {
  private published: number | undefined;
  private staging: string | undefined;

  private constructor(
    /** The path as the user gave it, for messages. */
    readonly given: string,
    /** Where the link lives: the given path, or the place the user's own links lead to. */
    readonly target: string,
    private readonly lock: Lock,
    private current: Current,
  ) {}

  /** Where the build cache lives: in the builds folder, which only projectgraph writes. */
  get cacheDir(): string {
    return path.join(this.builds, CACHE);
  }

  /** The folder beside the target that holds the builds. */
  get builds(): string {
    return buildsDir(this.target);
  }

  /**
   * Checks that the output is projectgraph's (else an OutputError: exit 2, nothing touched), then takes its lock
   * and repairs what a killed build left: its staging folder, and no output at all when it died while moving
   * an older output folder aside.
   */
  static async claim(given: string, guards: Guards): Promise<OutputDir> {
    const target = await followUserLinks(given);
    await inspect(given, target, guards);
    await mkdir(path.dirname(target), { recursive: true });
    // Not recursive: a recursive mkdir on a read-only file system reports ENOENT instead of EROFS.
    await mkdir(buildsDir(target)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    const lock = await Lock.take(path.join(buildsDir(target), LOCK), given);
    try {
      // Again under the lock: the build that held it before may have published meanwhile.
      const output = new OutputDir(given, target, lock, await inspect(given, target, guards));
      await output.recover();
      return output;
    } catch (e) {
      await lock.release();
      await rmdir(buildsDir(target)).catch(() => {});
      throw e;
    }
  }

  /** The folder of the build that readers see now, which a new build compares itself with; undefined if none. */
  get currentDir(): string | undefined {
    const c = this.current;
    if (c.kind === 'link') return c.version === undefined ? undefined : path.join(this.builds, String(c.version));
    return c.kind === 'folder' && !c.empty ? this.target : undefined;
  }

  /** A fresh folder to write the new build into, on the same file system as the output so it can be renamed in. */
  async stage(): Promise<string> {
    const dir = path.join(this.builds, `${STAGING}${process.pid}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    this.staging = dir;
    return dir;
  }

  /**
   * Publishes the staged build: marks it whole, renames it to the next build number and switches the output to it
   * with one rename of a new link. Older builds but the one just replaced are removed after; what cannot be
   * removed is returned as warnings, as the new build is published all the same.
   */
  async publish(): Promise<{ version: number; warnings: string[] }> {
    const staged = this.staging;
    invariant(staged, 'publish() before stage()');
    await writeFile(path.join(staged, BUILD_MARKER), MARKER_TEXT);
    await this.lock.assertHeld();
    const numbers = await versions(this.builds);
    const linked = this.current.kind === 'link' && this.current.version ? [this.current.version] : [];
    let next = Math.max(0, ...numbers, ...linked) + 1;
    let previous = this.current.kind === 'link' ? this.current.version : undefined;
    const folder = this.current.kind === 'folder' ? this.current : undefined;
    const oldNumber = folder && !folder.empty ? next++ : undefined;
    const version = next;
    await rename(staged, path.join(this.builds, String(version)));
    this.staging = undefined;
    const newLink = path.join(this.builds, `${NEW_LINK}${process.pid}`);
    await rm(newLink, { force: true });
    await symlink(linkText(this.target, version), newLink);
    if (folder) {
      // An older output was a real folder, and rename(2) cannot put a link over a folder: it is moved in among the
      // builds first. The output is missing between these two renames, once; a build or `serve` started after a
      // kill between them puts the link back (recover()).
      if (oldNumber !== undefined) {
        await writeFile(path.join(this.target, BUILD_MARKER), MARKER_TEXT);
        await rename(this.target, path.join(this.builds, String(oldNumber)));
        previous = oldNumber;
      } else await rmdir(this.target);
      try {
        await rename(newLink, this.target);
      } catch (e) {
        if (oldNumber !== undefined) await rename(path.join(this.builds, String(oldNumber)), this.target);
        else await mkdir(this.target);
        throw e;
      }
    } else {
      await rename(newLink, this.target);
    }
    this.published = version;
    this.current = { kind: 'link', version };
    const warnings: string[] = [];
    for (const n of await versions(this.builds)) {
      if (n === version || n === previous) continue;
      const dir = path.join(this.builds, String(n));
      try {
        await rm(dir, { recursive: true, force: true });
      } catch (e) {
        warnings.push(
          `the old build ${dir} could not be removed (${describe(e)}); build ${version} is published at ` +
            `${this.given} all the same, and the next build tries the removal again`,
        );
      }
    }
    return { version, warnings };
  }

  /** Removes the staging folder of a build that failed. */
  async discard(): Promise<void> {
    if (this.staging) await rm(this.staging, { recursive: true, force: true });
    this.staging = undefined;
  }

  /** Lets the next build in; a builds folder that holds nothing (a first build that failed) goes too. */
  async release(): Promise<void> {
    await this.discard();
    await this.lock.release();
    await rmdir(this.builds).catch(() => {});
  }

  /** What the output is now, in words, for the message after a failure. */
  state(): string {
    if (this.published !== undefined) return `build ${this.published} is published at ${this.given}`;
    return unchanged(this.given, this.current, this.builds);
  }

  private async recover(): Promise<void> {
    for (const e of await readdir(this.builds)) {
      // Under the lock, staging folders and new links are a killed build's; so are lock files of dead processes.
      const lockPid = /^\.lock\.(?:stale-)?(\d+)-/.exec(e)?.[1];
      const deadLock = lockPid !== undefined && Number(lockPid) !== process.pid && !isAlive(Number(lockPid));
      if (e.startsWith(STAGING) || e.startsWith(NEW_LINK) || deadLock) {
        await rm(path.join(this.builds, e), { recursive: true, force: true });
      }
    }
    if (this.current.kind !== 'none') return;
    const newest = await newestWhole(this.builds);
    if (newest === undefined) return;
    await restoreLink(this.target, newest);
    this.current = { kind: 'link', version: newest };
  }
}

/** The state of an output that a failed build did not change, in words. */
function unchanged(given: string, current: Current, builds: string): string {
  if (current.kind === 'link' && current.version !== undefined) {
    const dir = path.join(builds, String(current.version));
    return `nothing was published, the previous output is unchanged (${given} is build ${current.version}, ${dir})`;
  }
  if (current.kind === 'folder' && !current.empty) {
    return `nothing was published, the previous output is unchanged (${given})`;
  }
  return `nothing was published; there is no previous output at ${given}`;
}

/**
 * Puts the output back after a build was killed between moving an older output folder aside and renaming the link
 * in; `serve` calls it before it starts. Returns what it did, or undefined when nothing needed doing.
 */
export async function repairOutput(given: string): Promise<string | undefined> {
  const target = await followUserLinks(given);
  const builds = buildsDir(target);
  if ((await exists(target)) || !(await exists(builds))) return undefined;
  if ((await newestWhole(builds)) === undefined) return undefined;
  const lock = await Lock.take(path.join(builds, LOCK), given);
  try {
    const newest = await newestWhole(builds);
    if ((await exists(target)) || newest === undefined) return undefined;
    await restoreLink(target, newest);
    return `${given} was missing (a build was stopped while publishing); it is build ${newest} again`;
  } finally {
    await lock.release();
  }
}

async function restoreLink(target: string, version: number): Promise<void> {
  const tmp = path.join(buildsDir(target), `${NEW_LINK}${process.pid}`);
  await rm(tmp, { force: true });
  await symlink(linkText(target, version), tmp);
  await rename(tmp, target);
}

function buildsDir(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.builds`);
}

/** The link's text: relative, so a project folder that is moved or copied keeps a working output. */
function linkText(target: string, version: number): string {
  return `.${path.basename(target)}.builds/${version}`;
}

/** The build number an output link of ours points at, or undefined when the link is not one of ours. */
function ownLinkVersion(target: string, text: string): number | undefined {
  const prefix = `.${path.basename(target)}.builds/`;
  if (!text.startsWith(prefix)) return undefined;
  const rest = text.slice(prefix.length);
  return /^[1-9]\d*$/.test(rest) ? Number(rest) : undefined;
}

/**
 * Where the output really is: a link the user made (to a web root, say) is followed, link by link, to the place
 * where projectgraph keeps its own link. The path comes back with every folder above it resolved, so that it
 * can be compared with the data folder and the project.
 */
async function followUserLinks(given: string): Promise<string> {
  let p = await canonical(path.resolve(given));
  for (let hops = 0; hops < 40; hops++) {
    let s: Stats;
    try {
      s = await lstat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return p;
      throw e;
    }
    if (!s.isSymbolicLink()) return p;
    const text = await readlink(p);
    if (ownLinkVersion(p, text) !== undefined) return p;
    p = await canonical(path.resolve(path.dirname(p), text));
  }
  throw new OutputError(`--out ${given}: more than 40 symbolic links in a row; nothing was touched`);
}

/**
 * `p` with the folders above it resolved through links (realpath of the longest existing prefix); its last part
 * is kept as it is, for it may be a link that the caller reads.
 */
async function canonical(p: string): Promise<string> {
  if (path.dirname(p) === p) return p;
  const rest: string[] = [path.basename(p)];
  let head = path.dirname(p);
  for (;;) {
    try {
      return path.join(await realpath(head), ...rest);
    } catch {
      const up = path.dirname(head);
      if (up === head) return p;
      rest.unshift(path.basename(head));
      head = up;
    }
  }
}

/** `p` with the folders above it resolved through links, as the build compares its --out (site/export-dir.ts too). */
export const canonicalPath = (p: string): Promise<string> => canonical(p);

/** Whether `child` lies strictly inside `parent` (both resolved). */
export const isInside = (child: string, parent: string): boolean => inside(child, parent);

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Reads what the output path holds; throws an OutputError, before anything is touched, when it is not ours. */
async function inspect(given: string, target: string, guards: Guards): Promise<Current> {
  const shown = `--out ${given}${target !== path.resolve(given) ? ` (${target})` : ''}`;
  const refuse = (why: string) => new OutputError(`${shown} ${why}; nothing was touched`);
  if (path.dirname(target) === target) throw refuse('is the root of the file system');
  const named: [string, string][] = [
    ['the data folder', guards.dataDir],
    ['the shapes folder', guards.shapesDir],
    ['the projectgraph installation', PROJECT_ROOT],
    ['the current directory', process.cwd()],
  ];
  for (const [what, dir] of named) {
    const real = await realpath(dir).catch(() => canonical(path.resolve(dir)));
    if (real === target) throw refuse(`is ${what}`);
    if (inside(real, target)) throw refuse(`contains ${what} (${real})`);
    if (what !== 'the projectgraph installation' && what !== 'the current directory' && inside(target, real)) {
      throw refuse(`is inside ${what} (${real}), which the build reads`);
    }
  }
  const parent = path.basename(path.dirname(target));
  if (/^\..+\.builds$/.test(parent) && /^\d+$/.test(path.basename(target))) {
    const output = path.join(path.dirname(path.dirname(target)), parent.slice(1, -'.builds'.length));
    throw refuse(`is one of the builds kept for ${output}: give that path instead`);
  }
  await inspectBuilds(buildsDir(target), refuse);
  let s: Stats;
  try {
    s = await lstat(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw e;
  }
  if (s.isSymbolicLink()) {
    const version = ownLinkVersion(target, await readlink(target));
    const whole = version !== undefined && (await exists(path.join(buildsDir(target), String(version), BUILD_MARKER)));
    return { kind: 'link', version: whole ? version : undefined };
  }
  if (!s.isDirectory()) throw refuse('is a file, not a folder');
  const entries = await readdir(target);
  if (entries.includes('.git')) throw refuse('holds a .git repository');
  // rename(2) cannot move a mount point, and a link cannot be put in its place.
  if ((await stat(path.dirname(target))).dev !== s.dev) {
    throw refuse(`is a mount point; give a folder inside it, such as ${path.join(given, 'site')}`);
  }
  if (entries.length === 0) return { kind: 'folder', empty: true };
  if (entries.includes(BUILD_MARKER) || OLD_BUILD_FILES.every((f) => entries.includes(f))) {
    return { kind: 'folder', empty: false };
  }
  const some = entries.sort().slice(0, 3).join(', ');
  throw refuse(
    `is a folder that is not a build of projectgraph (it holds ${some}${entries.length > 3 ? ', …' : ''}), ` +
      'and the build replaces the whole output: give an empty or new folder',
  );
}

/** The folder of builds beside the output must hold only what projectgraph puts there. */
async function inspectBuilds(builds: string, refuse: (why: string) => OutputError): Promise<void> {
  let s: Stats;
  try {
    s = await lstat(builds);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!s.isDirectory()) throw refuse(`has a ${builds} that is not a folder of projectgraph's builds`);
  const foreign = (await readdir(builds)).filter(
    (e) =>
      !/^\d+$/.test(e) &&
      e !== LOCK &&
      e !== CACHE &&
      !e.startsWith(`${LOCK}.`) &&
      !e.startsWith(STAGING) &&
      !e.startsWith(NEW_LINK),
  );
  if (foreign.length > 0) {
    const some = foreign.sort().slice(0, 3).join(', ');
    throw refuse(`has a ${builds} holding files that are not projectgraph's (${some})`);
  }
}

/** The numbered builds in the builds folder, whole or not. */
async function versions(builds: string): Promise<number[]> {
  return (await readdir(builds)).filter((e) => /^\d+$/.test(e)).map(Number);
}

/** The newest build that carries the marker (so was written to the end). */
async function newestWhole(builds: string): Promise<number | undefined> {
  const numbers = (await versions(builds)).sort((a, b) => b - a);
  for (const n of numbers) if (await exists(path.join(builds, String(n), BUILD_MARKER))) return n;
  return undefined;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '').split(',')[0]}` : String(e);
}

/**
 * One build at a time per output: a lock file holding the builder's pid, made whole by link(2) so that it is never
 * seen half written. A lock whose process is gone is taken over. (A lock that is refreshed on a timer, as
 * proper-lockfile does, would be taken for stale while a large build's synchronous stages hold the event loop.)
 */
class Lock {
  private constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}

  static async take(file: string, given: string): Promise<Lock> {
    const token = randomBytes(8).toString('hex');
    const text = `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString(), token })}\n`;
    const tmp = `${file}.${process.pid}-${token}`;
    try {
      await writeFile(tmp, text);
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await link(tmp, file);
          return new Lock(file, text);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const held = await readFile(file, 'utf8').catch(() => undefined);
        if (held === undefined) continue;
        const holder = parseHolder(held);
        if (!holder || holder.host !== hostname() || isAlive(holder.pid)) {
          const where = holder && holder.host !== hostname() ? ` on ${holder.host}` : '';
          const who = holder ? `pid ${holder.pid}${where}, since ${holder.since}` : 'unreadable';
          throw new OutputError(
            `${given} is being published by another build (${who}; lock ${file}); nothing was touched. Run the build ` +
              'again when that one has ended, or delete the lock if no build is running',
          );
        }
        // The holder is dead. Move its lock aside and delete it only if it is still the dead one's: another build
        // may have taken the lock over between our read and the rename, and then gets it back.
        const aside = `${file}.stale-${process.pid}-${token}`;
        try {
          await rename(file, aside);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw e;
        }
        if ((await readFile(aside, 'utf8')) !== held) await link(aside, file).catch(() => {});
        await unlink(aside);
      }
      throw new OutputError(`${given}: the lock ${file} kept changing hands; nothing was touched. Run the build again`);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Before the switch: another build that wrongly took the lock over must not be raced. */
  async assertHeld(): Promise<void> {
    const now = await readFile(this.file, 'utf8').catch(() => undefined);
    if (now !== this.text) {
      // Not an OutputError: the build is wrapped in a PublishFailure, which says what the output is now.
      throw new ProjectgraphError('OUTPUT', `the lock ${this.file} was taken by another process while this build ran`);
    }
  }

  async release(): Promise<void> {
    const now = await readFile(this.file, 'utf8').catch(() => undefined);
    if (now === this.text) await unlink(this.file).catch(() => {});
  }
}

function parseHolder(text: string): { pid: number; host: string; since: string } | undefined {
  try {
    const v = JSON.parse(text) as { pid?: unknown; host?: unknown; since?: unknown };
    if (typeof v.pid === 'number' && typeof v.host === 'string') {
      return { pid: v.pid, host: v.host, since: String(v.since) };
    }
  } catch {
    // fall through: not a lock this program wrote
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes files under one directory, making folders as needed (the pages' worker threads write with one each). */
export class DirectoryWriter {
  /** Directories already made, so a build of many pages does not ask the file system for each one again. */
  private readonly made = new Set<string>();

  constructor(readonly dir: string) {}

  async write(relative: string, content: string | Uint8Array): Promise<void> {
    const file = path.join(this.dir, relative);
    const parent = path.dirname(file);
    if (!this.made.has(parent)) {
      await mkdir(parent, { recursive: true });
      this.made.add(parent);
    }
    await writeFile(file, content);
  }
}
