// The dumps, assembled from pieces in one stable order: graph by graph (the dataset's graph and the records, by
// graph name), each graph's own statements, then the statements about subjects several graphs share (keywords,
// places, programmes) once at the end. Each graph's Turtle, JSON-LD, TriG and VoID counts are cached under its
// content, so a rebuild writes an unchanged graph by copying its pieces, and a one-record edit changes one stretch
// of each dump.
import type { Quad } from '@rdfjs/types';
import { Parser } from 'n3';
import { invariant } from '../errors.ts';
import { noProgress, type Progress } from '../progress.ts';
import { assembleJsonLd, jsonLdPiece } from '../publish/jsonld.ts';
import { nquadLines, toTriG } from '../publish/named-graphs.ts';
import { toTurtle } from '../publish/turtle.ts';
import { voidPart, type VoidCounter, type VoidPart } from '../publish/void.ts';
import { cacheKey, type PieceCache } from './build-cache.ts';
import { codeVersion } from './code-version.ts';
import { lineSubject, splitLines, type SpilledGraph } from './graph-spill.ts';
import type { Flowed } from './record-flow.ts';

const parse = (text: string): Quad[] => new Parser({ format: 'N-Triples' }).parse(text);

export interface DumpStyle {
  base: string;
  /** Prefixes of dataset.ttl. */
  prefixes: Record<string, string>;
  /** Prefixes of dataset.trig. */
  graphPrefixes: Record<string, string>;
  context: Record<string, unknown>;
}

/** The pieces of every graph, made or found in the cache, and the shared statements that end the triple dumps. */
export class DumpPieces {
  private constructor(
    private readonly flowed: Flowed,
    private readonly cache: PieceCache,
    /** The key of each graph's own pieces and of its TriG piece, in graph order. */
    private readonly keys: { own: string; trig: string }[],
    private readonly tail: { text: string; turtle: string; jsonld: string },
    private readonly header: { turtle: string; trig: string },
    readonly reused: number,
  ) {}

  /** Goes through every graph once, making the pieces the cache lacks and counting VoID on the way. */
  static async make(
    flowed: Flowed,
    cache: PieceCache,
    style: DumpStyle,
    counter: VoidCounter,
    progress: Progress = noProgress,
  ): Promise<DumpPieces> {
    const making = progress.stage("making the dumps' pieces", { unit: 'graphs', total: flowed.graphs.length });
    const version = codeVersion();
    const styleKey = JSON.stringify(style);
    const header = { turtle: await toTurtle([], style.prefixes), trig: await toTriG([], style.graphPrefixes) };
    const keys: { own: string; trig: string }[] = [];
    const shared = new Set<string>();
    let reused = 0;
    for (const g of flowed.graphs) {
      const own = ownText(flowed, g, shared);
      const key = {
        own: cacheKey('own', version, styleKey, own),
        trig: cacheKey('trig', version, styleKey, g.name.value, g.hash),
      };
      keys.push(key);
      const part = cache.get(`${key.own}:void`);
      const counts = part === undefined ? undefined : (JSON.parse(part) as VoidPart);
      if (counts && cache.get(`${key.own}:ttl`) !== undefined && cache.get(`${key.own}:jsonld`) !== undefined) {
        counter.addPart(counts);
        reused++;
      } else {
        const quads = parse(own);
        const turtle = await toTurtle(quads, style.prefixes);
        invariant(turtle.startsWith(header.turtle), 'the Turtle writer did not start with the prefix block');
        const made = voidPart(quads, style.base);
        cache.set(`${key.own}:ttl`, turtle.slice(header.turtle.length));
        cache.set(`${key.own}:jsonld`, jsonLdPiece(quads, style.context, { sorted: true }));
        cache.set(`${key.own}:void`, JSON.stringify(made));
        counter.addPart(made);
      }
      if (cache.get(key.trig) === undefined) {
        const text = await toTriG([{ name: g.name, quads: parse(flowed.spill.text(g)) }], style.graphPrefixes);
        invariant(text.startsWith(header.trig), 'the TriG writer did not start with the prefix block');
        cache.set(key.trig, text.slice(header.trig.length));
      }
      making.add();
    }
    making.end();
    const tailLines = [...shared].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    shared.clear();
    const text = tailLines.join('');
    const quads = parse(text);
    for (const q of quads) counter.add(q);
    const turtle = (await toTurtle(quads, style.prefixes)).slice(header.turtle.length);
    const jsonld = jsonLdPiece(quads, style.context, { sorted: true });
    return new DumpPieces(flowed, cache, keys, { text, turtle, jsonld }, header, reused);
  }

  /** dataset.nt: each graph's own lines, then the shared ones. */
  *nTriples(): Generator<string> {
    for (const g of this.flowed.graphs) {
      const own = ownText(this.flowed, g, undefined);
      if (own !== '') yield own;
    }
    if (this.tail.text !== '') yield this.tail.text;
  }

  /** dataset.ttl: the prefixes, then the pieces. */
  *turtle(): Generator<string> {
    yield this.header.turtle;
    for (const k of this.keys) yield this.piece(`${k.own}:ttl`);
    yield this.tail.turtle;
  }

  /** dataset.jsonld: one document whose "@graph" holds every node object, in the same order. */
  jsonLd(context: Record<string, unknown>): AsyncGenerator<string> {
    const self = this;
    return assembleJsonLd(
      context,
      (function* () {
        for (const k of self.keys) yield self.piece(`${k.own}:jsonld`);
        yield self.tail.jsonld;
      })(),
    );
  }

  /** dataset.nq: every graph's lines with its name, in graph order (nquadsLayoutOf gives the byte ranges). */
  *nQuads(): Generator<string> {
    for (const g of this.flowed.graphs) yield nquadLines(this.flowed.spill.lines(g), g.name);
  }

  /** dataset.trig: the prefixes, then each graph's piece. */
  *trig(): Generator<string> {
    yield this.header.trig;
    for (const k of this.keys) yield this.piece(k.trig);
  }

  private piece(key: string): string {
    const text = this.cache.get(key);
    invariant(text !== undefined, () => `the build's piece ${key} went missing from its cache`);
    return text;
  }
}

/** A graph's lines about subjects no other graph describes; the others are added to `shared` when given. */
function ownText(flowed: Flowed, g: SpilledGraph, shared: Set<string> | undefined): string {
  let own = '';
  for (const line of splitLines(flowed.spill.text(g))) {
    if (!flowed.shared.has(lineSubject(line))) own += line;
    else shared?.add(line);
  }
  return own;
}
