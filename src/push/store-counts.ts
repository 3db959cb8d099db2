// Asks a store's SPARQL endpoint how many triples each of our named graphs holds, page by page.
import type { HttpClient } from './http-client.ts';

/**
 * Pages stay under Virtuoso's default ResultSetMaxRows (10,000), past which it cuts results. Pages follow
 * each other by the last graph name seen rather than by OFFSET: Virtuoso refuses a sorted query whose
 * OFFSET plus LIMIT passes that same maximum.
 */
const PAGE = 5000;

export async function countGraphs(http: HttpClient, endpoint: URL, graphPrefix: string, page = PAGE): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let after: string | undefined;
  for (;;) {
    const from = after === undefined ? '' : ` && STR(?g) > ${JSON.stringify(after)}`;
    const query =
      `SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ${JSON.stringify(graphPrefix)})${from}) } ` +
      `GROUP BY ?g ORDER BY STR(?g) LIMIT ${page}`;
    const res = await http.request(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json' },
      body: new URLSearchParams({ query }).toString(),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`the SPARQL endpoint answered HTTP ${res.status} to the count query (${text.replace(/\s+/g, ' ').slice(0, 200)})`);
    let rows: { g?: { value: string }; n?: { value: string } }[];
    try {
      rows = (JSON.parse(text) as { results: { bindings: typeof rows } }).results.bindings;
    } catch {
      throw new Error('the SPARQL endpoint did not answer the count query with SPARQL JSON results');
    }
    for (const r of rows) if (r.g && r.n) counts.set(r.g.value, Number(r.n.value));
    const last = rows.at(-1)?.g?.value;
    if (rows.length < page || last === undefined || last === after) return counts;
    after = last;
  }
}
