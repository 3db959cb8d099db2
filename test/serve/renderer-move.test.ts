// The pages after a rebuild, moved by the build's change set: the same resources, in the same order, and the same
// page of each as a renderer made afresh on the new build — for an edit that brings and takes no page (the set of
// pages before is kept as it is) and for one that removes a project and adds another.
import { readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editProjects } from '../../bench/edit-records.ts';
import { generate } from '../../bench/generate.ts';
import { build } from '../../src/pipeline.ts';
import { readSiteDocuments } from '../../src/publish/site-documents.ts';
import { createRenderer, subjectsOfGraphs, type Renderer } from '../../src/serve/resource-render.ts';
import { readChangeSet } from '../../src/store/change-set.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { workspaceWithRealData } from '../support/project.ts';

const BASE = 'https://projectgraph.example/';
let ws: string;
let data: string;
let out: string;
let store: EmbeddedStore;
let renderer: Renderer;

beforeAll(async () => {
  ws = await workspaceWithRealData();
  data = path.join(ws, 'data');
  out = path.join(ws, 'output');
  await rm(data, { recursive: true, force: true });
  await generate(data, 60, 5);
  await build({ dataDir: data, outDir: out, sourceDateEpoch: '1790000000' });
  store = await EmbeddedStore.load(await realpath(out));
  renderer = await createRenderer(store, BASE, await readSiteDocuments(out));
}, 240_000);

afterAll(async () => {
  store?.close();
  await rm(ws, { recursive: true, force: true });
});

/** Builds the edited data and moves the store and the renderer by the change set; returns both renderers. */
async function rebuilt(): Promise<{ before: Renderer; moved: Renderer; fresh: Renderer; freshStore: EmbeddedStore }> {
  await build({ dataDir: data, outDir: out, sourceDateEpoch: '1790000000' });
  const dir = await realpath(out);
  const change = await readChangeSet(dir, store.state!);
  if (!change) throw new Error('the new build has no change set from the state the store holds');
  const subjectsBefore = await subjectsOfGraphs(
    store,
    change.graphs.map((g) => g.name),
  );
  await store.apply(change);
  const before = renderer;
  const documents = await readSiteDocuments(dir);
  renderer = await createRenderer(store, BASE, documents, { renderer: before, change, subjectsBefore });
  const freshStore = await EmbeddedStore.load(dir);
  const fresh = await createRenderer(freshStore, BASE, documents);
  return { before, moved: renderer, fresh, freshStore };
}

async function samePages(moved: Renderer, fresh: Renderer): Promise<void> {
  expect([...moved.resources]).toEqual([...fresh.resources]);
  for (const iri of fresh.resources) {
    for (const type of ['text/html', 'text/turtle'] as const) {
      expect(await moved.render(iri, type), `${iri} ${type}`).toEqual(await fresh.render(iri, type));
    }
  }
}

describe('a renderer moved by a change set', () => {
  it('after an edit that brings and takes no page keeps its set of pages, and renders as a fresh one', {
    timeout: 240_000,
  }, async () => {
    expect(await editProjects(data, 3, 'gewijzigd')).toHaveLength(3);
    const { before, moved, fresh, freshStore } = await rebuilt();
    try {
      expect(moved.resources).toBe(before.resources);
      await samePages(moved, fresh);
    } finally {
      freshStore.close();
    }
  });

  it('after a project is removed and another added, with a keyword no project had, renders as a fresh one', {
    timeout: 240_000,
  }, async () => {
    const folder = path.join(data, 'projects');
    // The removed project's record comes back under a new id (its publications' ids are free again).
    const gone = (await readdir(folder)).sort()[0]!;
    const goneIri = `${BASE}project/${gone.replace(/\.yaml$/, '')}`;
    const text = await readFile(path.join(folder, gone), 'utf8');
    await rm(path.join(folder, gone));
    const added = text
      .replace(/^id: .*$/m, 'id: project-nieuw-toegevoegd')
      .replace(/^keywords:\n/m, 'keywords:\n  - zonnebloemvelden\n');
    expect(added).toContain('zonnebloemvelden');
    await writeFile(path.join(folder, 'project-nieuw-toegevoegd.yaml'), added);
    const { before, moved, fresh, freshStore } = await rebuilt();
    try {
      expect(before.resources.has(goneIri)).toBe(true);
      expect(moved.resources.has(goneIri)).toBe(false);
      expect(moved.resources.has(`${BASE}project/project-nieuw-toegevoegd`)).toBe(true);
      expect(moved.resources.has(`${BASE}keyword/zonnebloemvelden`)).toBe(true);
      await samePages(moved, fresh);
    } finally {
      freshStore.close();
    }
  });
});
