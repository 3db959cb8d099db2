// SPARQL 1.1 Update, client side: many named graphs replaced in one request (CLEAR then INSERT DATA), push's fast path.
import type { HttpClient } from './http-client.ts';
import { GraphStoreError, refusal } from './graph-store.ts';

export interface GraphContent {
  graph: string;
  /** The graph's statements as N-Triples lines, each ending in " .\n". */
  lines: readonly string[];
  /** Whether the store may hold the graph already: only then is it cleared first. */
  clear: boolean;
}

/** Blank node labels of N-Triples: as subject at the start of a line, as object at its end. */
const SUBJECT_BNODE = /^_:([A-Za-z0-9_.-]+) /;
const OBJECT_BNODE = / _:([A-Za-z0-9_.-]+) \.\n?$/;

/**
 * The graphs as one update request. Blank node labels are scoped to the whole request in SPARQL Update, so
 * each graph's labels get the graph's position as prefix: two graphs that both say _:b0 keep two nodes.
 */
export function replaceGraphsRequest(graphs: readonly GraphContent[]): string {
  const parts: string[] = [];
  for (const g of graphs) if (g.clear) parts.push(`CLEAR SILENT GRAPH <${g.graph}> ;\n`);
  parts.push('INSERT DATA {\n');
  graphs.forEach((g, i) => {
    parts.push(`GRAPH <${g.graph}> {\n`);
    for (const line of g.lines) {
      parts.push(
        line.includes('_:')
          ? line.replace(SUBJECT_BNODE, `_:g${i}_$1 `).replace(OBJECT_BNODE, ` _:g${i}_$1 .\n`)
          : line,
      );
    }
    parts.push('}\n');
  });
  parts.push('}\n');
  return parts.join('');
}

export class SparqlUpdate {
  constructor(
    private readonly http: HttpClient,
    readonly endpoint: URL,
  ) {}

  /** Replaces each graph's content in one request (SPARQL 1.1 Protocol: an update sent directly as the POST body). */
  async replaceGraphs(graphs: readonly GraphContent[]): Promise<void> {
    const res = await this.http.request(this.endpoint, {
      method: 'POST',
      // Virtuoso compares the media type whole: a charset parameter would make it look for a form instead.
      headers: { 'content-type': 'application/sparql-update' },
      body: replaceGraphsRequest(graphs),
    });
    const text = await res.text().catch(() => '');
    if (res.ok) return;
    const n = graphs.length;
    throw new GraphStoreError(
      `update of ${n} graph${n === 1 ? '' : 's'} refused: ${refusal(res.status, text)}`,
      res.status,
    );
  }
}
