// Writes dataset.nt: the sorted N-Triples lines, one statement a line.
import type { SortedGraph } from './graph.ts';

export function toNTriples(graph: SortedGraph): string {
  return graph.lines.join('');
}
