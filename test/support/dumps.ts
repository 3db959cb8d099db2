// Reads a build's five dumps with two independent parsers (n3, and Oxigraph's own); checks they hold the same graphs.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataFactory, Parser, Writer } from 'n3';
import jsonld from 'jsonld';
import oxigraph from 'oxigraph';
import { isomorphic } from 'rdf-isomorphic';
import type { Quad, Term } from '@rdfjs/types';
import { expect } from 'vitest';

export const DUMPS = [
  { file: 'dataset.nt', format: 'application/n-triples' },
  { file: 'dataset.ttl', format: 'text/turtle' },
  { file: 'dataset.jsonld', format: 'application/ld+json' },
  { file: 'dataset.nq', format: 'application/n-quads' },
  { file: 'dataset.trig', format: 'application/trig' },
] as const;

/** One dump as n3 reads it (JSON-LD through jsonld.js's toRDF, whose N-Quads n3 then reads). */
async function withN3(text: string, format: string): Promise<Quad[]> {
  if (format !== 'application/ld+json') return new Parser({ format }).parse(text);
  const nquads = (await jsonld.toRDF(JSON.parse(text) as object, {
    format: 'application/n-quads',
    documentLoader: async (url: string) => {
      throw new Error(`the JSON-LD dump must not need ${url}`);
    },
  })) as unknown as string;
  return new Parser({ format: 'application/n-quads' }).parse(nquads);
}

/** Oxigraph's terms as n3's, so both sides of a comparison come from one data factory. */
function term(t: Term): Term {
  switch (t.termType) {
    case 'NamedNode':
      return DataFactory.namedNode(t.value);
    case 'BlankNode':
      return DataFactory.blankNode(t.value);
    case 'Literal':
      return DataFactory.literal(t.value, t.language ? t.language : DataFactory.namedNode(t.datatype.value));
    case 'DefaultGraph':
      return DataFactory.defaultGraph();
    default:
      throw new Error(`unexpected term ${t.termType}`);
  }
}

function withOxigraph(text: string, format: string): Quad[] {
  return oxigraph
    .parse(text, { format })
    .map((q) =>
      DataFactory.quad(
        term(q.subject) as Quad['subject'],
        term(q.predicate) as Quad['predicate'],
        term(q.object) as Quad['object'],
        term(q.graph) as Quad['graph'],
      ),
    );
}

/** The union of a dataset's named graphs as one graph: each statement once, whichever graphs hold it. */
export function unionOfGraphs(quads: readonly Quad[]): Quad[] {
  const union = new Map<string, Quad>();
  for (const q of quads) {
    const triple = DataFactory.quad(q.subject, q.predicate, q.object);
    union.set(
      new Writer({ format: 'N-Triples' }).quadToString(triple.subject, triple.predicate, triple.object),
      triple,
    );
  }
  return [...union.values()];
}

/**
 * Every dump under `out` parses in both parsers, each parser reads the same graph from it, the three
 * default-graph dumps (nt, ttl, jsonld) hold one graph and the two named-graph dumps (nq, trig) one dataset,
 * every statement of it in a named graph, and the union of those graphs is the graph of the other three: every
 * dump holds everything any dump holds. Returns the N-Triples graph.
 */
export async function expectDumpsAgree(out: string): Promise<Quad[]> {
  const read = new Map<string, Quad[]>();
  for (const { file, format } of DUMPS) {
    const text = await readFile(path.join(out, file), 'utf8');
    let n3: Quad[];
    let ox: Quad[];
    try {
      n3 = await withN3(text, format);
    } catch (e) {
      throw new Error(`n3 cannot read ${file}: ${(e as Error).message}`, { cause: e });
    }
    try {
      ox = withOxigraph(text, format);
    } catch (e) {
      throw new Error(`Oxigraph cannot read ${file}: ${(e as Error).message}`, { cause: e });
    }
    expect(n3.length, `${file}: n3 and Oxigraph read as many statements`).toBe(ox.length);
    expect(isomorphic(n3, ox), `${file}: n3 and Oxigraph read the same graph`).toBe(true);
    read.set(file, n3);
  }
  const nt = read.get('dataset.nt') ?? [];
  expect(nt.length).toBeGreaterThan(0);
  for (const file of ['dataset.ttl', 'dataset.jsonld']) {
    expect(isomorphic(read.get(file) ?? [], nt), `${file} holds the graph of dataset.nt`).toBe(true);
  }
  const nq = read.get('dataset.nq') ?? [];
  const trig = read.get('dataset.trig') ?? [];
  expect(isomorphic(trig, nq), 'dataset.trig holds the dataset of dataset.nq').toBe(true);
  expect(
    nq.filter((q) => q.graph.termType !== 'NamedNode'),
    'dataset.nq has every statement in a named graph',
  ).toEqual([]);
  const union = unionOfGraphs(nq);
  expect(union.length, 'the named graphs of dataset.nq hold as many statements as dataset.nt').toBe(nt.length);
  expect(isomorphic(union, nt), 'the union of the named graphs of dataset.nq is the graph of dataset.nt').toBe(true);
  return nt;
}
