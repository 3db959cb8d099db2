// Queries that are the client's mistake get 400 with the reason, never 500 or an answer no client can read;
// fast-check builds queries from fragments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildTempOutput, startTestServer, type TestServer } from './support.ts';
import { readAnswer } from './results.ts';

let server: TestServer;
let outDir: string;
beforeAll(async () => {
  // Room for the deeply nested queries below: the default size bound (413) would refuse them before the policy
  // could say what is wrong with them; that bound has its own test at the end of this file.
  outDir = await buildTempOutput();
  server = await startTestServer({ outDir, workers: 1, timeoutSeconds: 5, maxQueryBytes: 2_000_000 });
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const XSD = 'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n';

async function post(query: string): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(server.sparqlUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/sparql-query',
      Accept: 'application/sparql-results+json, text/turtle;q=0.9',
    },
    body: query,
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type')?.split(';')[0] ?? '' };
}

describe('client mistakes', () => {
  const cases: [string, string, RegExp][] = [
    ['empty query= (GET)', '', /the query is empty/],
    ['only a comment', '# nothing here\n', /the query is empty/],
    ['only a PREFIX', 'PREFIX a: <http://a.example/>', /the query is empty/],
    [
      'unknown xsd: function',
      `${XSD}SELECT (xsd:foo(?o) AS ?x) WHERE { ?s ?p ?o }`,
      /unknown function <http:\/\/www\.w3\.org\/2001\/XMLSchema#foo>/,
    ],
    ['unknown function by IRI', 'SELECT ?s WHERE { ?s ?p ?o FILTER(<http://fn.example/f>(?o)) }', /unknown function/],
    [
      '50,000 FILTERs',
      `SELECT * WHERE { ?s ?p ?o ${'FILTER(?o != 1) '.repeat(50_000)}}`,
      /nests its operations too deeply/,
    ],
    ['5,000 nested groups', `SELECT * WHERE { ${'{ '.repeat(5_000)}?s ?p ?o ${'} '.repeat(5_000)}}`, /too deeply/],
    ['5,000 OPTIONALs', `SELECT * WHERE { ?s ?p ?o ${'OPTIONAL { ?s ?p ?o } '.repeat(5_000)}}`, /too deeply/],
    ['5,000 additions', `SELECT (${Array(5_000).fill('1').join(' + ')} AS ?x) {}`, /too deeply/],
    ['an IRI with a space', 'SELECT * WHERE { <http://a b> ?p ?o }', /syntax error at line 1/],
    [
      'an ungrouped variable in the projection',
      'SELECT ?o WHERE { ?s ?p ?o } GROUP BY ?s',
      /not allowed in projection|invalid query/i,
    ],
    ['bad REGEX flags', 'SELECT * WHERE { ?s ?p ?o FILTER regex(str(?o), "x", "z") }', /flags/],
    ['a duplicate REGEX flag', 'SELECT * WHERE { ?s ?p ?o FILTER regex(str(?o), "x", "ii") }', /flag/i],
    ['an invalid regular expression', 'SELECT * WHERE { ?s ?p ?o FILTER regex(str(?o), "(((") }', /regular expression/],
    ['an invalid REPLACE pattern', 'SELECT (REPLACE("a", "(((", "b") AS ?x) {}', /regular expression/],
    [
      'IRI() of a string with a space',
      'SELECT ?x WHERE { BIND(IRI("http://a b") AS ?x) }',
      /IRI that is not valid: "http:\/\/a b"/,
    ],
    [
      'CONSTRUCT of an IRI with ">"',
      'CONSTRUCT { ?x ?x ?x } WHERE { BIND(URI("http://a>b") AS ?x) }',
      /IRI that is not valid/,
    ],
    ['STRDT with an invalid datatype IRI', 'SELECT (STRDT("1", IRI("x y")) AS ?x) {}', /IRI that is not valid/],
  ];
  for (const [name, query, message] of cases) {
    it(`${name}: 400 with the reason`, async () => {
      const res = name.endsWith('(GET)')
        ? await fetch(`${server.sparqlUrl}?query=${encodeURIComponent(query)}`)
        : undefined;
      const { status, text } = res ? { status: res.status, text: await res.text() } : await post(query);
      expect(status, text).toBe(400);
      expect(text).toMatch(message);
      expect(text).not.toMatch(/SPARQL Update/);
    }, 60_000);
  }

  it('a regular expression made from the data that does not compile is an expression error: no solutions, not a fault', async () => {
    // SPARQL 1.1 §17.3: an error in a FILTER removes the solution. Only a pattern written into the query can be
    // refused before evaluation (above); one built from the data is known only as each solution is evaluated.
    const { status, text } = await post('SELECT * WHERE { ?s ?p ?o FILTER regex("x", CONCAT("(", str(?o))) }');
    expect(status, text).toBe(200);
    expect(JSON.parse(text).results.bindings).toEqual([]);
    // The same filter with a pattern from the data that does compile keeps every solution.
    const { status: kept, text: rows } = await post(
      'SELECT * WHERE { ?s ?p ?o FILTER regex("x", CONCAT("x", SUBSTR(str(?o), 1, 0))) } LIMIT 5',
    );
    expect(kept).toBe(200);
    expect(JSON.parse(rows).results.bindings).toHaveLength(5);
  });

  it('50,000 FILTERs under the default size bound: 413 naming the bound, before any parsing', async () => {
    const bounded = await startTestServer({ outDir, workers: 1, timeoutSeconds: 5 });
    try {
      const query = `SELECT * WHERE { ?s ?p ?o ${'FILTER(?o != 1) '.repeat(50_000)}}`;
      const res = await fetch(bounded.sparqlUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sparql-query' },
        body: query,
      });
      expect(res.status).toBe(413);
      expect(await res.text()).toMatch(/more than the \d+ this endpoint accepts/);
    } finally {
      await bounded.close();
    }
  });

  it('a GET with no query at all still gets the service description', async () => {
    const res = await fetch(server.sparqlUrl, { headers: { Accept: 'text/turtle' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/sd:endpoint/);
  });

  it('no query built from SPARQL fragments gets a 500, and the server keeps answering', {
    timeout: 300_000,
  }, async () => {
    const fragment = fc.constantFrom(
      'SELECT',
      'ASK',
      'CONSTRUCT',
      'DESCRIBE',
      '*',
      '?s',
      '?p',
      '?o',
      '?x',
      '{',
      '}',
      '(',
      ')',
      '.',
      ';',
      ',',
      'WHERE',
      'FILTER',
      'OPTIONAL',
      'UNION',
      'MINUS',
      'GRAPH ?g',
      'BIND(',
      'AS',
      'VALUES ?x { 1 2 }',
      'LIMIT 5',
      'OFFSET 2',
      'ORDER BY',
      'DESC(?o)',
      'GROUP BY ?s',
      'HAVING',
      'COUNT(*)',
      'DISTINCT',
      'REDUCED',
      'a',
      '1',
      '1e999',
      '"x"@nl',
      '"x"^^xsd:integer',
      '<http://schema.org/name>',
      '<http://a b>',
      'xsd:foo(?o)',
      'xsd:date(?o)',
      'regex(str(?o), "(", "z")',
      'REPLACE(str(?o), "[", "")',
      'STRDT(?o, ?p)',
      'IRI(?o)',
      'BNODE()',
      'SUBSTR(?o, -1)',
      'EXISTS { ?s ?p ?o }',
      '<<( ?s ?p ?o )>>',
      'SERVICE <http://x.example/>',
      'FROM <http://x.example/>',
      'INSERT DATA',
      '"\\u0000"',
      '\u0000',
      '\u202e',
      'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>',
      '#',
      '\n',
    );
    const query = fc.oneof(
      fc.array(fragment, { maxLength: 25 }).map((parts) => parts.join(' ')),
      // Mostly valid shapes with random insides, so evaluation is reached too.
      fc
        .tuple(
          fc.constantFrom('SELECT *', 'SELECT ?s (COUNT(*) AS ?n)', 'ASK', 'CONSTRUCT { ?s ?p ?o }', 'DESCRIBE ?s'),
          fc.array(fragment, { maxLength: 12 }),
          fc.constantFrom('', 'LIMIT 3', 'GROUP BY ?s', 'ORDER BY ?o OFFSET 1'),
        )
        .map(
          ([head, body, tail]) =>
            `PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n${head} WHERE { ?s ?p ?o ${body.join(' ')} } ${tail}`,
        ),
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const { status, text, type } = await post(q);
        expect(status, `${q}\n→ ${status} ${text}`).not.toBe(500);
        expect(status).toBeLessThan(600);
        // What is answered can be read in the format it names.
        if (status === 200) await readAnswer(type, text);
      }),
      { numRuns: 300 },
    );
    const alive = await fetch(`${server.sparqlUrl}?query=${encodeURIComponent('ASK {}')}`);
    expect(alive.status).toBe(200);
  });
});
