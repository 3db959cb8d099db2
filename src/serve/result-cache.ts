// A bounded cache of serialised query results: the store never changes while the server runs, so an answer stays right.
import type { QueryResponse } from './engine.ts';

export class ResultCache {
  private readonly entries = new Map<string, QueryResponse>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntryBytes: number,
  ) {}

  get(key: string): QueryResponse | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Map order is insertion order: re-inserting marks the entry as most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: QueryResponse): void {
    const size = Buffer.byteLength(value.body) + key.length;
    if (size > this.maxEntryBytes || this.entries.has(key)) return;
    this.entries.set(key, value);
    this.bytes += size;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= Buffer.byteLength(old.body) + oldKey.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
