// Reading a record file: time linear in its size, duplicate keys reported at their line, anything but UTF-8 refused at its byte.
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

/** A record with `n` stray keys (each given once). */
function manyKeys(n: number): string {
  return `id: many\nname: Veel\ntype: company\n${Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n')}\n`;
}

/** Time to read and refuse `text` as a record, in ms: the best of `tries`, so one slow moment of a busy machine does not count. */
async function timeToRefuse(dir: string, text: string, tries: number): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    await writeFile(path.join(dir, 'organisations/many.yaml'), text);
    const started = performance.now();
    const err = await refusal(dir);
    best = Math.min(best, performance.now() - started);
    expect(err.problems.map((p) => p.message).join('\n')).toMatch(/unknown fields "k0", "k1", "k2", "k3", "k4" and \d+ more/);
  }
  return best;
}

describe('reading YAML', () => {
  it('takes time linear in the number of keys: 100,000 keys cost about ten times 10,000', { timeout: 300_000 }, async () => {
    const dir = await dataCopy();
    // Warm up the parser and the schema, so the first measurement is not the JIT's.
    await timeToRefuse(dir, manyKeys(1_000), 1);
    const small = await timeToRefuse(dir, manyKeys(10_000), 3);
    const large = await timeToRefuse(dir, manyKeys(100_000), 1);
    // Linear gives a ratio near 10; the yaml package's own duplicate check (quadratic) gave about 100.
    expect(large / small).toBeLessThan(30);
  });

  it('reports a key given twice at its second line, naming the first', async () => {
    const dir = await dataCopy();
    await writeFile(path.join(dir, 'organisations/hengelo.yaml'), 'id: hengelo\nname: Hengelo\ntype: municipality\nname: Gemeente Hengelo\n');
    const err = await refusal(dir);
    expect(err.message).toBe(
      `${path.join(dir, 'organisations/hengelo.yaml')}:4:1: name: the field "name" is given twice in one place (first on line 2); keep one`,
    );
  });

  it('reports a key given twice inside a list item with the path to it', () => {
    const text = 'id: x\npublications:\n  - id: a\n    title: A\n  - id: b\n    title: B\n    kind: report\n    title: C\n';
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
    await writeFile(path.join(dir, 'organisations/hengelo.yaml'), '\ufeffid: hengelo\nname: Hengeló €𝄞\ntype: municipality\n');
    const { records } = await readRecords(dir);
    expect(records.find((r) => r.data.id === 'hengelo')?.data.name).toBe('Hengeló €𝄞');
  });
});
