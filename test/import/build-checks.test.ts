// The importer runs the build's checks before it writes: what it writes, the build reads; what the build would refuse, it reports at the page.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { importPages } from '../../src/import/run-import.ts';
import { REAL_PAGE, REAL_WIKITEXT, emptyWorkspace, snapshot } from './helpers.ts';

async function importText(name: string, text: string) {
  const ws = await emptyWorkspace();
  const file = path.join(ws, name);
  await writeFile(file, text);
  const data = path.join(ws, 'data');
  const before = await snapshot(data);
  const result = await importPages({ inputs: [file], dataDir: data });
  return { ws, data, file, before, result };
}

describe('the importer refuses what the build would refuse', () => {
  it('a keyword with no letter or digit ("?!"): an error at the page, nothing written', async () => {
    const page = (await readFile(REAL_PAGE, 'utf8')).replace('Kernwoorden clusters,', 'Kernwoorden ?!, clusters,');
    const { data, file, before, result } = await importText('page.txt', page);
    expect(result.wrote).toBe(false);
    const errors = result.findings.errors;
    expect(errors.map((e) => e.code)).toEqual(['BAD_VALUE']);
    expect(path.resolve(errors[0]?.location.file ?? '')).toBe(file);
    expect(errors[0]?.message).toMatch(
      /projects\/cluster-governance-kks-2015\.yaml would be refused by the build: keywords\[0\]: a keyword needs at least one letter or digit .*\(got "\?!"\)/,
    );
    expect(await snapshot(data)).toEqual(before);
  });

  it.each(['"', '\\', '^', '`'])('a link holding %j: an error at the page, nothing written', async (c) => {
    const wikitext = (await readFile(REAL_WIKITEXT, 'utf8')).replace(
      '* Publicatie Cluster Governance. Lessen voor de praktijk [2]',
      `* Publicatie Cluster Governance. Lessen voor de praktijk [https://example.org/rapport${c}2015.pdf rapport]`,
    );
    const { data, before, result } = await importText('page.wiki', wikitext);
    expect(result.wrote).toBe(false);
    expect(result.findings.errors.map((e) => e.message).join('\n')).toMatch(
      /would be refused by the build: publications\[\d\]\.url: contains .* which an IRI may not hold; write it as %[0-9A-F]{2}/,
    );
    expect(await snapshot(data)).toEqual(before);
  });
});

describe('a label set (--config) is read as record files are', () => {
  it('is refused at the line and column of its first byte that is not UTF-8', async () => {
    const ws = await emptyWorkspace();
    const extra = path.join(ws, 'labels.yaml');
    await writeFile(
      extra,
      Buffer.concat([
        Buffer.from('organisations:\n  company:\n    - { name: Adviesbureau Noord, aliases: [Co'),
        Buffer.from([0xf6]),
        Buffer.from('p] }\n'),
      ]),
    );
    const err = await importPages({ inputs: [REAL_PAGE], dataDir: path.join(ws, 'data'), configFiles: [extra] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).problems.map((p) => [p.code, p.location])).toEqual([
      ['ENCODING', { file: extra, line: 3, column: 47 }],
    ]);
  });
});
