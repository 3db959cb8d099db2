// Asks a store's SPARQL endpoint how many triples our named graphs hold: all of them page by page, some by name, or the totals.
import { ProjectgraphError } from '../errors.ts';
import type { HttpClient } from './http-client.ts';
import { GraphStoreError } from './graph-store.ts';

/**
 * Pages stay under Virtuoso's default ResultSetMaxRows (10,000), past which it cuts results. Pages follow
 * each other by the last graph name seen rather than by OFFSET: Virtuoso refuses a sorted query whose
 * OFFSET plus LIMIT passes that same maximum.
 */
const PAGE = 5000;

export async function countGraphs(
  http: HttpClient,
  endpoint: URL,
  graphPrefix: string,
  page = PAGE,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let after: string | undefined;
  for (;;) {
    const from = after === undefined ? '' : ` && STR(?g) > ${JSON.stringify(after)}`;
    const query =
      `SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ${JSON.stringify(graphPrefix)})${from}) } ` +
      `GROUP BY ?g ORDER BY STR(?g) LIMIT ${page}`;
    const rows = await select(http, endpoint, query);
    for (const r of rows) if (r.g && r.n) counts.set(r.g.value, Number(r.n.value));
    const last = rows.at(-1)?.g?.value;
    if (rows.length < page || last === undefined || last === after) return counts;
    after = last;
  }
}

/** How many graphs one VALUES query names: small enough for any store's query-length limit. */
const BATCH = 200;

/** Characters an IRI may not hold inside <…> in SPARQL. */
const UNSAFE_IRI = /[\s<>"{}|^`\\]/;

/** Triples in each of the given graphs (0 for a graph the store lacks), asked a batch at a time by graph name. */
export async function countNamed(
  http: HttpClient,
  endpoint: URL,
  graphs: readonly string[],
  batch = BATCH,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(graphs.map((g) => [g, 0]));
  for (let i = 0; i < graphs.length; i += batch) {
    const names = graphs.slice(i, i + batch);
    const bad = names.find((g) => UNSAFE_IRI.test(g));
    // Graph names come from the build's graphs.json, which only projectgraph writes; one that breaks a query is damage.
    if (bad !== undefined) {
      throw new ProjectgraphError('BUILD_DAMAGED', `cannot name graph ${JSON.stringify(bad)} in a query`);
    }
    const rows = await select(
      http,
      endpoint,
      `SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { ${names.map((g) => `<${g}>`).join(' ')} } GRAPH ?g { ?s ?p ?o } } GROUP BY ?g`,
    );
    for (const r of rows) if (r.g && r.n && counts.has(r.g.value)) counts.set(r.g.value, Number(r.n.value));
  }
  return counts;
}

/** How many graphs under the prefix the store holds, and how many triples in them together: one pass over the data. */
export async function countTotals(
  http: HttpClient,
  endpoint: URL,
  graphPrefix: string,
): Promise<{ graphs: number; triples: number }> {
  const [row] = await select(
    http,
    endpoint,
    `SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ${JSON.stringify(graphPrefix)})) }`,
  );
  return { graphs: Number(row?.graphs?.value ?? 0), triples: Number(row?.triples?.value ?? 0) };
}

async function select(http: HttpClient, endpoint: URL, query: string): Promise<Record<string, { value: string }>[]> {
  const res = await http.request(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json' },
    body: new URLSearchParams({ query }).toString(),
  });
  const text = await res.text();
  if (!res.ok) {
    const refused =
      res.status === 401 ? 'refused the credentials' : res.status === 403 ? 'refused the account' : undefined;
    const why = refused ?? `answered HTTP ${res.status}`;
    const detail = text.replace(/\s+/g, ' ').slice(0, 200);
    throw new GraphStoreError(`the SPARQL endpoint ${why} to a count query (${detail})`, res.status);
  }
  try {
    return (JSON.parse(text) as { results: { bindings: Record<string, { value: string }>[] } }).results.bindings;
  } catch {
    const why = 'the SPARQL endpoint did not answer a count query with SPARQL JSON results';
    throw new ProjectgraphError('STORE_REFUSED', why);
  }
}
