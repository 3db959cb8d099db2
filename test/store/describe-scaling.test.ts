// describe() asks the store only about the resource and what it links to: its cost does not grow with the statements
// about other resources (a query that scans the store would make every page of a large build take seconds).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/store/embedded.ts';

const BASE = 'https://projectgraph.example/';
const TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const NAME = 'http://schema.org/name';
const GRAPH = `${BASE}graph/test`;

/**
 * A build's dumps (dataset.nq, and dataset.nt for the default graph) of a project linking 40 keywords (each typed
 * and named, one linking back), beside `others` unrelated projects, loaded as serve and export-site load a build.
 */
async function storeWith(others: number): Promise<EmbeddedStore> {
  const lines: string[] = [];
  const add = (s: string, p: string, o: string) => lines.push(`<${s}> <${p}> ${o} <${GRAPH}> .`);
  const project = `${BASE}project/p`;
  add(project, TYPE, `<http://schema.org/ResearchProject>`);
  add(project, NAME, '"P"@nl');
  add(project, 'http://www.w3.org/ns/prov#wasDerivedFrom', `<${project}#record>`);
  add(`${project}#record`, TYPE, '<http://www.w3.org/ns/prov#Entity>');
  for (let k = 0; k < 40; k++) {
    const keyword = `${BASE}keyword/k${k}`;
    add(project, 'http://schema.org/keywords', `<${keyword}>`);
    add(keyword, TYPE, '<http://schema.org/DefinedTerm>');
    add(keyword, NAME, `"k${k}"@nl`);
  }
  add(`${BASE}keyword/k0`, 'http://schema.org/subjectOf', `<${project}>`);
  for (let i = 0; i < others; i++) {
    const other = `${BASE}project/o${i}`;
    add(other, TYPE, '<http://schema.org/ResearchProject>');
    add(other, NAME, `"o${i}"@nl`);
    add(other, 'http://schema.org/keywords', `<${BASE}keyword/x${i % 500}>`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'pg-describe-'));
  try {
    await writeFile(path.join(dir, 'dataset.nq'), `${lines.join('\n')}\n`);
    await writeFile(path.join(dir, 'dataset.nt'), `${lines.map((l) => l.replace(` <${GRAPH}> .`, ' .')).join('\n')}\n`);
    return await EmbeddedStore.load(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The fastest of a few descriptions of the project, in ms, and the description. */
async function timed(store: EmbeddedStore) {
  let best = Number.POSITIVE_INFINITY;
  let sizes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const d = await store.describe(`${BASE}project/p`);
    best = Math.min(best, performance.now() - start);
    sizes = [d?.own.length ?? 0, d?.incoming.length ?? 0, d?.context.length ?? 0];
  }
  return { best, sizes };
}

describe('describe on a large store', () => {
  it('costs about the same beside 3,000 or 150,000 statements about other resources', async () => {
    const small = await storeWith(1_000);
    const large = await storeWith(50_000);
    try {
      const a = await timed(small);
      const b = await timed(large);
      // The same description: 44 own statements (the record's type among them), one link back, 80 labels and types.
      expect(a.sizes).toEqual([44, 1, 80]);
      expect(b.sizes).toEqual(a.sizes);
      // Fifty times the statements; a scan of them would cost fifty times as much.
      expect(b.best, `${a.best.toFixed(1)} ms beside 3,000, ${b.best.toFixed(1)} ms beside 150,000`).toBeLessThan(
        5 * a.best + 20,
      );
    } finally {
      small.close();
      large.close();
    }
  }, 60_000);
});
