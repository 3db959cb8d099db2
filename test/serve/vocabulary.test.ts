// Our vocabulary is data of the dataset: the SPARQL endpoint answers about its terms as about the records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTempOutput, startTestServer, type TestServer } from './support.ts';

const DEF = 'https://projectgraph.example/def';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ outDir: await buildTempOutput(), workers: 1 });
}, 120_000);
afterAll(async () => {
  await server?.close();
});

interface Results {
  results: { bindings: Record<string, { value: string; 'xml:lang'?: string }>[] };
}

async function select(query: string): Promise<Results['results']['bindings']> {
  const response = await fetch(`${server.sparqlUrl}?query=${encodeURIComponent(query)}`, {
    headers: { Accept: 'application/sparql-results+json' },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as Results).results.bindings;
}

describe('the vocabulary through the endpoint', () => {
  it('gives the labels of our terms and the terms the vocabulary document defines', async () => {
    const labels = await select(
      `SELECT ?label WHERE { <${DEF}/background> <http://www.w3.org/2000/01/rdf-schema#label> ?label }`,
    );
    expect(labels.map((b) => `${b.label?.value}@${b.label?.['xml:lang']}`).sort()).toEqual([
      'aanleiding@nl',
      'background@en',
    ]);
    const terms = await select(
      `SELECT ?term WHERE { ?term <http://www.w3.org/2000/01/rdf-schema#isDefinedBy> <${DEF}> } ORDER BY ?term`,
    );
    expect(terms.map((b) => b.term?.value)).toEqual(
      ['Programme', 'background', 'outcomes', 'project-status', 'status'].map((t) => `${DEF}/${t}`),
    );
  });
});
