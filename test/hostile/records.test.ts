// Hostile records: markup, huge and invisible text, Unicode tricks, bad ids, YAML bombs and huge files — each published safely or refused with its location.
import { cp, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/pipeline.ts';
import { DataError } from '../../src/errors.ts';
import { DATA, runCli, withoutProgress } from '../support/project.ts';
import { recordOutcome } from './reliability-log.ts';

const PROJECT = 'projects/cluster-governance-kks-2015.yaml';

async function dataCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-hostile-'));
  await cp(DATA, path.join(dir, 'data'), { recursive: true });
  return dir;
}

/** A project record with `text` in every text field, written as a YAML double-quoted string. */
function projectWith(text: string): string {
  const q = JSON.stringify(text);
  return `id: hostile
name: ${q}
alternateName: ${q}
programme: verdus
keywords: [${q}]
participants: [platform31]
startYear: 2001
endYear: 2002
status: completed
background: ${q}
description: ${q}
outcomes: ${q}
publications:
  - id: hostile-publication
    kind: report
    title: ${q}
    event: { name: ${q}, place: ${q}, date: 2002-03 }
about:
  - { id: hostile-subject, name: ${q}, location: ${q} }
source: { title: ${q} }
`;
}

async function expectRefused(dir: string, where: RegExp, words: RegExp): Promise<void> {
  const err = await check({ dataDir: path.join(dir, 'data') }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  const text = (err as DataError).message;
  expect(text).toMatch(where);
  expect(text).toMatch(words);
}

describe('hostile text in records', () => {
  const MARKUP = [
    '<img src=x onerror=alert(1)>',
    '</script><script>alert(1)</script>',
    ']]><!-- <![CDATA[ x',
    '"quotes" \'and\' `backticks` & ampersands; \\ backslash',
  ];

  it.each(MARKUP)('publishes %j as text in every field, byte for byte', async (markup) => {
    const dir = await dataCopy();
    await writeFile(path.join(dir, 'data/projects/hostile.yaml'), projectWith(markup));
    const r = await runCli(['build'], dir);
    expect(withoutProgress(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const quads = new Parser({ format: 'application/n-triples' }).parse(
      await readFile(path.join(dir, 'output/dataset.nt'), 'utf8'),
    );
    const literals = quads.filter((q) => q.object.termType === 'Literal' && q.object.value === markup);
    // name, alternateName, background, description, outcomes, keyword name and label, title, event name,
    // place (one resource for the event's place and the subject's location), subject name, source label
    expect(literals.length).toBe(12);
    const ttl = await parseTtl(path.join(dir, 'output/dataset.ttl'));
    expect(ttl.filter((q) => q.object.value === markup).length).toBe(12);
  });

  it('publishes a 1,000,000-character description', async () => {
    const dir = await dataCopy();
    const long = 'lang '.repeat(200_000).trim();
    await writeFile(
      path.join(dir, 'data/projects/hostile.yaml'),
      projectWith('Lange tekst').replace(/^description: .*$/m, `description: ${long}`),
    );
    const r = await runCli(['build'], dir);
    expect(r.code).toBe(0);
    const nt = await readFile(path.join(dir, 'output/dataset.nt'), 'utf8');
    expect(nt).toContain(`"${long}"@nl`);
    recordOutcome({
      area: 'build',
      attack: 'markup, script end tags, CDATA ends and comments in every text field of a record',
      tries: 4,
      outcome: 'built; every value published byte for byte as a literal in all dumps',
    });
    recordOutcome({
      area: 'build',
      attack: '1,000,000-character description',
      tries: 1,
      outcome: 'built and published whole',
    });
  });

  it.each([
    ['U+0000 NUL', '\u0000', '0000'],
    ['U+001B ESC', 'a\u001bb', '001B'],
    ['U+202E right-to-left override', 'abc\u202Edef', '202E'],
    ['U+2066 left-to-right isolate', 'abc\u2066def', '2066'],
    ['U+0085 next line (C1)', 'a\u0085b', '0085'],
  ])('refuses %s with its location', async (_label, value, code) => {
    const dir = await dataCopy();
    await writeFile(
      path.join(dir, 'data/projects/hostile.yaml'),
      projectWith('Gewone tekst').replace(/^outcomes: .*$/m, `outcomes: ${JSON.stringify(value)}`),
    );
    await expectRefused(dir, /data\/projects\/hostile\.yaml:12:\d+: outcomes: /, new RegExp(`U\\+${code}`));
  });

  it('makes one keyword of a name written in two Unicode normal forms', async () => {
    const dir = await dataCopy();
    const nfc = 'cre\u00ebren';
    const nfd = 'cree\u0308ren';
    await writeFile(
      path.join(dir, 'data/projects/hostile.yaml'),
      projectWith('Normaalvormen').replace(/^keywords: .*$/m, `keywords: [${JSON.stringify(nfc)}]`),
    );
    await writeFile(
      path.join(dir, 'data/projects/hostile-2.yaml'),
      projectWith('Normaalvormen 2')
        .replace(/^id: hostile$/m, 'id: hostile-2')
        .replace('hostile-publication', 'hostile-publication-2')
        .replace('hostile-subject', 'hostile-subject-2')
        .replace(/^keywords: .*$/m, `keywords: [${JSON.stringify(nfd)}]`),
    );
    const r = await runCli(['build'], dir);
    expect(r.code).toBe(0);
    const quads = await parseTtl(path.join(dir, 'output/dataset.ttl'));
    const labels = quads.filter(
      (q) => q.subject.value.endsWith('/keyword/creeren') && q.predicate.value.endsWith('/name'),
    );
    expect(labels.map((q) => q.object.value)).toEqual([nfc]);
    recordOutcome({
      area: 'build',
      attack: 'control characters (C0, C1) and bidirectional overrides/isolates in text',
      tries: 5,
      outcome: 'refused with file:line, field and the code point',
    });
    recordOutcome({
      area: 'build',
      attack: 'one keyword written in NFC and in NFD',
      tries: 1,
      outcome: 'one resource with one (NFC) name',
    });
  });
});

describe('hostile ids', () => {
  it.each(['../etc/passwd', '..%2Fsecret', 'a/b', 'A', 'x y', 'cluster>', 'é', '-start', 'end-', 'double--hyphen', ''])(
    'refuses id %j',
    async (id) => {
      const dir = await dataCopy();
      await writeFile(
        path.join(dir, 'data/organisations/hostile.yaml'),
        `id: ${JSON.stringify(id)}\nname: Hostile\ntype: organisation\n`,
      );
      await expectRefused(dir, /data\/organisations\/hostile\.yaml:1:\d+: id: /, /an id may hold only/);
    },
  );

  it('logs the id outcomes', () => {
    recordOutcome({
      area: 'build',
      attack: 'ids with ../, %2F, /, capitals, spaces, >, non-ASCII, edge hyphens, empty',
      tries: 11,
      outcome: 'refused with file:line and field before any IRI is minted',
    });
  });
});

/** A record with `n` stray keys (each given once). */
function manyKeys(n: number): string {
  return `id: many\nname: Veel\ntype: company\n${Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n')}\n`;
}

/** Time to read and refuse `text` as a record, in ms: the best of `tries`, so one slow moment of a busy machine does not count. */
async function timeToRefuse(dir: string, text: string, tries: number): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    await writeFile(path.join(dir, 'data/organisations/many.yaml'), text);
    const started = performance.now();
    const err = await check({ dataDir: path.join(dir, 'data') }).catch((e: unknown) => e);
    best = Math.min(best, performance.now() - started);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toMatch(/many\.yaml:\d+:\d+: k0: unknown fields "k0", "k1"/);
  }
  return best;
}

describe('hostile YAML and files', () => {
  it('takes time linear in the number of keys: 100,000 keys cost about ten times 10,000', {
    timeout: 300_000,
  }, async () => {
    const dir = await dataCopy();
    // Warm up the parser and the schema, so the first measurement is not the JIT's.
    await timeToRefuse(dir, manyKeys(1_000), 1);
    const small = await timeToRefuse(dir, manyKeys(10_000), 3);
    const large = await timeToRefuse(dir, manyKeys(100_000), 1);
    // Linear gives a ratio near 10; the yaml package's own duplicate check (quadratic) gave about 100.
    expect(large / small).toBeLessThan(30);
    await rm(path.join(dir, 'data/organisations/many.yaml'));
    recordOutcome({
      area: 'build',
      attack: 'record file with 100,000 keys (0.99 MB), against one with 10,000',
      tries: 1,
      outcome: `refused with its file:line in ${(large / 1000).toFixed(1)} s, ${(large / small).toFixed(1)}× the 10,000-key file (linear; bound 30×)`,
    });
  });

  it('refuses a billion-laughs alias bomb without expanding it', async () => {
    const dir = await dataCopy();
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    await writeFile(
      path.join(dir, 'data/organisations/bomb.yaml'),
      `id: bomb\nname: Bomb\ntype: organisation\n${levels.join('\n')}\n`,
    );
    const before = process.memoryUsage().rss;
    await expectRefused(dir, /data\/organisations\/bomb\.yaml:\d+:\d+/, /alias|Excessive/i);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    recordOutcome({
      area: 'build',
      attack: 'YAML "billion laughs" alias bomb (9^10 nodes)',
      tries: 1,
      outcome: 'refused with its file, no expansion',
    });
  });

  it('refuses a 100 MB record file by its size, before reading it', async () => {
    const dir = await dataCopy();
    const file = path.join(dir, 'data/projects/huge.yaml');
    // A sparse file: 100 MB by size, nothing on disk; reading it whole would still take 100 MB of memory.
    const handle = await open(file, 'w');
    await handle.truncate(100 * 1024 * 1024);
    await handle.close();
    const started = performance.now();
    await expectRefused(
      dir,
      /data\/projects\/huge\.yaml:1:1: /,
      /104857600 bytes; a record file may hold at most 1048576 bytes/,
    );
    expect(performance.now() - started).toBeLessThan(30_000);
    await rm(file);
    recordOutcome({
      area: 'build',
      attack: '100 MB record file',
      tries: 1,
      outcome: 'refused by its size before being read',
    });
  });
});

async function parseTtl(file: string) {
  return new Parser({ format: 'text/turtle' }).parse(await readFile(file, 'utf8'));
}

describe('hostile IRIs and encodings', () => {
  const BREAKING = ['"', '<', '>', ' ', '{', '|', '\\'];

  it.each(BREAKING)('refuses a url holding %j at its line; nothing is published', async (c) => {
    const dir = await dataCopy();
    const file = path.join(dir, 'data', PROJECT);
    const url = `https://example.org/rapport${c}2015`;
    const text = `${(await readFile(file, 'utf8')).replace(/^url: .*$/m, '')}url: ${JSON.stringify(url)}\n`;
    await writeFile(file, text);
    const line = text.split('\n').findIndex((l) => l.startsWith('url: ')) + 1;
    const r = await runCli(['build'], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `data/projects/cluster-governance-kks-2015\\.yaml:${line}:6: url: contains .* which an IRI may not hold`,
      ),
    );
    await expect(readFile(path.join(dir, 'output/dataset.nt'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('refuses a record file saved as Latin-1 at the line and column of the first bad byte', async () => {
    const dir = await dataCopy();
    await writeFile(
      path.join(dir, 'data/organisations/hengelo.yaml'),
      Buffer.concat([
        Buffer.from('id: hengelo\nname: Hengelo\ntype: municipality\ndescription: co'),
        Buffer.from([0xf6]),
        Buffer.from('rdinatie\n'),
      ]),
    );
    const r = await runCli(['build'], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('data/organisations/hengelo.yaml:4:16: the file is not UTF-8: byte 0xF6 cannot be read');
    expect(r.stderr).not.toContain('\uFFFD');
    recordOutcome({
      area: 'build',
      attack: 'url holding ", <, >, a space, {, | or \\ (raw in <…>, it broke every dump)',
      tries: BREAKING.length,
      outcome: 'refused with file:line:column, field and the %-encoding to write; nothing published',
    });
    recordOutcome({
      area: 'build',
      attack: 'record file in Latin-1',
      tries: 1,
      outcome: 'refused at the line and column of the first non-UTF-8 byte; no U+FFFD published',
    });
  });
});
