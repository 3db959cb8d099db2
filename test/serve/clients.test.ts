// Clients nobody here wrote, run against the server: Python's SPARQLWrapper and rdflib (Debian's packages), rasqal's roqet
// and Comunica's comunica-sparql (npm, @comunica/query-sparql), each with every query form it can send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Parser } from 'n3';
import { buildTempOutput, ROOT, startTestServer, type TestServer } from './support.ts';

const run = promisify(execFile);
// Debian's python3 has python3-sparqlwrapper and python3-rdflib; a pyenv python first on PATH may not.
const PYTHON = '/usr/bin/python3';
const COMUNICA = path.join(ROOT, 'node_modules/.bin/comunica-sparql');
const NAMES = ['Enschede', 'Hengelo', 'Leeuwarden', 'Nijmegen'];
const ENSCHEDE = 'https://projectgraph.example/organisation/enschede';
const P = 'PREFIX schema: <http://schema.org/>\n';
const ORGS = '?o a schema:GovernmentOrganization ; schema:name ?name';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ outDir: await buildTempOutput(), workers: 1 });
}, 120_000);
afterAll(async () => {
  await server?.close();
});

async function needs(command: string, what: string): Promise<void> {
  const found = await run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
  expect(found || existsSync(command), `${command} is needed (${what})`).toBe(true);
}

