// Reading a record file: duplicate keys reported at their line, anything but UTF-8 refused at its byte.
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { readRecords } from '../../src/ingest/read-records.ts';
import { parseYaml } from '../../src/ingest/read-yaml.ts';
import { DATA } from '../support/project.ts';

async function dataCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-yaml-'));
  await cp(DATA, dir, { recursive: true });
  return dir;
}

async function refusal(dir: string): Promise<DataError> {
  const err = await readRecords(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('reading YAML', () => {
  it('reports a key given twice at its second line, naming the first', async () => {
    const dir = await dataCopy();
    await writeFile(
      path.join(dir, 'organisations/hengelo.yaml'),
      'id: hengelo\nname: Hengelo\ntype: municipality\nname: Gemeente Hengelo\n',
    );
    const err = await refusal(dir);
    expect(err.message).toBe(
      `${path.join(dir, 'organisations/hengelo.yaml')}:4:1: name: the field "name" is given twice in one place (first on line 2); keep one`,
    );
  });

  it('reports a key given twice inside a list item with the path to it', () => {
    const text =
      'id: x\npublications:\n  - id: a\n    title: A\n  - id: b\n    title: B\n    kind: report\n    title: C\n';
    const err = (() => {
      try {
        parseYaml(text, 'x.yaml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).problems.map((p) => [p.location?.line, p.field])).toEqual([[8, 'publications[1].title']]);
  });

  it.each([
    ['Latin-1 ö', Buffer.from([0xf6]), 4],
    ['Windows-1252 “', Buffer.from([0x93]), 4],
    ['a UTF-8 character cut short', Buffer.from([0xe2, 0x82]), 4],
    ['an overlong encoding of "/"', Buffer.from([0xc0, 0xaf]), 4],
    ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80]), 4],
  ])('refuses a file that is not UTF-8 (%s) at the line and column of the bad byte', async (_label, bad, line) => {
    const dir = await dataCopy();
    const before = 'description: Eén gemeente, een co';
    const column = before.length + 1;
    const text = Buffer.concat([
      Buffer.from(`id: hengelo\nname: Hengelo\ntype: municipality\n${before}`),
      bad,
      Buffer.from('rdinatie.\n'),
    ]);
    await writeFile(path.join(dir, 'organisations/hengelo.yaml'), text);
    const err = await refusal(dir);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.code).toBe('ENCODING');
    expect(err.problems[0]?.location).toEqual({ file: path.join(dir, 'organisations/hengelo.yaml'), line, column });
    expect(err.message).toMatch(/the file is not UTF-8: byte 0x[0-9A-F]{2} cannot be read .*save it as UTF-8/);
  });

  it('reads UTF-8 with a byte-order mark and characters of every length', async () => {
    const dir = await dataCopy();
    await writeFile(
      path.join(dir, 'organisations/hengelo.yaml'),
      '\ufeffid: hengelo\nname: Hengeló €𝄞\ntype: municipality\n',
    );
    const { records } = await readRecords(dir);
    expect(records.find((r) => r.data.id === 'hengelo')?.data.name).toBe('Hengeló €𝄞');
  });
});
