// The build cache's table of entry locations against a plain Map, and the cache's index written and read back.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuildCache } from '../../src/build/build-cache.ts';
import { LocationTable, type Location } from '../../src/build/cache-locations.ts';

const location = fc.record({
  segment: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  offset: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  length: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  check: fc.stringMatching(/^[0-9a-f]{32}$/),
});

describe('the cache location table', () => {
  it('holds what a Map holds, in the order keys were first set, through any sequence of sets', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 6 }), location), { maxLength: 3000 }), (sets) => {
        const table = new LocationTable();
        const map = new Map<string, Location>();
        for (const [key, at] of sets) {
          table.set(key, at);
          map.set(key, at);
        }
        expect(table.size).toBe(map.size);
        expect([...table]).toEqual([...map]);
        expect([...table.values()]).toEqual([...map.values()]);
        for (const key of map.keys()) expect(table.get(key)).toEqual(map.get(key));
        expect(table.get('not a key of these, it is too long')).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });
});

describe('the build cache index', () => {
  it('gives back every entry after a commit, and starts empty from an index with a damaged check', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-cache-'));
    const version = 'test-version';
    const first = BuildCache.open(dir, version);
    const values = new Map(Array.from({ length: 2500 }, (_, i) => [`key-${i}`, `value ${i} ${'x'.repeat(i % 50)}`]));
    for (const [k, v] of values) first.set(k, v);
    first.commit();

    const again = BuildCache.open(dir, version);
    for (const [k, v] of values) expect(again.get(k)).toBe(v);
    expect(again.stats).toEqual({ hits: values.size, misses: 0, corrupt: 0 });
    again.commit();

    const index = path.join(dir, 'index');
    const lines = (await readFile(index, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace(/ [0-9a-f]{32}$/, ' not-a-check');
    await writeFile(index, lines.join('\n'));
    const damaged = BuildCache.open(dir, version);
    expect(damaged.get('key-0')).toBeUndefined();
    expect(damaged.get('key-1')).toBeUndefined();
  });
});
