// The published named graphs on generated data where many projects name the same keywords, places and programmes:
// each statement in one graph, shared subjects in the graph of their document, the union equal to the dump.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { SHARED_GRAPH, sharedGraphName } from '../../src/build/published-graphs.ts';
import { build } from '../../src/pipeline.ts';
import { EPOCH } from '../publish/support.ts';

const BASE = 'https://projectgraph.example/';
const GRAPHS = `${BASE}graph/`;

/** An N-Quads line cut into its triple (as an N-Triples line) and its graph IRI. */
function cut(line: string): { triple: string; graph: string } {
  const at = line.lastIndexOf(' <', line.length - 3);
  return { triple: `${line.slice(0, at)} .`, graph: line.slice(at + 2, -3) };
}

describe('published named graphs', () => {
  it('names the graph of a shared subject after its document, and keeps the rest apart', () => {
    expect(sharedGraphName(`<${BASE}keyword/wonen>`, BASE, GRAPHS)).toBe(`${GRAPHS}keyword/wonen`);
    expect(sharedGraphName(`<${BASE}programme/verdus>`, BASE, GRAPHS)).toBe(`${GRAPHS}programme/verdus`);
    expect(sharedGraphName(`<${BASE}project/p#source>`, BASE, GRAPHS)).toBe(`${GRAPHS}project/p`);
    expect(sharedGraphName(`<${BASE}keyword>`, BASE, GRAPHS)).toBe(`${GRAPHS}keyword`);
    expect(sharedGraphName(`<${BASE}def/background>`, BASE, GRAPHS)).toBe(`${GRAPHS}dataset`);
    for (const other of ['_:b0', '<https://elsewhere.example/x>', `<${BASE}>`, `<${GRAPHS}project/p>`])
      expect(sharedGraphName(other, BASE, GRAPHS)).toBe(GRAPHS + SHARED_GRAPH);
  });

  it('puts each statement in one graph; the graphs of keywords and places hold what every project says of them', {
    timeout: 120_000,
  }, async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-published-graphs-'));
    await generate(path.join(ws, 'data'), 120, 7);
    const out = path.join(ws, 'output');
    await build({ dataDir: path.join(ws, 'data'), outDir: out, sourceDateEpoch: EPOCH });
    const nq = (await readFile(path.join(out, 'dataset.nq'), 'utf8')).trimEnd().split('\n').map(cut);
    const nt = (await readFile(path.join(out, 'dataset.nt'), 'utf8')).trimEnd().split('\n');

    const triples = nq.map((q) => q.triple);
    expect(new Set(triples).size, 'a statement in two graphs').toBe(triples.length);
    expect([...triples].sort()).toEqual([...nt].sort());

    const graphsOf = new Map<string, Set<string>>();
    for (const q of nq) {
      const subject = q.triple.slice(0, q.triple.indexOf(' '));
      graphsOf.set(subject, (graphsOf.get(subject) ?? new Set()).add(q.graph));
    }
    // Every subject is described in one graph: a keyword's labels, however many projects give them, sit in its own.
    for (const [subject, graphs] of graphsOf) expect([subject, graphs.size]).toEqual([subject, 1]);
    const kinds = new Set([...graphsOf.values()].map((g) => [...g][0]!.slice(GRAPHS.length).split('/')[0]));
    expect([...kinds].sort()).toEqual(['dataset', 'keyword', 'organisation', 'place', 'programme', 'project']);
    const keyword = nq.find((q) => q.graph.startsWith(`${GRAPHS}keyword/`));
    expect(keyword).toBeDefined();
    expect(keyword!.triple.startsWith(`<${BASE}keyword/${keyword!.graph.slice(`${GRAPHS}keyword/`.length)}>`)).toBe(
      true,
    );
    // A programme's graph holds its record's statements and the projects' statements about it.
    const programme = nq.filter((q) => q.graph.startsWith(`${GRAPHS}programme/`)).map((q) => q.triple);
    expect(
      programme.some((t) => t.includes('<http://schema.org/subOrganization> <https://projectgraph.example/project/')),
    ).toBe(true);
    expect(programme.some((t) => t.includes('<http://schema.org/name>'))).toBe(true);

    const manifest = JSON.parse(await readFile(path.join(out, 'graphs.json'), 'utf8')) as {
      graphs: Record<string, { triples: number }>;
    };
    const counts = new Map<string, number>();
    for (const q of nq) counts.set(q.graph, (counts.get(q.graph) ?? 0) + 1);
    expect(Object.fromEntries(Object.entries(manifest.graphs).map(([g, e]) => [g, e.triples]))).toEqual(
      Object.fromEntries(counts),
    );
  });
});
