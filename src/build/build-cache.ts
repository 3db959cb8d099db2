// The build cache: what the build made of each record and each graph, kept between builds under a key of
// everything it came from, so a rebuild redoes only what changed. Deleting it is always safe.
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { invariant } from '../errors.ts';
import { LocationTable, isCheck, type Location } from './cache-locations.ts';

/**
 * Changes whenever what the build writes for the same input may change: a new version of projectgraph or of the
 * libraries that write the pieces. Entries made under another value are not used.
 */
export type CacheVersion = string;

/** One line of the format and code version, then `key segment offset length check` per entry. */
const INDEX = 'index';
const FORMAT = 'projectgraph-cache/1';
/** A segment whose live entries are fewer than this share of its bytes is copied into the new one and dropped. */
const COMPACT_BELOW = 0.5;

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries whose bytes did not match their check, made again. */
  corrupt: number;
}

/**
 * Entries are strings under string keys. New entries go to a new segment file; at `commit()` the index keeps the
 * entries this build used and the segments that hold none of them are removed. Nothing here is trusted: an
 * unreadable index starts an empty cache, an entry that fails its check is a miss.
 */
/** What the build asks of a cache; noCache, for `validate`, keeps nothing. */
export interface PieceCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export const noCache: PieceCache = {
  get: () => undefined,
  set: () => {},
};

export class BuildCache implements PieceCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0 };
  private readonly old: LocationTable;
  private readonly used = new LocationTable();
  private readonly fds = new Map<number, number>();
  private readonly segment: number;
  private segmentFd: number | undefined;
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private constructor(
    private readonly dir: string,
    private readonly version: CacheVersion,
    old: LocationTable,
    private readonly hadIndex: boolean,
  ) {
    this.old = old;
    const numbers = segmentsIn(dir);
    this.segment = numbers.length === 0 ? 1 : Math.max(...numbers) + 1;
  }

  /** Opens the cache in `dir` (made when missing). */
  static open(dir: string, version: CacheVersion): BuildCache {
    mkdirSync(dir, { recursive: true });
    const entries = readIndex(path.join(dir, INDEX), version);
    return new BuildCache(dir, version, entries ?? new LocationTable(), entries !== undefined);
  }

  /** The entry under `key`, or undefined; a hit is kept at the next commit. */
  get(key: string): string | undefined {
    const fresh = this.used.get(key);
    const at = fresh ?? this.old.get(key);
    if (!at) {
      this.stats.misses++;
      return undefined;
    }
    const bytes = this.read(at);
    if (bytes === undefined || digest(bytes) !== at.check) {
      this.stats.corrupt++;
      this.stats.misses++;
      return undefined;
    }
    if (!fresh) this.used.set(key, at);
    this.stats.hits++;
    return bytes.toString('utf8');
  }

  /** Stores `value` under `key` (no spaces or line breaks) for later builds. */
  set(key: string, value: string): void {
    invariant(!/[\s]/.test(key), () => `a cache key holds a space: ${key}`);
    const bytes = Buffer.from(value, 'utf8');
    this.used.set(key, this.append(bytes));
  }

  /**
   * Writes the new segment and the index of the entries this build used, then removes the segments no entry
   * needs; segments mostly of unused entries have their used entries copied into the new segment first.
   */
  commit(): void {
    const live = new Map<number, number>();
    for (const at of this.used.values()) live.set(at.segment, (live.get(at.segment) ?? 0) + at.length);
    for (const n of segmentsIn(this.dir)) {
      if (n === this.segment) continue;
      const bytes = live.get(n) ?? 0;
      if (bytes === 0) continue;
      let total = 0;
      try {
        total = statSync(this.segmentFile(n)).size;
      } catch {
        continue;
      }
      if (bytes >= total * COMPACT_BELOW) continue;
      for (const [key, at] of this.used) {
        if (at.segment !== n) continue;
        const data = this.read(at);
        if (data !== undefined) this.used.set(key, this.append(data));
      }
    }
    this.flush();
    if (this.segmentFd !== undefined) closeSync(this.segmentFd);
    this.segmentFd = undefined;
    writeIndex(path.join(this.dir, INDEX), this.version, this.used);
    const needed = new Set([...this.used.values()].map((at) => at.segment));
    this.closeReaders();
    for (const n of segmentsIn(this.dir)) if (!needed.has(n)) rmSync(this.segmentFile(n), { force: true });
    // An index a killed build was writing.
    for (const f of readdirSync(this.dir))
      if (f.startsWith(`${INDEX}.`)) rmSync(path.join(this.dir, f), { force: true });
  }

  /**
   * Closes the files without changing the index (a build that failed): the new segment goes, and a cache that
   * had no index before goes whole, so a first build that fails leaves nothing behind.
   */
  abandon(): void {
    this.pending = [];
    this.pendingBytes = 0;
    if (this.segmentFd !== undefined) closeSync(this.segmentFd);
    this.segmentFd = undefined;
    this.closeReaders();
    if (!this.hadIndex) rmSync(this.dir, { recursive: true, force: true });
    else rmSync(this.segmentFile(this.segment), { force: true });
  }

  private append(bytes: Buffer): Location {
    if (this.segmentFd === undefined) this.segmentFd = openSync(this.segmentFile(this.segment), 'w+');
    const at = { segment: this.segment, offset: this.size, length: bytes.length, check: digest(bytes) };
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.size += bytes.length;
    if (this.pendingBytes >= 1 << 20) this.flush();
    return at;
  }

  private flush(): void {
    if (this.pending.length === 0 || this.segmentFd === undefined) return;
    const chunk = Buffer.concat(this.pending);
    const start = this.size - chunk.length;
    this.pending = [];
    this.pendingBytes = 0;
    let written = 0;
    while (written < chunk.length)
      written += writeSync(this.segmentFd, chunk, written, chunk.length - written, start + written);
  }

  private read(at: Location): Buffer | undefined {
    if (at.segment === this.segment) this.flush();
    let fd = at.segment === this.segment ? this.segmentFd : this.fds.get(at.segment);
    if (fd === undefined) {
      try {
        fd = openSync(this.segmentFile(at.segment), 'r');
      } catch {
        return undefined;
      }
      this.fds.set(at.segment, fd);
    }
    const buffer = Buffer.allocUnsafe(at.length);
    let read = 0;
    while (read < at.length) {
      const n = readSync(fd, buffer, read, at.length - read, at.offset + read);
      if (n === 0) return undefined;
      read += n;
    }
    return buffer;
  }

  private closeReaders(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private segmentFile(n: number): string {
    return path.join(this.dir, `segment-${n}.bin`);
  }
}

