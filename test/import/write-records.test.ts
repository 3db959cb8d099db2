// The record writer: all records or none — a failure part-way puts back every file already moved, and leaves no staging files.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPages } from '../../src/import/run-import.ts';
import { recordToYaml } from '../../src/import/yaml-out.ts';
import { REAL_PAGE, emptyWorkspace, snapshot } from './helpers.ts';

describe('writing records', () => {
  it('rolls back when a write fails part-way: created files removed, an overwritten file restored', async () => {
    const ws = await emptyWorkspace();
    const data = path.join(ws, 'data');
    // A hand-edited project that --force will overwrite first (projects are written before organisations) …
    await importPages({ inputs: [REAL_PAGE], dataDir: data });
    const projectFile = path.join(data, 'projects', 'cluster-governance-kks-2015.yaml');
    const handEdited = (await readFile(projectFile, 'utf8')).replace('status: completed', 'status: ongoing');
    await writeFile(projectFile, handEdited);
    // … and a page naming a new organisation whose record cannot be written: a folder stands where its file goes.
    const page = path.join(ws, 'page.txt');
    await writeFile(
      page,
      (await readFile(REAL_PAGE, 'utf8')).replace('Radboud Universiteit', 'Radboud Universiteit, Synthetisch Bureau'),
    );
    await mkdir(path.join(data, 'organisations', 'synthetisch-bureau.yaml'));
    const before = await snapshot(data);

    const r = await importPages({ inputs: [page], dataDir: data, force: true });
    expect(r.wrote).toBe(false);
    expect(r.findings.errors.map((p) => p.code)).toEqual(['WRITE_FAILED']);
    expect(r.findings.errors[0]?.message).toMatch(/^writing the records failed, so none were written: /);
    expect(r.actions.filter((a) => a.status === 'update').map((a) => a.id)).toEqual(['cluster-governance-kks-2015']);
    expect(await snapshot(data)).toEqual(before);
    expect(await readFile(projectFile, 'utf8')).toBe(handEdited);
    // No staging directory is left beside data/.
    expect((await readdir(ws)).sort()).toEqual(['data', 'page.txt']);
  });

  it('writes nothing on --dry-run, even when there is everything to write', async () => {
    const ws = await emptyWorkspace();
    const before = await snapshot(ws);
    const r = await importPages({ inputs: [REAL_PAGE], dataDir: path.join(ws, 'data'), dryRun: true });
    expect(r.actions.filter((a) => a.status === 'create').length).toBe(13);
    expect(r.wrote).toBe(false);
    expect(await snapshot(ws)).toEqual(before);
  });

  it('writes YAML deterministically: keys in the order of the record schema, running text folded', () => {
    const a = recordToYaml('project', {
      status: 'completed',
      name: 'X',
      id: 'x',
      description: 'woord '.repeat(30).trim(),
      keywords: ['b', 'a'],
    });
    const b = recordToYaml('project', {
      keywords: ['b', 'a'],
      description: 'woord '.repeat(30).trim(),
      id: 'x',
      status: 'completed',
      name: 'X',
    });
    expect(a).toBe(b);
    expect(a.split('\n').filter((l) => /^\w/.test(l))).toEqual([
      'id: x',
      'name: X',
      'keywords:',
      'status: completed',
      'description: >-',
    ]);
  });

  it('creates the record folders it needs', async () => {
    const ws = await emptyWorkspace();
    await mkdir(path.join(ws, 'pages'));
    const r = await importPages({ inputs: [REAL_PAGE], dataDir: path.join(ws, 'data') });
    expect(r.wrote).toBe(true);
    expect((await readdir(path.join(ws, 'data'))).sort()).toEqual([
      'dataset.yaml',
      'organisations',
      'programmes',
      'projects',
    ]);
  });
});
