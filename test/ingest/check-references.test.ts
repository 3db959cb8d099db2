// Cross-record checks: names that would give an empty IRI segment are refused with their location; programme cycles too.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../src/ingest/read-records.ts';
import { DataError } from '../../src/errors.ts';
import { DATA } from '../support/project.ts';

describe('checkReferences', () => {
  it('refuses a keyword and a place without letters or digits', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-'));
    await cp(DATA, dir, { recursive: true });
    const file = path.join(dir, 'projects/cluster-governance-kks-2015.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('  - clusters\n', '  - "+++"\n').replace('place: Eindhoven', 'place: "–"'));
    const err = await readRecords(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    const problems = (err as DataError).problems.map((p) => `${p.field}: ${p.message}`);
    expect(problems).toEqual([
      'keywords[0]: a keyword needs at least one letter or digit (a–z, accents aside, or 0–9): its IRI is made of those',
      'publications[1].event.place: a place name needs at least one letter or digit (a–z, accents aside, or 0–9): its IRI is made of those',
    ]);
  });

  it('refuses programmes that are part of each other', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-'));
    await cp(DATA, dir, { recursive: true });
    await writeFile(
      path.join(dir, 'programmes/verdus.yaml'),
      'id: verdus\nname: VerDuS\npartOf: kennis-voor-krachtige-steden\n',
    );
    const err = await readRecords(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).problems.map((p) => p.message).join('\n')).toMatch(
      /programmes form a cycle through partOf/,
    );
  });
});
