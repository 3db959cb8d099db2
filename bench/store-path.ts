// A query the way the server answers it from the embedded store: through the server's own engine (src/serve/engine.ts:
// the query policy, Comunica with the store as its one whole-operation source, the row limit, SPARQL JSON).
import { createEngine, executeQuery } from '../src/serve/engine.ts';
import type { EmbeddedStore } from '../src/store/embedded.ts';

/** The server's row limit (serve --max-rows default), applied as src/serve/engine.ts applies it. */
const MAX_ROWS = 10_000;

/** Returns a function answering a SELECT with its SPARQL JSON body and row count, as the server's workers do. */
export async function serverPathQuery(
  store: EmbeddedStore,
  endpoint: string,
): Promise<(text: string) => Promise<{ body: string; rows: number }>> {
  const engine = await createEngine(store, { namedGraphs: (await store.graphs()).map((g) => g.name) });
  return async (text) => {
    const answer = await executeQuery(engine, {
      query: text,
      baseIri: endpoint,
      mediaType: 'application/sparql-results+json',
      maxRows: MAX_ROWS,
    });
    return { body: answer.body, rows: answer.rows };
  };
}
