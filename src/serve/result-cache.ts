// A bounded cache of serialised query results: the store never changes while the server runs, so an answer stays right.
import type { Answer } from './answer.ts';

/** Answers are kept as the one Buffer every client is sent from; a hit hands out that Buffer, never a copy. */
export class ResultCache {
  private readonly entries = new Map<string, Answer>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntryBytes: number,
  ) {}

  get(key: string): Answer | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Map order is insertion order: re-inserting marks the entry as most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Answer): void {
    const size = value.body.length + key.length;
    if (size > this.maxEntryBytes || this.entries.has(key)) return;
    this.entries.set(key, value);
    this.bytes += size;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= old.body.length + oldKey.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
