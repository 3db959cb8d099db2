// Named graphs: one graph per record plus one for the dataset description and vocabulary, written as dataset.nq and dataset.trig.
import { InternalError, invariant } from '../errors.ts';
import { createHash } from 'node:crypto';
import { Writer } from 'n3';
import type { NamedNode, Quad } from '@rdfjs/types';
import { datasetIris } from '../dataset-iris.ts';
import type { Records } from '../ingest/read-records.ts';
import type { MappedRecord } from '../map/map-records.ts';
import { RDF } from '../vocab.ts';
import { sortedGraph } from './graph.ts';

const TYPE = RDF('type').value;

/**
 * Graph names live under `<base>graph/`, apart from the resources they describe, so that a graph (a
 * record's statements) is never mistaken for the resource (the project) in a store. A record's graph is
 * named after its kind and id, the same stable parts its resource IRI is minted from. The dataset's graph
 * holds its own description (dataset.yaml: the schema:Dataset, its publisher and keyword set) and our
 * vocabulary. The DCAT-AP catalogue is not in a graph: it describes the dump files (sizes, checksums), so it
 * changes with every edit and would make every one-record change two.
 * (The names come from datasetIris(base).graphs.)
 */

/** What graphs.json and the change sets need of a graph, without its statements. */
export interface GraphSummary {
  name: NamedNode;
  /** sha256 (hex) of the concatenated sorted N-Triples lines. */
  hash: string;
  triples: number;
}

export interface NamedGraph extends GraphSummary {
  /** Sorted, without duplicates (see graph.ts). */
  quads: Quad[];
  /** The N-Triples line of each quad, in the same order; the content hash is taken over these. */
  lines: string[];
  /** sha256 (hex) of the concatenated lines: the same statements always give the same hash. */
  hash: string;
}

/**
 * Splits the mapped records into named graphs. `mapped[0]` is dataset.yaml and `mapped[i + 1]` the record
 * `records.records[i]`, as map-records.ts yields them; `extra` are further statements about the dataset
 * or the vocabulary that belong in the dataset graph. A statement two records both make (a keyword's
 * label) sits in both graphs, so each graph stays exactly what its record says; the union of all graphs
 * is the default-graph dump.
 */
export function namedGraphs(
  records: Records,
  mapped: readonly MappedRecord[],
  extra: Iterable<Quad> = [],
): NamedGraph[] {
  if (mapped.length !== records.records.length + 1) {
    throw new InternalError(`named graphs: ${mapped.length} mapped records for ${records.records.length + 1} sources`);
  }
  const iris = datasetIris(records.dataset.data.baseIri).graphs;
  const graphs: NamedGraph[] = [graphOf(iris.dataset, [...(mapped[0]?.quads ?? []), ...extra])];
  records.records.forEach((r, i) => {
    graphs.push(graphOf(iris.record(r.kind, r.data.id), mapped[i + 1]?.quads ?? []));
  });
  return graphs.sort((a, b) => compare(a.name.value, b.name.value));
}

export function graphOf(name: NamedNode, quads: Quad[]): NamedGraph {
  const sorted = sortedGraph(quads);
  const hash = createHash('sha256');
  for (const line of sorted.lines) hash.update(line);
  return { name, quads: sorted.quads, lines: sorted.lines, hash: hash.digest('hex'), triples: sorted.lines.length };
}

/** Where each graph's lines sit in dataset.nq, so a later build or a push reads one graph without parsing the file. */
export interface NQuadsLayout {
  /** Byte offset and length of each graph's lines, by graph IRI. */
  ranges: Map<string, { offset: number; length: number }>;
}

/**
 * The byte ranges dataset.nq will have, worked out from the lines without building the file: the graphs in
 * the given (IRI) order, each graph's statements in N-Triples order with the graph name added.
 */
export function nquadsLayout(graphs: readonly NamedGraph[]): NQuadsLayout {
  const ranges = new Map<string, { offset: number; length: number }>();
  let offset = 0;
  for (const g of graphs) {
    // Each line loses " .\n" (3 bytes) and gains " <g> .\n".
    const perLine = Buffer.byteLength(` ${graphTerm(g.name)} .\n`) - 3;
    let length = 0;
    for (const l of g.lines) length += Buffer.byteLength(l) + perLine;
    ranges.set(g.name.value, { offset, length });
    offset += length;
  }
  return { ranges };
}

