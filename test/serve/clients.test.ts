// Clients nobody here wrote, run against the server: Python's SPARQLWrapper and rdflib (Debian's packages) and rasqal's roqet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildTempOutput, ROOT, startTestServer, type TestServer } from './support.ts';

const run = promisify(execFile);
// Debian's python3 has python3-sparqlwrapper and python3-rdflib; a pyenv python first on PATH may not.
const PYTHON = '/usr/bin/python3';
const NAMES = ['Enschede', 'Hengelo', 'Leeuwarden', 'Nijmegen'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ outDir: await buildTempOutput(), workers: 1 });
});
afterAll(async () => {
  await server?.close();
});

describe('third-party SPARQL clients', () => {
  it('SPARQLWrapper and rdflib: SELECT as JSON and XML, CONSTRUCT as Turtle', async () => {
    expect(existsSync(PYTHON), `${PYTHON} is needed (Debian python3 with python3-sparqlwrapper, python3-rdflib)`).toBe(true);
    const { stdout } = await run(PYTHON, [path.join(ROOT, 'test/serve/python-clients.py'), server.sparqlUrl], { timeout: 60_000 });
    const got = JSON.parse(stdout) as Record<string, string[]>;
    expect(got['wrapper_json']).toEqual(NAMES);
    expect(got['wrapper_xml']).toEqual(NAMES);
    expect(got['wrapper_turtle']).toEqual(NAMES);
    expect(got['rdflib_json']).toEqual(NAMES);
    expect(got['rdflib_xml']).toEqual(NAMES);
    expect(got['rdflib_construct']).toEqual(NAMES);
    // Each client request is in the access log: the answers came from this server.
    expect(server.logLines.filter((l) => / (GET|POST) \/sparql 200 /.test(l)).length).toBeGreaterThanOrEqual(6);
  });

  it('roqet (rasqal): SELECT through the protocol, results read back intact', async () => {
    const select = await run('roqet', ['-q', '-p', server.sparqlUrl, '-r', 'csv', '-e',
      'SELECT ?name WHERE { ?o a <http://schema.org/GovernmentOrganization> ; <http://schema.org/name> ?name } ORDER BY ?name'], { timeout: 60_000 });
    expect(select.stdout.trim().split(/\r?\n/)).toEqual(['name', ...NAMES]);
    // roqet re-reads our XML results and writes them again: language tags and datatypes survive the round trip.
    const typed = await run('roqet', ['-q', '-p', server.sparqlUrl, '-r', 'xml', '-e',
      'SELECT ?name ?start WHERE { ?p a <http://schema.org/ResearchProject> ; <http://schema.org/name> ?name ; <http://schema.org/foundingDate> ?start }'], { timeout: 60_000 });
    expect(typed.stdout).toContain('<literal xml:lang="nl">Cluster Governance (KKS 2015)</literal>');
    expect(typed.stdout).toContain('<literal datatype="http://www.w3.org/2001/XMLSchema#gYear">2008</literal>');
    // (rasqal 0.9 reads no boolean from a remote service, whatever the server sends, so ASK is not tried with roqet.)
  });
});
