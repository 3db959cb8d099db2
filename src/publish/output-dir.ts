// Atomic publishing: files are written into a staging directory beside output/, which replaces output/ only when all succeeded.
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const STAGING = '.building-';
const RETIRED = '.previous-';

export class StagedOutput {
  private readonly files: DirectoryWriter;

  private constructor(
    readonly target: string,
    readonly dir: string,
  ) {
    this.files = new DirectoryWriter(dir);
  }

  /** Creates a fresh staging directory next to `target` (same file system, so the final rename is atomic). */
  static async open(target: string): Promise<StagedOutput> {
    const abs = path.resolve(target);
    await recover(abs);
    const dir = path.join(path.dirname(abs), `.${path.basename(abs)}${STAGING}${process.pid}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(path.dirname(abs), { recursive: true });
    // Not recursive: a recursive mkdir on a read-only file system reports ENOENT instead of EROFS.
    await mkdir(dir);
    return new StagedOutput(abs, dir);
  }

  async write(relative: string, content: string | Uint8Array): Promise<void> {
    await this.files.write(relative, content);
  }

  /** Swaps the staging directory in; the previous output stays whole until the new one is in place. */
  async commit(): Promise<void> {
    const retired = path.join(path.dirname(this.target), `.${path.basename(this.target)}${RETIRED}${process.pid}`);
    await rm(retired, { recursive: true, force: true });
    let hadPrevious = true;
    try {
      await rename(this.target, retired);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      hadPrevious = false;
    }
    try {
      await rename(this.dir, this.target);
    } catch (e) {
      // Put the previous output back, so a failed swap never leaves no output at all.
      if (hadPrevious) await rename(retired, this.target);
      throw e;
    }
    if (hadPrevious) await rm(retired, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
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

/**
 * Cleans up after a build that was killed: staging directories of dead processes are removed, and if
 * a kill fell between the two renames of commit(), the retired output is put back.
 */
export async function recover(target: string): Promise<void> {
  const parent = path.dirname(target);
  const name = `.${path.basename(target)}`;
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  let targetExists = entries.includes(path.basename(target));
  for (const e of entries.sort()) {
    const staging = e.startsWith(name + STAGING);
    const retired = e.startsWith(name + RETIRED);
    if (!staging && !retired) continue;
    const pid = Number(e.slice(name.length + (staging ? STAGING.length : RETIRED.length)));
    if (pid !== process.pid && isAlive(pid)) continue;
    if (retired && !targetExists) {
      await rename(path.join(parent, e), target);
      targetExists = true;
    } else await rm(path.join(parent, e), { recursive: true, force: true });
  }
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
