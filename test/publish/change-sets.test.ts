// Change sets: a build that changes data writes changes/<n>.trig that turns the previous dataset into the new one; a build that changes nothing changes no byte.
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import { DataFactory } from 'n3';
import type { Quad } from '@rdfjs/types';
import { build } from '../../src/pipeline.ts';
import { parseTurtleFile, workspaceWithRealData } from '../support/project.ts';

const { quad } = DataFactory;
const key = (q: Quad) =>
  `${q.subject.value}|${q.predicate.value}|${q.object.termType}|${q.object.value}|${'language' in q.object ? q.object.language : ''}|${'datatype' in q.object ? q.object.datatype.value : ''}|${q.graph.value}`;

async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile())
      files.set(
        path.relative(dir, path.join(e.parentPath, e.name)),
        await readFile(path.join(e.parentPath, e.name), 'utf8'),
      );
  }
  return files;
}

interface Index {
  latest: number;
  changes: {
    sequence: number;
    file: string;
    modified?: string;
    graphs: { graph: string; change: string; added?: { graph: string }; removed?: { graph: string } }[];
  }[];
}

/** Applies a change set to a dataset as a consumer would: per changed graph, delete the removed statements and insert the added ones. */
function apply(dataset: Quad[], changeSet: Quad[], entry: Index['changes'][number]): Quad[] {
  const out = new Map(dataset.map((q) => [key(q), q]));
  for (const g of entry.graphs) {
    const target = DataFactory.namedNode(g.graph);
    for (const q of changeSet.filter((c) => c.graph.value === g.removed?.graph))
      out.delete(key(quad(q.subject, q.predicate, q.object, target)));
    for (const q of changeSet.filter((c) => c.graph.value === g.added?.graph)) {
      const moved = quad(q.subject, q.predicate, q.object, target);
      out.set(key(moved), moved);
    }
  }
  return [...out.values()];
}

describe('change sets between builds', () => {
  let ws: string;
  let data: string;
  let out: string;
  const run = (epoch = '1790000000') => build({ dataDir: data, outDir: out, sourceDateEpoch: epoch });
  beforeAll(async () => {
    ws = await workspaceWithRealData();
    data = path.join(ws, 'data');
    out = path.join(ws, 'output');
    await run();
  });

  it('starts at sequence 1 with no change set', async () => {
    const index = JSON.parse(await readFile(path.join(out, 'changes/index.json'), 'utf8')) as Index;
    expect(index.latest).toBe(1);
    expect(index.changes).toEqual([]);
  });

  it('changes no byte when the data has not changed, even with a later SOURCE_DATE_EPOCH', async () => {
    const before = await snapshot(out);
    await run('1800000000');
    const after = await snapshot(out);
    // The sitemap's lastmod is the build date itself (issue 5), not a statement of the data.
    for (const f of ['sitemap.xml']) {
      before.delete(f);
      after.delete(f);
    }
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [f, content] of before) expect(after.get(f), f).toBe(content);
  });

  it('writes change set 2 for a one-record edit: exactly that graph, and applying it gives the new dataset', async () => {
    const previous = await parseTurtleFile(path.join(out, 'dataset.nq'), 'application/n-quads');
    const file = path.join(data, 'organisations/enschede.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^name: .*$/m, 'name: Gemeente Enschede'));
    await run('1800000000');
    const index = JSON.parse(await readFile(path.join(out, 'changes/index.json'), 'utf8')) as Index;
    expect(index.latest).toBe(2);
    const entry = index.changes.at(-1)!;
    expect(entry.sequence).toBe(2);
    expect(entry.modified).toBe('2027-01-15');
    expect(entry.graphs.map((g) => g.graph)).toEqual(['https://projectgraph.example/graph/organisation/enschede']);
    expect(entry.graphs[0]).toMatchObject({ change: 'updated', added: { triples: 1 }, removed: { triples: 1 } });
    const changeSet = await parseTurtleFile(path.join(out, 'changes/2.trig'), 'application/trig');
    const current = await parseTurtleFile(path.join(out, 'dataset.nq'), 'application/n-quads');
    expect(isomorphic(apply(previous, changeSet, entry), current)).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(out, 'graphs.json'), 'utf8')) as {
      sequence: number;
      modified: string;
      issued: string;
    };
    expect(manifest).toMatchObject({ sequence: 2, modified: '2027-01-15', issued: '2026-09-21' });
    const catalog = await readFile(path.join(out, 'catalog.ttl'), 'utf8');
    expect(catalog).toContain('dct:modified "2027-01-15"^^xsd:date');
    // The catalogue, dataset and distributions were first issued by the first build, and say so still.
    expect(catalog).toContain('dct:issued "2026-09-21"^^xsd:date');
    expect(catalog).not.toContain('dct:issued "2027-01-15"^^xsd:date');
  });

  it('keeps earlier change sets and marks a deleted record as a removed graph', async () => {
    await rm(path.join(data, 'organisations/hengelo.yaml'));
    const project = path.join(data, 'projects/cluster-governance-kks-2015.yaml');
    const text = await readFile(project, 'utf8');
    if (text.includes('hengelo')) await writeFile(project, text.replace(/^\s*- hengelo\n/m, ''));
    await run('1810000000');
    const index = JSON.parse(await readFile(path.join(out, 'changes/index.json'), 'utf8')) as Index;
    expect(index.changes.map((c) => c.sequence)).toEqual([2, 3]);
    expect(await readdir(path.join(out, 'changes'))).toEqual(
      expect.arrayContaining(['2.trig', '3.trig', 'index.json']),
    );
    const removed = index.changes[1]!.graphs.find((g) => g.graph.endsWith('/graph/organisation/hengelo'));
    expect(removed?.change).toBe('removed');
    expect(removed?.added).toBeUndefined();
  });

  it('starts a new sequence line when the previous manifest is damaged, rather than writing a wrong change set', async () => {
    await writeFile(path.join(out, 'graphs.json'), '{ not json');
    await run('1810000000');
    const index = JSON.parse(await readFile(path.join(out, 'changes/index.json'), 'utf8')) as Index;
    expect(index.latest).toBe(1);
    expect(index.changes).toEqual([]);
  });
});
