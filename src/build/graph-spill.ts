// The build's scratch file: each named graph's sorted N-Triples lines, written once and read back by offset, so the
// steps after mapping stream the graph from disk instead of holding it in memory.
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NamedNode } from '@rdfjs/types';
import { InternalError } from '../errors.ts';

/** One graph in the spill: where its lines are, and what graphs.json says of it. */
export interface SpilledGraph {
  name: NamedNode;
  /** sha256 (hex) of the concatenated lines, as graphOf() gives it. */
  hash: string;
  triples: number;
  offset: number;
  /** Bytes of the lines in the spill. */
  length: number;
}

/** Where some text is in the spill. */
export type SpilledText = Pick<SpilledGraph, 'offset' | 'length'>;

/** Bytes gathered before each write. */
const FLUSH_AT = 1 << 20;

export class GraphSpill {
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly fd: number,
  ) {}

  /** A new spill in a fresh folder under `parent` (the system's temporary folder by default). */
  static open(parent = tmpdir()): GraphSpill {
    const dir = mkdtempSync(path.join(parent, 'projectgraph-spill-'));
    return new GraphSpill(dir, openSync(path.join(dir, 'graphs.nt'), 'w+'));
  }

  /** Appends a graph's lines, which must be sorted and distinct (sortedGraph gives them so). */
  add(name: NamedNode, lines: readonly string[]): SpilledGraph {
    const hash = createHash('sha256');
    for (const l of lines) hash.update(l);
    return this.addText(name, lines.join(''), hash.digest('hex'), lines.length);
  }

  /** Appends a graph whose lines (joined), hash and count are known already (from the build cache). */
  addText(name: NamedNode, text: string, hash: string, triples: number): SpilledGraph {
    return { name, hash, triples, ...this.addScratch(text) };
  }

  /** Appends text that is not a graph (what a later step reads back, kept out of memory meanwhile). */
  addScratch(text: string): SpilledText {
    const bytes = Buffer.from(text, 'utf8');
    const at = { offset: this.size, length: bytes.length };
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.size += bytes.length;
    if (this.pendingBytes >= FLUSH_AT) this.flush();
    return at;
  }

  /** The graph's lines (or the scratch text) as one string (each line ends in a newline). */
  text(graph: SpilledText): string {
    this.flush();
    const buffer = Buffer.allocUnsafe(graph.length);
    let read = 0;
    while (read < graph.length) {
      const n = readSync(this.fd, buffer, read, graph.length - read, graph.offset + read);
      if (n === 0) throw new InternalError(`the build's spill file ended early at ${graph.offset + read}`);
      read += n;
    }
    return buffer.toString('utf8');
  }

  lines(graph: SpilledText): string[] {
    return splitLines(this.text(graph));
  }

  /** Removes the spill; safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    let written = 0;
    const at = this.size - chunk.length;
    while (written < chunk.length) written += writeSync(this.fd, chunk, written, chunk.length - written, at + written);
  }
}

/** Lines of N-Triples text, each with its newline. */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    out.push(text.slice(start, end + 1));
    start = end + 1;
  }
  return out;
}

/** The subject of an N-Triples line as written (`<iri>` or `_:label`): everything before the first space. */
export function lineSubject(line: string): string {
  return line.slice(0, line.indexOf(' '));
}

/**
 * A copy of a line that does not point into the text it was cut from. V8 keeps a slice as a view of its whole
 * source string: a set of a few lines from every graph would otherwise hold every graph's text in memory.
 */
export function detached(line: string): string {
  return Buffer.from(line, 'utf8').toString('utf8');
}
