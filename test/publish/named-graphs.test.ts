// Named graphs: dataset.nq and dataset.trig hold one graph per record, the dataset's, and one per shared subject that no
// record is; each statement sits in one graph, so their union is the dump.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import { DataFactory } from 'n3';
import type { Quad } from '@rdfjs/types';
import { build, check } from '../../src/pipeline.ts';
import {
  namedGraphs,
  nquadLines,
  nquadsLayout,
  nquadsPieces,
  toTriG,
  trigPieces,
} from '../../src/publish/named-graphs.ts';
import { sitePrefixes } from '../../src/publish/site.ts';
import { parseTurtleFile, workspaceWithRealData } from '../support/project.ts';

const BASE = 'https://projectgraph.example/';

function byGraph(quads: Quad[]): Map<string, Quad[]> {
  const out = new Map<string, Quad[]>();
  for (const q of quads) out.set(q.graph.value, [...(out.get(q.graph.value) ?? []), q]);
  return out;
}

const asTriple = (q: Quad): Quad => DataFactory.quad(q.subject, q.predicate, q.object);

describe('named graphs on the real data', () => {
  let ws: string;
  let nq: Quad[];
  beforeAll(async () => {
    ws = await workspaceWithRealData();
    await build({ dataDir: path.join(ws, 'data'), outDir: path.join(ws, 'output'), sourceDateEpoch: '1790000000' });
    nq = await parseTurtleFile(path.join(ws, 'output/dataset.nq'), 'application/n-quads');
  });

  it('names one graph per record, one for the dataset description and vocabulary, and one for the keyword set', async () => {
    const records: string[] = [];
    for (const kind of ['project', 'programme', 'organisation']) {
      for (const f of await readdir(
        path.join(
          ws,
          'data',
          `${kind === 'project' ? 'projects' : kind === 'programme' ? 'programmes' : 'organisations'}`,
        ),
      )) {
        records.push(`${BASE}graph/${kind}/${f.replace(/\.yaml$/, '')}`);
      }
    }
    const names = [...byGraph(nq).keys()].sort();
    // The keyword set is described by dataset.yaml and by the project naming its terms: a shared subject, no record.
    expect(names).toEqual([...records, `${BASE}graph/dataset`, `${BASE}graph/keyword`].sort());
    expect(nq.every((q) => q.graph.termType === 'NamedNode')).toBe(true);
  });

  it("puts each record's statements in its graph: the project graph describes the project", () => {
    const g = byGraph(nq).get(`${BASE}graph/project/cluster-governance-kks-2015`) ?? [];
    const subjects = new Set(g.map((q) => q.subject.value));
    expect(subjects.has(`${BASE}project/cluster-governance-kks-2015`)).toBe(true);
    expect(subjects.has(`${BASE}organisation/enschede`)).toBe(false);
    const org = byGraph(nq).get(`${BASE}graph/organisation/enschede`) ?? [];
    expect(
      org.some(
        (q) => q.subject.value === `${BASE}organisation/enschede` && q.predicate.value === 'http://schema.org/name',
      ),
    ).toBe(true);
    const dataset = byGraph(nq).get(`${BASE}graph/dataset`) ?? [];
    expect(
      dataset.some((q) => q.subject.value === `${BASE}dataset` && q.object.value === 'http://schema.org/Dataset'),
    ).toBe(true);
    expect(dataset.some((q) => q.subject.value === `${BASE}def/background`)).toBe(true);
  });

  it('has the default-graph dump as the union of the graphs, each statement in one graph only', async () => {
    const nt = await parseTurtleFile(path.join(ws, 'output/dataset.nt'), 'application/n-triples');
    const data = nq.map(asTriple);
    expect(dedupe(data).length, 'no statement sits in two graphs').toBe(data.length);
    expect(data.length).toBe(nt.length);
    // Our vocabulary's definitions are in the dataset graph and in the dump alike (def.ttl shows them too).
    expect(isomorphic(data, nt)).toBe(true);
    const vocabulary = await parseTurtleFile(path.join(ws, 'output/def.ttl'));
    expect(isomorphic(dedupe(nt), dedupe([...nt, ...vocabulary])), 'def.ttl holds nothing the dump lacks').toBe(true);
  });

  it('writes TriG that is the same dataset as the N-Quads', async () => {
    const trig = await parseTurtleFile(path.join(ws, 'output/dataset.trig'), 'application/trig');
    expect(trig.length).toBe(nq.length);
    expect(isomorphic(trig, nq)).toBe(true);
  });

  it('lists every graph in graphs.json with its triple count, hash and place in dataset.nq', async () => {
    const manifest = JSON.parse(await readFile(path.join(ws, 'output/graphs.json'), 'utf8')) as {
      sequence: number;
      graphs: Record<string, { triples: number; offset: number; length: number }>;
    };
    const nqBytes = await readFile(path.join(ws, 'output/dataset.nq'));
    const graphs = byGraph(nq);
    expect(Object.keys(manifest.graphs).sort()).toEqual([...graphs.keys()].sort());
    for (const [name, e] of Object.entries(manifest.graphs)) {
      expect(e.triples).toBe(graphs.get(name)?.length);
      const slice = nqBytes.subarray(e.offset, e.offset + e.length).toString('utf8');
      expect(
        slice
          .split('\n')
          .filter(Boolean)
          .every((l) => l.endsWith(`<${name}> .`)),
      ).toBe(true);
    }
    expect(manifest.sequence).toBe(1);
  });
});

function dedupe(quads: Quad[]): Quad[] {
  const seen = new Map<string, Quad>();
  for (const q of quads)
    seen.set(
      `${q.subject.value} ${q.predicate.value} ${q.object.termType}${q.object.value}${'language' in q.object ? q.object.language : ''}`,
      asTriple(q),
    );
  return [...seen.values()];
}

describe('named graphs written in pieces', () => {
  it('gives the same TriG bytes in pieces as in one string, and N-Quads ranges that match the pieces', async () => {
    const ws = await workspaceWithRealData();
    const { records, mapped } = await check({ dataDir: path.join(ws, 'data') });
    const graphs = namedGraphs(records, mapped);
    const prefixes = sitePrefixes(BASE);
    let joined = '';
    for await (const piece of trigPieces(graphs, prefixes, 3)) joined += piece;
    expect(joined).toBe(await toTriG(graphs, prefixes));
    const nq = [...nquadsPieces(graphs)].join('');
    const bytes = Buffer.from(nq);
    const { ranges } = nquadsLayout(graphs);
    expect([...ranges.values()].reduce((n, r) => n + r.length, 0)).toBe(bytes.length);
    for (const g of graphs) {
      const r = ranges.get(g.name.value)!;
      expect(bytes.subarray(r.offset, r.offset + r.length).toString('utf8')).toBe(nquadLines(g.lines, g.name));
    }
  });
});
