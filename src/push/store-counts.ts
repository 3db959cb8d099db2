// Asks a store's SPARQL endpoint how many triples each of our named graphs holds, page by page.
import type { HttpClient } from './http-client.ts';

/**
 * Pages stay under Virtuoso's default ResultSetMaxRows (10,000), past which it silently cuts results,
 * so a store with more graphs than one page is still counted completely.
 */
const PAGE = 5000;

export async function countGraphs(http: HttpClient, endpoint: URL, graphPrefix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let offset = 0; ; offset += PAGE) {
    const query =
      `SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ${JSON.stringify(graphPrefix)})) } ` +
      `GROUP BY ?g ORDER BY ?g LIMIT ${PAGE} OFFSET ${offset}`;
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
    if (rows.length < PAGE) return counts;
  }
}
