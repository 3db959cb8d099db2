// The dumps, assembled from the spilled graphs in one stable order: graph by graph (the dataset's graph and then
// the records, by graph name), each statement once, the statements about shared subjects (keywords, places,
// programmes) once at the end; so a one-record edit changes one stretch of each dump.
import type { Quad } from '@rdfjs/types';
import { Parser } from 'n3';
import { invariant } from '../errors.ts';
import { jsonLdChunks } from '../publish/jsonld.ts';
import { nquadLines, trigPiecesOf } from '../publish/named-graphs.ts';
import { toTurtle } from '../publish/turtle.ts';
import type { VoidCounter } from '../publish/void.ts';
import { lineSubject } from './graph-spill.ts';
import type { Flowed } from './record-flow.ts';

/** Statements per Turtle piece; pieces end at a graph's end, and no subject but a shared one spans graphs. */
const TURTLE_PIECE = 20_000;
/** Graphs per TriG piece. */
const TRIG_PIECE = 2_000;

const parse = (text: string): Quad[] => new Parser({ format: 'N-Triples' }).parse(text);

/** The default graph's statements as N-Triples text, a graph at a time; the shared subjects' statements last. */
export function* tripleText(flowed: Flowed): Generator<string> {
  const shared = new Set<string>();
  for (const g of flowed.graphs) {
    let own = '';
    for (const line of flowed.spill.lines(g)) {
      if (flowed.shared.has(lineSubject(line))) shared.add(line);
      else own += line;
    }
    if (own !== '') yield own;
  }
  const last = [...shared].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  shared.clear();
  for (let i = 0; i < last.length; i += TURTLE_PIECE) yield last.slice(i, i + TURTLE_PIECE).join('');
}

/** The same statements as quads, in the same order. */
export function* tripleQuads(flowed: Flowed): Generator<Quad> {
  for (const text of tripleText(flowed)) yield* parse(text);
}

/** dataset.ttl in pieces, with the prefix block once; each piece is written by toTurtle. */
export async function* turtleDump(flowed: Flowed, prefixes: Record<string, string>): AsyncGenerator<string> {
  const header = await toTurtle([], prefixes);
  let first = true;
  let group: Quad[] = [];
  const piece = async () => {
    const text = await toTurtle(group, prefixes);
    invariant(text.startsWith(header), 'the Turtle writer did not start with the prefix block');
    group = [];
    const out = first ? text : text.slice(header.length);
    first = false;
    return out;
  };
  for (const text of tripleText(flowed)) {
    for (const q of parse(text)) group.push(q);
    if (group.length >= TURTLE_PIECE) yield await piece();
  }
  if (group.length > 0 || first) yield await piece();
}

/** dataset.jsonld in pieces; counts the statements for VoID on the way. */
export function jsonLdDump(flowed: Flowed, context: Record<string, unknown>, counter: VoidCounter): Generator<string> {
  return jsonLdChunks(
    (function* () {
      for (const q of tripleQuads(flowed)) {
        counter.add(q);
        yield q;
      }
    })(),
    context,
  );
}

/** dataset.nq: every graph's lines with its name, in graph order (nquadsLayoutOf gives the byte ranges). */
export function* nquadsDump(flowed: Flowed): Generator<string> {
  for (const g of flowed.graphs) yield nquadLines(flowed.spill.lines(g), g.name);
}

/** dataset.trig: the same graphs with prefixes. */
export function trigDump(flowed: Flowed, prefixes: Record<string, string>): AsyncGenerator<string> {
  return trigPiecesOf(
    (function* () {
      for (let start = 0; start < flowed.graphs.length; start += TRIG_PIECE) {
        yield flowed.graphs
          .slice(start, start + TRIG_PIECE)
          .map((g) => ({ name: g.name, quads: parse(flowed.spill.text(g)) }));
      }
    })(),
    prefixes,
  );
}
