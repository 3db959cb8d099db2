// Ingest messages in the editor's words: what an empty or mis-shaped file must hold, fields named as in YAML, advice that is true.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { readRecords } from '../../src/ingest/read-records.ts';
import { DATA } from '../support/project.ts';

async function dataCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-messages-'));
  await cp(DATA, dir, { recursive: true });
  return dir;
}

/** The refusal of `dir` as its lines, with the temp directory cut off the file names. */
async function refusal(dir: string): Promise<string[]> {
  const err = await readRecords(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return (err as DataError).message.split('\n').map((l) => l.replaceAll(`${dir}${path.sep}`, ''));
}

describe('messages about a whole file', () => {
  it.each([
    ['empty', '', 'the file is empty (or holds only comments)'],
    ['only comments', '# nog invullen\n', 'the file is empty (or holds only comments)'],
    ['a list', '- id: hengelo\n- name: Hengelo\n', 'the file holds a list, not fields'],
    ['one text', 'Hengelo\n', 'the file holds text, not fields'],
  ])('says what a record must hold when the file is %s', async (_label, text, start) => {
    const dir = await dataCopy();
    await writeFile(path.join(dir, 'organisations/hengelo.yaml'), text);
    expect(await refusal(dir)).toEqual([
      `organisations/hengelo.yaml:1:1: (record): ${start}: an organisation record is written as "field: value" lines ` +
        'and needs at least id:, name: and type: (see the record format in README.md)',
    ]);
  });

  it('names the fields an empty dataset.yaml needs', async () => {
    const dir = await dataCopy();
    await writeFile(path.join(dir, 'dataset.yaml'), '');
    const [line] = await refusal(dir);
    expect(line).toBe(
      'dataset.yaml:1:1: (record): the file is empty (or holds only comments): a dataset description is written as ' +
        '"field: value" lines and needs at least baseIri:, title:, description:, publisher:, licence:, contact: and keywordSet: ' +
        '(see the record format in README.md)',
    );
  });
});

describe('messages about one field', () => {
  it.each([
    [
      'alternateNames: Gemeente Hengelo',
      'alternateNames: expected a list (lines starting with "- ", or [a, b]), but the file gives text (got "Gemeente Hengelo")',
    ],
    [
      'alternateNames:',
      'alternateNames: expected a list (lines starting with "- ", or [a, b]), but the file gives nothing (the field is empty)',
    ],
    ['alternateNames: [3]', 'alternateNames[0]: expected text (got "3")'],
    [
      'alternateNames: { nl: Hengelo }',
      'alternateNames: expected a list (lines starting with "- ", or [a, b]), but the file gives a map of fields (got "{\\"nl\\":\\"Hengelo\\"}")',
    ],
  ])('%s', async (line, message) => {
    const dir = await dataCopy();
    await writeFile(
      path.join(dir, 'organisations/hengelo.yaml'),
      `id: hengelo\nname: Hengelo\ntype: municipality\n${line}\n`,
    );
    const [got] = await refusal(dir);
    expect(got?.replace(/^organisations\/hengelo\.yaml:4:\d+: /, '')).toBe(message);
  });

  it('words a wrong footnote and a wrong map in YAML terms', async () => {
    const dir = await dataCopy();
    const file = path.join(dir, 'projects/cluster-governance-kks-2015.yaml');
    const text = (await readFile(file, 'utf8'))
      .replace('footnote: 3', 'footnote: -3')
      .replace(/^source:\n(?: {2}.*\n)+/m, 'source: Netwerk Wiki\n');
    await writeFile(file, text);
    const lines = await refusal(dir);
    expect(lines.map((l) => l.replace(/^[^ ]+ /, ''))).toEqual([
      'publications[1].footnote: expected a number above 0 (got "-3")',
      'source: expected a map of fields ("field: value" lines indented under it, or { field: value }), but the file gives text (got "Netwerk Wiki")',
    ]);
  });

  it('points an unknown field at its key, lists a few and counts the rest', async () => {
    const dir = await dataCopy();
    const stray = Array.from({ length: 8 }, (_, i) => `extra${i}: x`).join('\n');
    await writeFile(
      path.join(dir, 'organisations/hengelo.yaml'),
      `id: hengelo\nname: Hengelo\ntype: municipality\n${stray}\n`,
    );
    expect(await refusal(dir)).toEqual([
      'organisations/hengelo.yaml:4:1: extra0: unknown fields "extra0", "extra1", "extra2", "extra3", "extra4" and 3 more ' +
        '(check the spelling; see the record format in README.md)',
    ]);
  });
});

describe('advice about references', () => {
  it('names the id of the file a reference names by its file name, instead of advising to add that file', async () => {
    const dir = await dataCopy();
    await writeFile(
      path.join(dir, 'organisations/hengelo.yaml'),
      'id: gemeente-hengelo\nname: Hengelo\ntype: municipality\n',
    );
    const lines = await refusal(dir);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^projects\/cluster-governance-kks-2015\.yaml:\d+:\d+: participants\[\d\]: /);
    expect(lines[0]).toContain(
      'no organisation record has this id; organisations/hengelo.yaml has the id "gemeente-hengelo": ' +
        'write that id here, or change the id in that file (got "hengelo")',
    );
    expect(lines[0]).not.toContain('add ');
  });

  it('advises to add the file in the data folder actually read when no file has the name', async () => {
    const dir = await dataCopy();
    const file = path.join(dir, 'projects/cluster-governance-kks-2015.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('  - hengelo\n', '  - almelo\n'));
    const lines = await refusal(dir);
    expect(lines).toHaveLength(1);
    // refusal() cuts the data folder off file names; what is left must be its organisations/ folder.
    expect(lines[0]).toContain(
      'no organisation record has this id (add organisations/almelo.yaml with "id: almelo", or fix the id here)',
    );
  });
});
