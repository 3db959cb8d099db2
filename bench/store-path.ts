// A query the way the server answers it from the embedded store: the query policy, then Comunica with the store as
// its one whole-operation source (src/store/comunica-source.ts), the rows cut at the limit, SPARQL JSON written.
import { QueryEngine } from '@comunica/query-sparql-rdfjs';
import { ArrayIterator } from 'asynciterator';
import { withoutMetadata } from '../src/serve/engine.ts';
import { parseQuery } from '../src/serve/query-policy.ts';
import { storeContext } from '../src/store/comunica-source.ts';
import type { EmbeddedStore } from '../src/store/embedded.ts';

/** The server's row limit (serve --max-rows default), applied as src/serve/engine.ts applies it. */
const MAX_ROWS = 10_000;

interface Limited {
  take(n: number): { toArray(): Promise<unknown[]> };
}

/**
 * Returns a function answering a SELECT with its SPARQL JSON body and row count. It mirrors evaluate() of
 * src/serve/engine.ts with the store's context in place of the rdf-stores source; once the server runs queries
 * through the store, this is to call the server's own function instead.
 */
export async function serverPathQuery(
  store: EmbeddedStore,
  endpoint: string,
): Promise<(text: string) => Promise<{ body: string; rows: number }>> {
  const comunica = withoutMetadata(new QueryEngine());
  const knownGraphs = new Set((await store.graphs()).map((g) => g.name));
  const context = {
    ...storeContext(store),
    baseIRI: endpoint,
    fetch: async (input: unknown) => {
      throw new Error(`outbound request refused: ${String(input)}`);
    },
  };
  return async (text) => {
    const operation = parseQuery(text, { baseIri: endpoint, knownGraphs }).withDataset();
    // Comunica's typings are a separate copy of the algebra's, and its context type does not name the source.
    const result = await comunica.query(operation as never, context as never);
    if (result.resultType !== 'bindings') throw new Error(`the bench's queries are SELECTs, got ${result.resultType}`);
    const items = await ((await result.execute()) as unknown as Limited).take(MAX_ROWS + 1).toArray();
    const kept = items.slice(0, MAX_ROWS);
    const counted = { ...result, execute: async () => new ArrayIterator(kept, { autoStart: false }) };
    const written = await comunica.resultToString(
      counted as never,
      'application/sparql-results+json',
      context as never,
    );
    let body = '';
    for await (const chunk of written.data) body += String(chunk);
    return { body, rows: kept.length };
  };
}
