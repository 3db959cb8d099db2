// push against a real SPARQL engine (Oxigraph) behind a Graph Store endpoint on 127.0.0.1: only changed graphs sent, deletions, failures that the next push repairs, no leaked credentials.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import { Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { build } from '../../src/pipeline.ts';
import { push, type PushOptions } from '../../src/push/push.ts';
import { runCli, withoutProgress, workspaceWithRealData } from '../support/project.ts';
import { startTestStore, type TestStore } from './support/oxigraph-store.ts';

const USER = 'editor';
const PASSWORD = 'pässwörd-s3cret';
const BASE = 'https://projectgraph.example/';

function storeQuads(s: TestStore): Quad[] {
  const nq = s.store.dump({ format: 'application/n-quads' }) as string;
  return new Parser({ format: 'application/n-quads' }).parse(nq);
}

async function buildQuads(out: string): Promise<Quad[]> {
  return new Parser({ format: 'application/n-quads' }).parse(await readFile(path.join(out, 'dataset.nq'), 'utf8'));
}

describe('projectgraph push to a Graph Store endpoint', () => {
  let ws: string;
  let data: string;
  let out: string;
  let store: TestStore;
  let options: PushOptions;
  const writes = () =>
    store.log.filter((r) => r.method === 'PUT' || r.method === 'DELETE').filter((r) => r.status !== 401);
  const rebuild = () => build({ dataDir: data, outDir: out, sourceDateEpoch: '1790000000' });
  /** Gives organisation `id` a new name in its record (a one-graph change once rebuilt). */
  const rename = async (id: string, name: string) => {
    const file = path.join(data, `organisations/${id}.yaml`);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^name: .*$/m, `name: ${name}`));
  };

  beforeAll(async () => {
    ws = await workspaceWithRealData();
    data = path.join(ws, 'data');
    out = path.join(ws, 'output');
    await rebuild();
    store = await startTestStore({ user: USER, password: PASSWORD });
    options = { outDir: out, store: store.sparql, graphStore: store.graphStore, user: USER, password: PASSWORD };
  });
  afterAll(async () => store?.close());

  it('sends every graph the first time, and the store then holds exactly the build', async () => {
    const report = await push(options);
    const manifest = JSON.parse(await readFile(path.join(out, 'graphs.json'), 'utf8')) as {
      graphs: Record<string, unknown>;
    };
    expect(report.outOfSync).toEqual([]);
    expect(report.put).toEqual(Object.keys(manifest.graphs).sort());
    expect(writes().map((r) => r.method)).toEqual(report.put.map(() => 'PUT'));
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
    expect(report.verified).toEqual({ graphs: report.put.length, triples: (await buildQuads(out)).length });
  });

  it('sends nothing when nothing changed', async () => {
    store.log.length = 0;
    const report = await push(options);
    expect(report.put).toEqual([]);
    expect(report.unchanged).toBeGreaterThan(10);
    expect(writes()).toEqual([]);
    expect(report.outOfSync).toEqual([]);
  });

  it('sends exactly the one graph of an edited record', async () => {
    await rename('enschede', 'Gemeente Enschede');
    await rebuild();
    store.log.length = 0;
    const report = await push(options);
    expect(report.put).toEqual([`${BASE}graph/organisation/enschede`]);
    expect(writes().map((r) => `${r.method} ${r.graph}`)).toEqual([`PUT ${BASE}graph/organisation/enschede`]);
    const names = store.store.query(
      `SELECT ?n WHERE { GRAPH <${BASE}graph/organisation/enschede> { <${BASE}organisation/enschede> <http://schema.org/name> ?n } }`,
    ) as Map<string, { value: string }>[];
    expect(names.map((b) => b.get('n')?.value)).toEqual(['Gemeente Enschede']);
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
    // Its check asks about that graph by name only: no query over every graph of the dataset.
    const queries = store.log.filter((r) => r.method.startsWith('QUERY')).map((r) => r.query ?? '');
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      expect(q).toContain(`<${BASE}graph/organisation/enschede>`);
      expect(q).not.toMatch(/STRSTARTS/);
    }
    expect(report.verified).toBeUndefined();
  });

  it('deletes the graph of a deleted record', async () => {
    await rm(path.join(data, 'organisations/hengelo.yaml'));
    const project = path.join(data, 'projects/cluster-governance-kks-2015.yaml');
    await writeFile(project, (await readFile(project, 'utf8')).replace(/^\s*- hengelo\n/m, ''));
    await rebuild();
    store.log.length = 0;
    const report = await push(options);
    expect(report.deleted).toEqual([`${BASE}graph/organisation/hengelo`]);
    expect(report.put).toEqual([`${BASE}graph/project/cluster-governance-kks-2015`]);
    expect(report.outOfSync).toEqual([]);
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
  });

  it('reports a graph the store refused, and the next push sends only that graph and converges', async () => {
    await rename('enschede', 'Enschede (gemeente)');
    await rebuild();
    store.refuse = (method, graph) => (method === 'PUT' && graph.endsWith('/organisation/enschede') ? 500 : undefined);
    const failed = await push({ ...options, retryDelaysMs: [5, 5] });
    expect(failed.outOfSync.map((o) => o.graph)).toEqual([`${BASE}graph/organisation/enschede`]);
    expect(failed.outOfSync[0]?.reason).toMatch(/HTTP 500.*tried 3 times/);
    expect(
      writes()
        .filter((r) => r.graph?.endsWith('/organisation/enschede'))
        .map((r) => r.status),
    ).toEqual([500, 500, 500]);
    store.refuse = undefined;
    store.log.length = 0;
    const again = await push(options);
    expect(again.put).toEqual([`${BASE}graph/organisation/enschede`]);
    expect(again.outOfSync).toEqual([]);
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
  });

  it('sends a graph again when the store refuses it once with a transient error, as Virtuoso does when loads race', async () => {
    await rename('enschede', 'Gemeente Enschede (retry)');
    await rebuild();
    let refusals = 0;
    store.refuse = (method) => (method === 'PUT' && refusals++ === 0 ? 500 : undefined);
    store.log.length = 0;
    const report = await push({ ...options, retryDelaysMs: [5] });
    store.refuse = undefined;
    expect(writes().map((r) => r.status)).toEqual([500, 204]);
    expect(report.put).toEqual([`${BASE}graph/organisation/enschede`]);
    expect(report.outOfSync).toEqual([]);
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
  });

  it('does not retry a request the store refuses for good (400), and reports it at once', async () => {
    await rename('enschede', 'Gemeente Enschede (refused)');
    await rebuild();
    store.refuse = (method) => (method === 'PUT' ? 400 : undefined);
    store.log.length = 0;
    const report = await push({ ...options, retryDelaysMs: [5, 5] });
    store.refuse = undefined;
    expect(writes().map((r) => r.status)).toEqual([400]);
    expect(report.outOfSync.map((o) => o.reason)).toEqual(['PUT refused: HTTP 400']);
    expect((await push(options)).outOfSync).toEqual([]);
  });

  it('when the store goes away half way, lists what is not in sync, and the next push resends those and converges', async () => {
    await rename('enschede', 'Enschede');
    await rename('kei', 'KEI-centrum (gewijzigd)');
    const project = path.join(data, 'projects/cluster-governance-kks-2015.yaml');
    await writeFile(project, (await readFile(project, 'utf8')).replace(/^name: (.*)$/m, 'name: $1 (bewerkt)'));
    await rebuild();
    const half = await push({
      ...options,
      concurrency: 1,
      onSent: () => {
        store.down = true;
      },
    });
    expect(half.put).toHaveLength(1);
    expect(half.outOfSync).toHaveLength(3);
    expect(half.outOfSync.map((o) => o.graph)).toContain(half.put[0]);
    store.down = false;
    store.log.length = 0;
    const again = await push(options);
    // The one that did arrive was never verified, so it is sent again with the two that did not.
    expect(again.put).toHaveLength(3);
    expect(again.outOfSync).toEqual([]);
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
  });

  it('a push killed after sending, before it saved its state, is redone by the next even when the edit was undone', async () => {
    const file = path.join(data, 'organisations/kei.yaml');
    const before = await readFile(file, 'utf8');
    expect((await push(options)).outOfSync).toEqual([]);
    await rename('kei', 'KEI (kort bewerkt)');
    await rebuild();
    // Throwing from onSent stops the push where a kill would: the graph is in the store, the state not written.
    await expect(
      push({
        ...options,
        onSent: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    await writeFile(file, before);
    await rebuild();
    const again = await push(options);
    expect(again.put).toEqual([`${BASE}graph/organisation/kei`]);
    expect(again.outOfSync).toEqual([]);
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
  });

  it('without its push state, asks the store and removes graphs under the dataset that the build does not have', async () => {
    const report0 = await push(options);
    await rm(report0.stateFile);
    store.store.update(
      `INSERT DATA { GRAPH <${BASE}graph/project/gone> { <${BASE}project/gone> <http://schema.org/name> "weg" } }`,
    );
    const report = await push(options);
    expect(report.deleted).toEqual([`${BASE}graph/project/gone`]);
    expect(report.outOfSync).toEqual([]);
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
  });

  it('notices a store changed behind its back (a triple lost, a stranger graph under the dataset) and the next push repairs it', async () => {
    expect((await push(options)).outOfSync).toEqual([]);
    store.store.update(
      `DELETE DATA { GRAPH <${BASE}graph/organisation/kei> { <${BASE}organisation/kei> <http://schema.org/name> "KEI-centrum (gewijzigd)"@nl } }`,
    );
    store.store.update(
      `INSERT DATA { GRAPH <${BASE}graph/project/stranger> { <${BASE}project/stranger> <http://schema.org/name> "?" } }`,
    );
    // A push that changes nothing checks nothing; told to, it counts every graph of the dataset.
    expect((await push(options)).outOfSync).toEqual([]);
    const noticed = await push({ ...options, verifyAll: true });
    expect(noticed.put).toEqual([]);
    expect(noticed.outOfSync.map((o) => o.graph)).toEqual([
      `${BASE}graph/organisation/kei`,
      `${BASE}graph/project/stranger`,
    ]);
    const repaired = await push(options);
    expect(repaired.put).toEqual([`${BASE}graph/organisation/kei`]);
    expect(repaired.deleted).toEqual([`${BASE}graph/project/stranger`]);
    expect(repaired.outOfSync).toEqual([]);
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
  });

  it('sends every graph with --full', async () => {
    store.log.length = 0;
    const report = await push({ ...options, full: true });
    expect(report.unchanged).toBe(0);
    expect(report.put.length).toBeGreaterThan(10);
    expect(writes().length).toBe(report.put.length);
  });

  it('says when the credentials are refused, and never prints the password (not even one given in the URL)', async () => {
    const wrong = await runCli(
      [
        'push',
        '--out',
        out,
        '--store',
        store.sparql,
        '--graph-store',
        store.graphStore,
        '--user',
        USER,
        '--password',
        'not-it',
        '--full',
      ],
      ws,
    );
    // A wrong password is the command line's fault (2), and nothing that looks like success is printed.
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/the store refused the credentials/);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr + wrong.stdout).not.toContain('not-it');
    const inUrl = store.graphStore.replace('http://', `http://${USER}:${encodeURIComponent(PASSWORD)}@`);
    const ok = await runCli(['push', '--out', out, '--store', store.sparql, '--graph-store', inUrl, '--full'], ws);
    // Progress lines (a push that takes longer than a second) are all it may print on stderr.
    expect(withoutProgress(ok.stderr)).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/in sync/);
    expect(ok.stdout + ok.stderr).not.toContain(PASSWORD);
    expect(ok.stdout + ok.stderr).not.toContain(encodeURIComponent(PASSWORD));
    const state = await readFile(
      path.join(
        ws,
        '.projectgraph/push',
        (await import('node:fs')).readdirSync(path.join(ws, '.projectgraph/push'))[0]!,
      ),
      'utf8',
    );
    expect(state).not.toContain(encodeURIComponent(PASSWORD));
    expect(store.log.some((r) => r.authorization?.startsWith('Basic '))).toBe(true);
  });

  it('after a failure prints no success line, and gives the advice and exit code of the failure', async () => {
    const cli = (extra: string[], target = store) =>
      runCli(
        ['push', '--out', out, '--store', target.sparql, '--graph-store', target.graphStore, '--full', ...extra],
        ws,
      );
    const retryAdvice = /run the same push again/;

    const wrong = await cli(['--user', USER, '--password', 'not-it']);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(
      /^projectgraph: push of build \d+ to .* failed: PUT refused: the store refused the credentials/m,
    );
    expect(wrong.stderr).toMatch(/refused the user name or password: check --user and the password/);
    expect(wrong.stderr).not.toMatch(retryAdvice);
    expect(wrong.stderr).toMatch(/^sent 0 of \d+ changed graphs/m);

    store.refuse = (method) => (method === 'PUT' ? 403 : undefined);
    const forbidden = await cli(['--user', USER, '--password', PASSWORD]);
    store.refuse = undefined;
    expect(forbidden.code).toBe(2);
    expect(forbidden.stdout).toBe('');
    expect(forbidden.stderr).toMatch(/does not let this account write/);
    expect(forbidden.stderr).not.toMatch(retryAdvice);

    store.refuse = (method, graph) =>
      method === 'PUT' && graph.endsWith('/organisation/enschede')
        ? { status: 413, text: 'graph larger than the limit of 10 triples' }
        : undefined;
    const refused = await cli(['--user', USER, '--password', PASSWORD]);
    store.refuse = undefined;
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /organisation\/enschede: PUT refused: HTTP 413 \(graph larger than the limit of 10 triples\)/,
    );
    expect(refused.stderr).toMatch(/the store refused what was sent: its answer is quoted above/);

    const gone = await startTestStore();
    await gone.close();
    const unreachable = await cli(['--user', USER, '--password', PASSWORD], gone);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stdout).toBe('');
    expect(unreachable.stderr).toMatch(/connection refused/);
    expect(unreachable.stderr).toMatch(/the store could not be reached: check that it is running/);
    expect(unreachable.stderr).toMatch(retryAdvice);

    // Back in sync for the tests after this one.
    expect((await cli(['--user', USER, '--password', PASSWORD])).code).toBe(0);
  });

  it('tells how many graphs of how many it has sent', async () => {
    const seen: [number, number][] = [];
    const report = await push({ ...options, full: true, onProgress: (done, total) => seen.push([done, total]) });
    expect(report.put.length).toBeGreaterThan(10);
    expect(seen).toEqual(report.put.map((_, i) => [i + 1, report.put.length]));
  });

  it('tells a store that does not answer in time from one that cannot be reached', async () => {
    store.queryDelayMs = 500;
    const slow = await push({ ...options, full: true, timeoutMs: 100 });
    store.queryDelayMs = 0;
    expect(slow.failure?.kind).toBe('timeout');
    expect(slow.outOfSync[0]?.reason).toMatch(/no answer within the time limit/);
    expect((await push({ ...options, full: true })).failure).toBeUndefined();
  });

  it('--verify-all on the command line finds a triple lost behind its back (exit 3), and the next push repairs it', async () => {
    expect((await push(options)).outOfSync).toEqual([]);
    store.store.update(`DELETE WHERE { GRAPH <${BASE}graph/organisation/kei> { <${BASE}organisation/kei> ?p ?o } }`);
    const args = ['push', '--out', out, '--store', store.sparql, '--graph-store', store.graphStore, '--user', USER];
    const plain = await runCli([...args, '--password', PASSWORD], ws);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/in sync: the graphs sent verified by their triple counts/);
    const all = await runCli([...args, '--password', PASSWORD, '--verify-all'], ws);
    expect(all.code).toBe(3);
    expect(all.stderr).toMatch(/organisation\/kei: the store holds \d+ triples in this graph, the build \d+/);
    const repaired = await push(options);
    expect(repaired.put).toEqual([`${BASE}graph/organisation/kei`]);
    expect(isomorphic(storeQuads(store), await buildQuads(out))).toBe(true);
  });

  it('refuses to push without a build', async () => {
    const r = await runCli(['push', '--out', path.join(ws, 'nothing'), '--store', store.sparql], ws);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/graphs\.json not found: run "projectgraph build" first/);
  });
});

describe('redactUrl', () => {
  it('drops user:password@ and masks token-like query parameters, keeping the rest', async () => {
    const { redactUrl } = await import('../../src/push/http-client.ts');
    expect(redactUrl('http://dba:secret@127.0.0.1:8890/sparql-graph-crud-auth')).toBe(
      'http://127.0.0.1:8890/sparql-graph-crud-auth',
    );
    expect(redactUrl('http://127.0.0.1:7001/?access-token=abc123&x=1')).toBe(
      'http://127.0.0.1:7001/?access-token=***&x=1',
    );
  });
});
