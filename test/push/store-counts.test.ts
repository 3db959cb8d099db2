// Counting a store's graphs page by page: every graph under the prefix is counted once, however many pages it takes, and others are ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countGraphs, countNamed, countTotals } from '../../src/push/store-counts.ts';
import { HttpClient } from '../../src/push/http-client.ts';
import { startTestStore, type TestStore } from './support/oxigraph-store.ts';

describe('countGraphs', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await startTestStore();
    const graphs = Array.from(
      { length: 23 },
      (_, i) =>
        `GRAPH <https://x.example/graph/r${String(i).padStart(2, '0')}> { ${Array.from({ length: (i % 4) + 1 }, (_, j) => `<https://x.example/s> <https://x.example/p> ${j} .`).join(' ')} }`,
    );
    store.store.update(
      `INSERT DATA { ${graphs.join(' ')} GRAPH <https://other.example/g> { <https://x.example/s> <https://x.example/p> 1 } }`,
    );
  });
  afterAll(async () => store?.close());

  it('pages by the last graph name and finds every graph with its triple count', async () => {
    const counts = await countGraphs(new HttpClient(undefined), new URL(store.sparql), 'https://x.example/graph/', 5);
    expect(counts.size).toBe(23);
    expect(counts.get('https://x.example/graph/r00')).toBe(1);
    expect(counts.get('https://x.example/graph/r07')).toBe(4);
    expect(counts.has('https://other.example/g')).toBe(false);
    expect(store.log.filter((r) => r.method.startsWith('QUERY')).length).toBe(5);
  });

  it('counts named graphs in batches (0 for one the store lacks) and totals the dataset in one query', async () => {
    const http = new HttpClient(undefined);
    const names = ['https://x.example/graph/r03', 'https://x.example/graph/r04', 'https://x.example/graph/missing'];
    const counts = await countNamed(http, new URL(store.sparql), names, 2);
    expect([...counts]).toEqual([
      [names[0], 4],
      [names[1], 1],
      [names[2], 0],
    ]);
    expect(await countTotals(http, new URL(store.sparql), 'https://x.example/graph/')).toEqual({
      graphs: 23,
      triples: 5 * (1 + 2 + 3 + 4) + (1 + 2 + 3),
    });
    await expect(countNamed(http, new URL(store.sparql), ['https://x.example/a b'])).rejects.toThrow(
      /cannot name graph/,
    );
  });
});
