// The lists of a running server after a rebuild, over HTTP: moved by the build's change set, they show the new data
// and are the same pages a server started afresh on the new build gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from '../../src/pipeline.ts';
import { workspaceWithRealData } from '../support/project.ts';
import { startTestServer, type TestServer } from './support.ts';

const PROJECT = 'cluster-governance-kks-2015';
const NEW_NAME = 'Zonnebloemvelden Governance (KKS 2015)';
let ws: string;
let out: string;
let server: TestServer;
let fresh: TestServer | undefined;

const page = async (s: TestServer, address: string) => {
  const r = await fetch(new URL(address, s.url), { headers: { accept: 'text/html' } });
  return { status: r.status, body: await r.text() };
};

beforeAll(async () => {
  ws = await workspaceWithRealData();
  out = path.join(ws, 'output');
  await build({ dataDir: path.join(ws, 'data'), outDir: out });
  server = await startTestServer({ outDir: out, workers: 1 });
}, 180_000);

afterAll(async () => {
  await fresh?.close();
  await server?.close();
});

describe('the lists after a rebuild under a running server', () => {
  it('show the edited record, as a server started on the new build shows them', { timeout: 180_000 }, async () => {
    const search = `/list/project?q=${encodeURIComponent('zonnebloemvelden')}`;
    expect((await page(server, search)).body).toContain('Niets gevonden.');
    const keyword = await page(server, '/list/keyword/clusters');
    expect(keyword.body).toContain(`href="/project/${PROJECT}"`);

    // The record gets a new name and loses the keyword "clusters".
    const file = path.join(ws, 'data', 'projects', `${PROJECT}.yaml`);
    const text = await readFile(file, 'utf8');
    const edited = text.replace(/^name: .*$/m, `name: ${NEW_NAME}`).replace(/^ {2}- clusters\n/m, '');
    expect(edited).not.toBe(text);
    await writeFile(file, edited);
    const switches = server.pool.switches;
    await build({ dataDir: path.join(ws, 'data'), outDir: out });
    const built = Date.now();
    while (server.pool.switches === switches && Date.now() - built < 60_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(server.pool.lastSwitch).toBe('change-set');

    const found = await page(server, search);
    expect(found.body).toContain('1 resultaat');
    expect(found.body).toContain(`<a href="/project/${PROJECT}">${NEW_NAME}</a>`);
    const after = await page(server, '/list/keyword/clusters');
    expect(after.body).not.toContain(`href="/project/${PROJECT}"`);

    fresh = await startTestServer({ outDir: out, workers: 1 });
    for (const address of [
      '/',
      '/list',
      '/list/project',
      search,
      '/list/project?q=governance',
      '/list/keyword/clusters',
      '/list/keyword/governance',
      '/list/programme/kennis-voor-krachtige-steden',
      '/list/project?status=completed',
      '/list/organisation',
    ]) {
      const [moved, loaded] = [await page(server, address), await page(fresh, address)];
      expect(moved.status, address).toBe(loaded.status);
      expect(moved.body, address).toBe(loaded.body);
    }
  });
});