describe('third-party SPARQL clients', () => {
  it('SPARQLWrapper: SELECT, ASK, CONSTRUCT and DESCRIBE in its default and every return format', {
    timeout: 120_000,
  }, async () => {
    expect(existsSync(PYTHON), `${PYTHON} is needed (Debian python3 with python3-sparqlwrapper, python3-rdflib)`).toBe(
      true,
    );
    const { stdout } = await run(PYTHON, [path.join(ROOT, 'test/serve/python-clients.py'), server.sparqlUrl], {
      timeout: 110_000,
    });
    const got = JSON.parse(stdout) as Record<string, unknown>;
    const failed = Object.entries(got).filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v));
    expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
    for (const f of ['default', 'json', 'xml', 'csv', 'tsv']) expect(got[`wrapper_select_${f}`], f).toEqual(NAMES);
    for (const f of ['default', 'json', 'xml']) expect(got[`wrapper_ask_${f}`], f).toEqual([true, false]);
    for (const f of ['default', 'rdfxml', 'xml', 'turtle', 'n3', 'json']) {
      expect(got[`wrapper_construct_${f}`], f).toEqual(NAMES);
      expect(got[`wrapper_construct_limit_${f}`], f).toEqual(NAMES.slice(0, 2));
      expect(got[`wrapper_describe_${f}`], f).toEqual([ENSCHEDE]);
    }
    // rdflib's SPARQLStore: XML results by default, RDF/XML for graphs.
    for (const f of ['default', 'json', 'xml']) {
      expect(got[`rdflib_select_${f}`], f).toEqual(NAMES);
      expect(got[`rdflib_ask_${f}`], f).toEqual([true, false]);
    }
    expect(got.rdflib_construct_default).toEqual(NAMES);
    expect(got.rdflib_construct_limit_default).toEqual(NAMES.slice(0, 2));
    expect(got.rdflib_describe_default).toEqual([ENSCHEDE]);
    // Each client request is in the access log: the answers came from this server.
    expect(server.logLines.filter((l) => / (GET|POST) \/sparql(\?\S*)? 200 /.test(l)).length).toBeGreaterThanOrEqual(
      40,
    );
  });

  it('roqet (rasqal): SELECT through the protocol, results read back intact; CONSTRUCT answers read as RDF/XML', {
    timeout: 60_000,
  }, async () => {
    await needs('roqet', 'Debian package rasqal-utils');
    const select = await run('roqet', [
      '-q',
      '-p',
      server.sparqlUrl,
      '-r',
      'csv',
      '-e',
      `${P}SELECT ?name WHERE { ${ORGS} } ORDER BY ?name`,
    ]);
    expect(select.stdout.trim().split(/\r?\n/)).toEqual(['name', ...NAMES]);
    // roqet re-reads our XML results and writes them again: language tags and datatypes survive the round trip.
    const typed = await run('roqet', [
      '-q',
      '-p',
      server.sparqlUrl,
      '-r',
      'xml',
      '-e',
      'SELECT ?name ?start WHERE { ?p a <http://schema.org/ResearchProject> ; <http://schema.org/name> ?name ; <http://schema.org/foundingDate> ?start }',
    ]);
    expect(typed.stdout).toContain('<literal xml:lang="nl">Cluster Governance (KKS 2015)</literal>');
    expect(typed.stdout).toContain('<literal datatype="http://www.w3.org/2001/XMLSchema#gYear">2008</literal>');
    // rasqal 0.9 reads every protocol answer as SPARQL XML bindings (it reads no boolean even from a file, and asks
    // CONSTRUCT for SPARQL XML results too), so ASK and CONSTRUCT go another way: roqet loads the CONSTRUCT answer as
    // data from its URL, with raptor's Accept (RDF/XML first), and queries it.
    const construct = `${P}CONSTRUCT { ?o schema:name ?name } WHERE { ${ORGS} } ORDER BY ?name LIMIT 3`;
    const url = `${server.sparqlUrl}?query=${encodeURIComponent(construct)}`;
    // (-W 0: roqet warns, and exits 2, about variables its own query binds but does not project.)
    const loaded = await run('roqet', [
      '-q',
      '-W',
      '0',
      '-r',
      'csv',
      '-D',
      url,
      '-e',
      'SELECT ?name WHERE { ?o <http://schema.org/name> ?name } ORDER BY ?name',
    ]);
    expect(loaded.stdout.trim().split(/\r?\n/)).toEqual(['name', ...NAMES.slice(0, 3)]);
    const raptorAccept =
      'application/rdf+xml, text/rdf;q=0.6, application/n-triples, text/plain;q=0.1, text/turtle, */*;q=0.1';
    const res = await fetch(url, { headers: { Accept: raptorAccept } });
    expect(res.headers.get('content-type')).toMatch(/^application\/rdf\+xml/);
  });

  it('comunica-sparql: SELECT, ASK, CONSTRUCT and DESCRIBE with solution modifiers', { timeout: 180_000 }, async () => {
    expect(existsSync(COMUNICA), 'comunica-sparql is needed (npm devDependency @comunica/query-sparql)').toBe(true);
    const query = async (q: string, type?: string) =>
      (await run(COMUNICA, [`sparql@${server.sparqlUrl}`, P + q, ...(type ? ['-t', type] : [])], { timeout: 60_000 }))
        .stdout;
    const rows = JSON.parse(await query(`SELECT ?name WHERE { ${ORGS} } ORDER BY ?name LIMIT 3 OFFSET 1`)) as {
      name: string;
    }[];
    expect(rows.map((r) => r.name)).toEqual(NAMES.slice(1, 4).map((n) => `"${n}"@nl`));
    expect((await query(`ASK { ${ORGS} }`)).trim()).toBe('true');
    expect((await query('ASK { ?o a schema:GovernmentOrganization ; schema:name "Atlantis" }')).trim()).toBe('false');
    const graph = new Parser({ format: 'N-Triples' }).parse(
      await query(
        `CONSTRUCT { ?o schema:name ?name } WHERE { ${ORGS} } ORDER BY ?name LIMIT 2`,
        'application/n-triples',
      ),
    );
    expect(graph.map((q) => q.object.value).sort()).toEqual(NAMES.slice(0, 2));
    const described = new Parser({ format: 'N-Triples' }).parse(
      await query(
        'DESCRIBE ?o WHERE { ?o a schema:GovernmentOrganization } ORDER BY ?o LIMIT 1',
        'application/n-triples',
      ),
    );
    expect(new Set(described.map((q) => q.subject.value))).toEqual(new Set([ENSCHEDE]));
    expect(described.some((q) => q.object.value === 'Enschede')).toBe(true);
  });
});
