// Proves the endpoint never opens a connection because of a query: a local listener named by the query sees nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Parser } from '@traqula/parser-sparql-1-2';
import { toAlgebra } from '@traqula/algebra-sparql-1-2';
import { buildTempOutput, startTestServer, type TestServer } from './support.ts';
import { createEngine, executeQuery } from '../../src/serve/engine.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';

let server: TestServer;
let outDir: string;
let trap: net.Server;
let trapUrl: string;
let connections = 0;

beforeAll(async () => {
  trap = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
  outDir = await buildTempOutput();
  server = await startTestServer({ outDir, workers: 1 });
});
afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => trap.close(() => resolve()));
});

const ask = (q: string, params = '') => fetch(`${server.sparqlUrl}?query=${encodeURIComponent(q)}${params}`);
const settle = () => new Promise((r) => setTimeout(r, 500));

describe('no outbound connections', () => {
  it('proves the trap works: a direct connection is counted', async () => {
    await new Promise<void>((resolve, reject) => {
      const s = net.connect(Number(new URL(trapUrl).port), '127.0.0.1', () => {
        s.end();
        resolve();
      });
      s.on('error', reject);
    });
    await settle();
    expect(connections).toBe(1);
    connections = 0;
  });

  it('refuses a SERVICE query pointing at the listener, which receives nothing', async () => {
    for (const q of [
      `SELECT * WHERE { SERVICE <${trapUrl}/sparql> { ?s ?p ?o } }`,
      `SELECT * WHERE { SERVICE SILENT <${trapUrl}/sparql> { ?s ?p ?o } }`,
      `SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <${trapUrl}/sparql> { ?s ?q ?r } } }`,
      `ASK { FILTER NOT EXISTS { SERVICE <${trapUrl}/sparql> { ?s ?p ?o } } }`,
      `SELECT * WHERE { { SELECT ?s WHERE { SERVICE <${trapUrl}/sparql> { ?s ?p ?o } } } }`,
      `SELECT * WHERE { GRAPH ?g { ?s ?p ?o } MINUS { SERVICE <${trapUrl}/sparql> { ?s ?p ?o } } }`,
      `CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <${trapUrl}/sparql> { ?s ?p ?o } }`,
    ]) {
      const r = await ask(q);
      expect(r.status, q).toBe(400);
      expect(await r.text(), q).toMatch(/SERVICE is not allowed/);
    }
    await settle();
    expect(connections).toBe(0);
  });

  it('fetches nothing for FROM, LOAD, DESCRIBE or protocol graphs naming the listener', async () => {
    expect((await ask(`SELECT * FROM <${trapUrl}/g.ttl> WHERE { ?s ?p ?o }`)).status).toBe(400);
    expect((await ask(`SELECT * FROM NAMED <${trapUrl}/g.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }`)).status).toBe(400);
    expect((await ask(`LOAD <${trapUrl}/data.ttl>`)).status).toBe(400);
    const describe = await ask(`DESCRIBE <${trapUrl}/thing>`, '');
    expect(describe.status).toBe(200);
    expect((await describe.text()).trim()).toBe('');
    const viaProtocol = await ask(
      'ASK { ?s ?p ?o }',
      `&default-graph-uri=${encodeURIComponent(`${trapUrl}/g.ttl`)}&named-graph-uri=${encodeURIComponent(`${trapUrl}/h.ttl`)}`,
    );
    expect(await viaProtocol.json()).toMatchObject({ boolean: false });
    await settle();
    expect(connections).toBe(0);
  });

  it('cannot reach the network even when the policy is bypassed: Comunica has no way out', async () => {
    // The engine handed an algebra with SERVICE directly, as if the policy had a hole: it fails, it does not fetch.
    const engine = await createEngine(await EmbeddedStore.load(outDir), { namedGraphs: [] });
    const algebraOf = (q: string) => toAlgebra(new Parser().parse(q) as never, { quads: true, blankToVariable: true });
    const service = algebraOf(`SELECT * WHERE { SERVICE <${trapUrl}/sparql> { ?s ?p ?o } }`);
    await expect(
      executeQuery(engine, {
        query: { form: 'select', withDataset: () => service },
        baseIri: 'http://localhost/sparql',
        mediaType: 'application/sparql-results+json',
        maxRows: 10,
      }),
    ).rejects.toThrow();
    const fromRemote = algebraOf(`ASK FROM <${trapUrl}/g.ttl> { ?s ?p ?o }`);
    const answer = await executeQuery(engine, {
      query: { form: 'ask', withDataset: () => fromRemote },
      baseIri: 'http://localhost/sparql',
      mediaType: 'application/sparql-results+json',
      maxRows: 10,
    });
    expect(JSON.parse(answer.body)).toMatchObject({ boolean: false });
    const load = algebraOf(`LOAD <${trapUrl}/data.ttl>`);
    await expect(
      executeQuery(engine, {
        query: { form: 'ask', withDataset: () => load },
        baseIri: 'http://localhost/sparql',
        mediaType: 'application/sparql-results+json',
        maxRows: 10,
      }),
    ).rejects.toThrow();
    await settle();
    expect(connections).toBe(0);
  });
});
