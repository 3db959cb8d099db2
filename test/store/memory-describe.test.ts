// Descriptions from the graph in memory (export-site's) equal the embedded store's, for every resource of a build.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Writer } from 'n3';
import type * as RDF from '@rdfjs/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { build } from '../../src/pipeline.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { MemoryDescribedStore, MemoryGraph } from '../../src/store/memory-describe.ts';
import type { Description } from '../../src/store/store.ts';
import { workspaceWithRealData } from '../support/project.ts';

const BASE = 'https://projectgraph.example/';

const writer = new Writer({ format: 'N-Triples' });
const lines = (qs: readonly RDF.Quad[]) =>
  [...new Set(qs.map((q) => writer.quadToString(q.subject, q.predicate, q.object)))].sort();
const parts = (d: Description | undefined) =>
  d && { own: lines(d.own), incoming: lines(d.incoming), context: lines(d.context) };

describe.each([
  ['real data', undefined],
  ['generated data', { projects: 25, seed: 4 }],
] as const)('a description from memory, %s', (_, generated) => {
  let ws: string;
  let store: EmbeddedStore;
  let memory: MemoryDescribedStore;
  let subjects: string[];
  beforeAll(async () => {
    ws = await workspaceWithRealData();
    const data = path.join(ws, 'data');
    if (generated) {
      await rm(data, { recursive: true, force: true });
      await generate(data, generated.projects, generated.seed);
    }
    const out = path.join(ws, 'output');
    await build({ dataDir: data, outDir: out, sourceDateEpoch: '1790000000' });
    store = await EmbeddedStore.load(out);
    const graph = await MemoryGraph.read(path.join(out, 'dataset.nt'));
    memory = new MemoryDescribedStore(store, graph);
    const all = store.oxigraph.match(null, null, null, null);
    subjects = [
      ...new Set(
        all
          .flatMap((q) => [q.subject, q.object])
          .filter((t) => t.termType === 'NamedNode')
          .map((t) => t.value),
      ),
    ].sort();
  }, 180_000);
  afterAll(async () => {
    store?.close();
    await rm(ws, { recursive: true, force: true });
  });

  it("equals the store's for every IRI the build names, fragments and IRIs outside the base included", async () => {
    expect(subjects.length).toBeGreaterThan(50);
    const differ: string[] = [];
    for (const iri of [...subjects, `${BASE}project/none`]) {
      if (JSON.stringify(parts(await memory.describe(iri))) !== JSON.stringify(parts(await store.describe(iri)))) {
        differ.push(iri);
      }
    }
    expect(differ).toEqual([]);
  }, 120_000);
});