/** A cache key from its parts: any change in any part is another key. */
export function cacheKey(...parts: (string | Uint8Array)[]): string {
  const key = new CacheKeyBuilder();
  for (const p of parts) key.add(p);
  return key.key();
}

/** cacheKey's key made a part at a time, for keys of more parts than are worth holding at once. */
export class CacheKeyBuilder {
  private readonly hash = createHash('sha256');

  add(part: string | Uint8Array): this {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    this.hash.update(`${bytes.length}:`);
    this.hash.update(bytes);
    return this;
  }

  key(): string {
    // 128 bits: no two of a build's entries meet by chance, and the index stays half the size.
    return this.hash.digest('hex').slice(0, 32);
  }
}

function digest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

function segmentsIn(dir: string): number[] {
  try {
    return readdirSync(dir)
      .map((f) => /^segment-(\d+)\.bin$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
  } catch {
    return [];
  }
}

/** The index's entries, or undefined when there is none or it is not whole and of this version. */
function readIndex(file: string, version: CacheVersion): LocationTable | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const entries = new LocationTable();
    const buffer = Buffer.allocUnsafe(1 << 22);
    let rest = '';
    let first = true;
    let ended = false;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      const text = rest + buffer.toString('utf8', 0, n);
      const lines = text.split('\n');
      rest = n === 0 ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        if (line === '') continue;
        if (first) {
          if (line !== `${FORMAT} ${version}`) return undefined;
          first = false;
          continue;
        }
        if (line === 'end') {
          ended = true;
          continue;
        }
        const [key, segment, offset, length, check] = line.split(' ');
        const numbers = [segment, offset, length].map(Number);
        if (!key || !check || !isCheck(check) || ended || numbers.some((x) => !Number.isSafeInteger(x) || x < 0))
          return undefined;
        entries.set(key, { segment: numbers[0]!, offset: numbers[1]!, length: numbers[2]!, check });
      }
      if (n === 0) break;
    }
    // A index cut short (a full disk) has no last line: it is not used.
    return ended ? entries : undefined;
  } finally {
    closeSync(fd);
  }
}

/** Writes the index beside itself and renames it into place, so a reader sees the old index or the new one. */
function writeIndex(file: string, version: CacheVersion, entries: LocationTable): void {
  const tmp = `${file}.${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    let chunk = `${FORMAT} ${version}\n`;
    const put = (text: string) => {
      chunk += text;
      if (chunk.length >= 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    };
    for (const [key, at] of entries) put(`${key} ${at.segment} ${at.offset} ${at.length} ${at.check}\n`);
    put('end\n');
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
