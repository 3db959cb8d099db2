// The published graph: all mapped quads, deduplicated and sorted, so every serialisation is deterministic.
import { Writer } from 'n3';
import type { Quad } from '@rdfjs/types';

export interface SortedGraph {
  quads: Quad[];
  /** The N-Triples line of each quad, in the same order: the sort key and the .nt dump at once. */
  lines: string[];
}

/**
 * Sorted by N-Triples line, which orders by subject, then predicate, then object, and keeps each
 * subject's statements together (the character after an IRI is always `>`); duplicates removed.
 */
export function sortedGraph(quads: Iterable<Quad>): SortedGraph {
  const writer = new Writer({ format: 'N-Triples' });
  const byLine = new Map<string, Quad>();
  for (const q of quads) {
    const line = writer.quadToString(q.subject, q.predicate, q.object);
    if (!byLine.has(line)) byLine.set(line, q);
  }
  const lines = [...byLine.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { lines, quads: lines.map((l) => byLine.get(l) as Quad) };
}
