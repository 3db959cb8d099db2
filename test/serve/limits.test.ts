// The endpoint's bounds over real HTTP: time limit that really stops evaluation, 503 when full, slow clients, faults.
// SIGTERM is tried in test/hostile/fair-share.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTempOutput, rawRequest, startTestServer, until, type TestServer } from './support.ts';

// 168^4 ≈ 8·10^8 combinations: no evaluation finishes this in a test's lifetime.
const CARTESIAN = 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }';
const LOOKUP = 'SELECT ?name WHERE { <https://projectgraph.example/organisation/kei> <http://schema.org/name> ?name }';

const LIMIT_MS = 3000;
let outDir: string;
let server: TestServer;
const ask = (s: TestServer, q: string) => fetch(`${s.sparqlUrl}?query=${encodeURIComponent(q)}`);

beforeAll(async () => {
  outDir = await buildTempOutput();
  // No result cache: every query here must reach a worker; and a client share above the pool, so the pool's own limit shows.
  server = await startTestServer({
    outDir,
    cacheBytes: 0,
    timeoutSeconds: LIMIT_MS / 1000,
    workers: 2,
    queueLimit: 0,
    queriesPerClient: 3,
    headersTimeoutMs: 1000,
    requestTimeoutMs: 2000,
  });
});
afterAll(async () => {
  await server?.close();
});

describe('time limit', () => {
  it('turns queries away with 503 and Retry-After when every worker is busy', { timeout: 120_000 }, async () => {
    await until(() => server.pool.readyWorkers === 2, 90_000);
    // Two different queries: identical ones would share one evaluation.
    const slow = [ask(server, CARTESIAN), ask(server, `${CARTESIAN} # second`)];
    await until(() => server.pool.busyWorkers === 2, 5_000);
    const turned = await ask(server, LOOKUP);
    expect(turned.status).toBe(503);
    expect(Number(turned.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await turned.text()).toMatch(/too many queries/);
    for (const r of await Promise.all(slow)) expect(r.status).toBe(503);
  });

  it('stops a runaway query at the limit, frees its CPU, and the next query is fast', {
    timeout: 180_000,
  }, async () => {
    // Both workers ready: one takes the runaway query, the other stays free for the next one.
    await until(() => server.pool.readyWorkers === 2, 90_000);
    const timeoutsBefore = server.pool.timeouts;
    const started = performance.now();
    const r = await ask(server, CARTESIAN);
    const took = performance.now() - started;
    expect(r.status).toBe(503);
    expect(await r.text()).toMatch(/time limit/);
    expect(took).toBeGreaterThanOrEqual(LIMIT_MS - 50);
    expect(took).toBeLessThan(LIMIT_MS + 2000);
    expect(server.pool.timeouts).toBe(timeoutsBefore + 1);

    const t = performance.now();
    const next = await ask(server, LOOKUP);
    expect(next.status).toBe(200);
    expect(await next.text()).toContain('KEI');
    // Well under the time limit: the runaway query no longer holds anything.
    expect(performance.now() - t).toBeLessThan(1500);

    // The stopped worker is gone, not still counting in the background: once its replacement has loaded,
    // the process is idle.
    await until(() => server.pool.readyWorkers === 2, 90_000);
    await new Promise((res) => setTimeout(res, 300));
    const before = process.cpuUsage();
    await new Promise((res) => setTimeout(res, 1000));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(400);
  });
});

describe('slow clients', () => {
  it('drops a client that never finishes its headers, while others are served', { timeout: 120_000 }, async () => {
    await until(() => server.pool.readyWorkers >= 1, 30_000);
    const port = Number(new URL(server.url).port);
    const started = performance.now();
    const slowloris = rawRequest(port, 'GET /sparql HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n', 10_000);
    const other = await ask(server, LOOKUP);
    expect(other.status).toBe(200);
    const answer = await slowloris;
    expect(performance.now() - started).toBeLessThan(5000);
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
  });

  it('drops a client that never finishes its body', async () => {
    const port = Number(new URL(server.url).port);
    const started = performance.now();
    const answer = await rawRequest(
      port,
      'POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK {',
      10_000,
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
  });

  it('answers oversized headers with 431', async () => {
    const port = Number(new URL(server.url).port);
    const answer = await rawRequest(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    // Requests refused before they reach the router still get their access-log line.
    expect(server.logLines.some((l) => / - - 431 /.test(l))).toBe(true);
    expect(server.logLines.some((l) => / - - 408 /.test(l))).toBe(true);
  });
});

describe('faults', () => {
  it('answers a query that outgrows its worker heap with a 500 saying so, and keeps serving', {
    timeout: 180_000,
  }, async () => {
    const limited = await startTestServer({ outDir, timeoutSeconds: 30, workers: 1, workerMemoryMb: 64 });
    try {
      // Sorting 168^3 rows needs far more than 64 MB: the worker runs out of memory mid-query.
      const r = await ask(limited, 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g ?c ?f ?i');
      expect(r.status).toBe(500);
      const text = await r.text();
      expect(text).toBe('the query needed more than the 64 MB of memory a query may use here, and was stopped\n');
      await until(() => limited.pool.readyWorkers === 1, 30_000);
      expect((await ask(limited, LOOKUP)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