/** The same layout from each graph's size: the bytes of its N-Triples lines and how many there are. */
export function nquadsLayoutOf(graphs: readonly { name: NamedNode; triples: number; length: number }[]): NQuadsLayout {
  const ranges = new Map<string, { offset: number; length: number }>();
  let offset = 0;
  for (const g of graphs) {
    const length = g.length + g.triples * (Buffer.byteLength(` ${graphTerm(g.name)} .\n`) - 3);
    ranges.set(g.name.value, { offset, length });
    offset += length;
  }
  return { ranges };
}

/** dataset.nq one graph at a time: the whole file can be larger than V8's longest string. */
export function* nquadsPieces(graphs: readonly NamedGraph[]): Generator<string> {
  for (const g of graphs) yield nquadLines(g.lines, g.name);
}

/** Turns sorted N-Triples lines into N-Quads lines of graph `name`. */
export function nquadLines(lines: readonly string[], name: NamedNode): string {
  const suffix = ` ${graphTerm(name)} .\n`;
  let out = '';
  // Every N-Triples line n3 writes ends in " .\n"; the graph term goes before the final dot.
  for (const l of lines) out += l.slice(0, -3) + suffix;
  return out;
}

function graphTerm(name: NamedNode): string {
  const line = new Writer({ format: 'N-Quads' }).quadToString(name, name, name);
  return line.slice(0, line.indexOf(' '));
}

/** Graphs per TriG piece: a piece is one string, so this bounds its size. */
const TRIG_PIECE = 2_000;

/** dataset.trig: the same graphs, with prefixes, each subject's types first as in dataset.ttl. */
export function toTriG(
  graphs: readonly { name: NamedNode; quads: readonly Quad[] }[],
  prefixes: Record<string, string>,
  header = '',
): Promise<string> {
  const writer = new Writer({ format: 'application/trig', prefixes });
  for (const g of graphs) addGraph(writer, g);
  return new Promise((resolve, reject) =>
    writer.end((err, result: string) => (err ? reject(err) : resolve(header + result))),
  );
}

/**
 * dataset.trig in pieces of whole graphs, each written by its own writer, with the prefix block only on the
 * first; joined they are the bytes toTriG() writes for all graphs at once (a test holds them to it).
 */
export function trigPieces(
  graphs: readonly { name: NamedNode; quads: readonly Quad[] }[],
  prefixes: Record<string, string>,
  piece = TRIG_PIECE,
): AsyncGenerator<string> {
  return trigPiecesOf(
    (function* () {
      for (let start = 0; start < graphs.length; start += piece) yield graphs.slice(start, start + piece);
    })(),
    prefixes,
  );
}

/** dataset.trig from groups of whole graphs, each group written by its own writer (see trigPieces). */
export async function* trigPiecesOf(
  groups: Iterable<readonly { name: NamedNode; quads: readonly Quad[] }[]>,
  prefixes: Record<string, string>,
): AsyncGenerator<string> {
  const prefixBlock = await toTriG([], prefixes);
  let first = true;
  for (const group of groups) {
    if (group.length === 0) continue;
    const text = await toTriG(group, prefixes);
    invariant(text.startsWith(prefixBlock), 'the TriG writer did not start with the prefix block');
    yield first ? text : text.slice(prefixBlock.length);
    first = false;
  }
  if (first) yield prefixBlock;
}

function addGraph(writer: Writer, g: { name: NamedNode; quads: readonly Quad[] }): void {
  const qs = g.quads;
  let start = 0;
  while (start < qs.length) {
    const subject = qs[start]!.subject;
    let end = start;
    while (end < qs.length && qs[end]!.subject.equals(subject)) end++;
    for (let i = start; i < end; i++)
      if (qs[i]!.predicate.value === TYPE) writer.addQuad(qs[i]!.subject, qs[i]!.predicate, qs[i]!.object, g.name);
    for (let i = start; i < end; i++)
      if (qs[i]!.predicate.value !== TYPE) writer.addQuad(qs[i]!.subject, qs[i]!.predicate, qs[i]!.object, g.name);
    start = end;
  }
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
