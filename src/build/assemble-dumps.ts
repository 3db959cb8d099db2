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
import { detached, lineSubject, splitLines, type SpilledGraph } from './graph-spill.ts';
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
    private readonly style: DumpStyle,
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
      // Only the counts are read here: a piece found missing or damaged when the dumps are written is made
      // again then (piece()), so a rebuild reads each piece once.
      const part = cache.get(`${key.own}:void`);
      const counts = part === undefined ? undefined : (JSON.parse(part) as VoidPart);
      if (counts) {
        counter.addPart(counts);
        reused++;
      } else {
        const quads = parse(own);
        const made = voidPart(quads, style.base);
        cache.set(`${key.own}:ttl`, await turtlePiece(quads, style.prefixes, header.turtle));
        cache.set(`${key.own}:jsonld`, jsonLdPiece(quads, style.context, { sorted: true }));
        cache.set(`${key.own}:void`, JSON.stringify(made));
        counter.addPart(made);
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
    return new DumpPieces(flowed, cache, style, keys, { text, turtle, jsonld }, header, reused);
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
  async *turtle(): AsyncGenerator<string> {
    yield this.header.turtle;
    for (const [i, k] of this.keys.entries()) {
      yield await this.piece(`${k.own}:ttl`, async () =>
        turtlePiece(this.ownQuads(i), this.style.prefixes, this.header.turtle),
      );
    }
    yield this.tail.turtle;
  }

  /** dataset.jsonld: one document whose "@graph" holds every node object, in the same order. */
  jsonLd(context: Record<string, unknown>): AsyncGenerator<string> {
    const self = this;
    return assembleJsonLd(
      context,
      (function* () {
        for (const [i, k] of self.keys.entries()) {
          yield self.pieceNow(`${k.own}:jsonld`, () =>
            jsonLdPiece(self.ownQuads(i), self.style.context, { sorted: true }),
          );
        }
        yield self.tail.jsonld;
      })(),
    );
  }

  /** dataset.nq: every graph's lines with its name, in graph order (nquadsLayoutOf gives the byte ranges). */
  *nQuads(): Generator<string> {
    for (const g of this.flowed.graphs) yield nquadLines(this.flowed.spill.lines(g), g.name);
  }

  /** dataset.trig: the prefixes, then each graph's piece. */
  async *trig(): AsyncGenerator<string> {
    yield this.header.trig;
    for (const [i, k] of this.keys.entries()) {
      yield await this.piece(k.trig, () => trigPiece(this.flowed, this.graph(i), this.style, this.header.trig));
    }
  }

  /** The cached piece under `key`, or the one `make` gives, kept for later builds. */
  private async piece(key: string, make: () => Promise<string>): Promise<string> {
    const known = this.cache.get(key);
    if (known !== undefined) return known;
    const made = await make();
    this.cache.set(key, made);
    return made;
  }

  private pieceNow(key: string, make: () => string): string {
    const known = this.cache.get(key);
    if (known !== undefined) return known;
    const made = make();
    this.cache.set(key, made);
    return made;
  }

  private ownQuads(i: number): Quad[] {
    return parse(ownText(this.flowed, this.graph(i), undefined));
  }

  private graph(i: number): SpilledGraph {
    const g = this.flowed.graphs[i];
    invariant(g, () => `no graph ${i} for the dumps' pieces`);
    return g;
  }
}

/** A graph's own statements in Turtle, without the prefix block every piece would repeat. */
async function turtlePiece(quads: Quad[], prefixes: Record<string, string>, header: string): Promise<string> {
  const turtle = await toTurtle(quads, prefixes);
  invariant(turtle.startsWith(header), 'the Turtle writer did not start with the prefix block');
  return turtle.slice(header.length);
}

/** A named graph in TriG, without the prefix block. */
async function trigPiece(flowed: Flowed, g: SpilledGraph, style: DumpStyle, header: string): Promise<string> {
  const text = await toTriG([{ name: g.name, quads: parse(flowed.spill.text(g)) }], style.graphPrefixes);
  invariant(text.startsWith(header), 'the TriG writer did not start with the prefix block');
  return text.slice(header.length);
}

/** A graph's lines about subjects no other graph describes; the others are added to `shared` when given. */
function ownText(flowed: Flowed, g: SpilledGraph, shared: Set<string> | undefined): string {
  let own = '';
  for (const line of splitLines(flowed.spill.text(g))) {
    if (!flowed.shared.has(lineSubject(line))) own += line;
    else if (shared && !shared.has(line)) shared.add(detached(line));
  }
  return own;
}
