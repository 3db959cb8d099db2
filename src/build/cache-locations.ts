// Where each entry of the build cache is, held in typed arrays: a cache of a million entries keeps one string
// (the key) and a few numbers per entry instead of an object and a digest string each.

/** Where an entry's bytes are, and the start of their SHA-256 (32 hex digits) that finds a damaged entry. */
export interface Location {
  segment: number;
  offset: number;
  length: number;
  check: string;
}

/** Bytes of a check: 32 hex digits. */
const CHECK_BYTES = 16;
const CHECK = /^[0-9a-f]{32}$/;

/** Whether `check` is one a Location can hold. */
export function isCheck(check: string): boolean {
  return CHECK.test(check);
}

export class LocationTable {
  private readonly rows = new Map<string, number>();
  private segments = new Int32Array(1024);
  private offsets = new Float64Array(1024);
  private lengths = new Int32Array(1024);
  private checks = Buffer.alloc(1024 * CHECK_BYTES);

  get size(): number {
    return this.rows.size;
  }

  get(key: string): Location | undefined {
    const row = this.rows.get(key);
    return row === undefined ? undefined : this.at(row);
  }

  /** Adds the entry, or moves the one under `key`. */
  set(key: string, at: Location): void {
    let row = this.rows.get(key);
    if (row === undefined) {
      row = this.rows.size;
      if (row === this.segments.length) this.grow();
      this.rows.set(key, row);
    }
    this.segments[row] = at.segment;
    this.offsets[row] = at.offset;
    this.lengths[row] = at.length;
    this.checks.write(at.check, row * CHECK_BYTES, CHECK_BYTES, 'hex');
  }

  /** Every entry, in the order the keys were first set. */
  *[Symbol.iterator](): IterableIterator<[string, Location]> {
    for (const [key, row] of this.rows) yield [key, this.at(row)];
  }

  *values(): IterableIterator<Location> {
    for (const row of this.rows.values()) yield this.at(row);
  }

  private at(row: number): Location {
    return {
      segment: this.segments[row]!,
      offset: this.offsets[row]!,
      length: this.lengths[row]!,
      check: this.checks.toString('hex', row * CHECK_BYTES, (row + 1) * CHECK_BYTES),
    };
  }

  private grow(): void {
    const n = this.segments.length * 2;
    const segments = new Int32Array(n);
    segments.set(this.segments);
    this.segments = segments;
    const offsets = new Float64Array(n);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const lengths = new Int32Array(n);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const checks = Buffer.alloc(n * CHECK_BYTES);
    this.checks.copy(checks);
    this.checks = checks;
  }
}
