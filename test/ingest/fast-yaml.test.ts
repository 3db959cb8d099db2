// The js-yaml fast path against the `yaml` package: the same value or the same refusal for generated and hostile files.
import { readdir, readFile, writeFile, cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { fastParse } from '../../src/ingest/fast-yaml.ts';
import { readRecords } from '../../src/ingest/read-records.ts';
import { parseYaml, parseYamlDocument } from '../../src/ingest/read-yaml.ts';
import { DATA } from '../support/project.ts';
import { generate } from '../../bench/generate.ts';
import { recordToYaml } from '../../src/import/yaml-out.ts';
import { RECORD_KINDS, type RecordKind } from '../../src/ingest/schema.ts';

const KIND_OF_FOLDER: Record<string, RecordKind> = Object.fromEntries(
  Object.entries(RECORD_KINDS).map(([kind, def]) => [def.folder, kind as RecordKind]),
);

type Outcome = { value: unknown } | { refused: unknown };

/** What a reader makes of `text`: its value, or the problems it refuses the file with. */
function outcome(read: (text: string, file: string) => { value: unknown }, text: string): Outcome {
  try {
    return { value: read(text, 'x.yaml').value };
  } catch (e) {
    if (e instanceof DataError) return { refused: e.problems };
    throw e;
  }
}

/** The property: parseYaml (fast path first) answers exactly as the `yaml` package alone does. */
function agrees(text: string): boolean {
  const fast = fastParse(text);
  const reference = outcome(parseYamlDocument, text);
  // Where the fast path answers, `yaml` reads the same value (Object.is for every number: -0, NaN).
  if (fast !== undefined && !('value' in reference && isDeepStrictEqual(fast, reference.value))) return false;
  return isDeepStrictEqual(outcome(parseYaml, text), reference);
}

// `yaml` warns on stderr when it turns a list key into text; that is its business here, not the test's output.
const quietly = <T>(run: () => T): T => {
  const warn = process.emitWarning;
  process.emitWarning = () => {};
  try {
    return run();
  } finally {
    process.emitWarning = warn;
  }
};

const odd = fc.constantFrom(
  ...['', ' ', '  x', 'x ', '#', ' #', 'a #b', ':', ': ', 'a: b', '- ', '-', '?', '? x', '[', ']', '{', '}', ','],
  ...['&a', '*a', '!', '!!str', '|', '>', '"', "'", '\\', '\t', '\r', '\n', '\r\n', '\u0085', '\u2028', '\u00a0'],
  ...['\ufeff', 'yes', 'no', 'on', '~', 'null', 'Null', 'NULL', 'true', 'True', '0o17', '017', '0x1F', '0b11'],
  ...['1_000', '1e3', '1E+3', '.5', '5.', '-.inf', '.NaN', '2020-01-01', '2020-01-01T10:00:00Z', '12:30', '<<'],
  ...['---', '...', '%YAML 1.1', 'é', '€', '𝄞', '\u0007', '\u001b', '\u007f', '\u200b', '\u202e', '@', '`', '%'],
);
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: odd }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\t', '#', ':', '-', '"', "'", '\\') }),
);
const key = fc.oneof(
  fc.constantFrom('id', 'name', 'nl', 'en', 'keywords', '__proto__', 'constructor', '1', '01', 'true', 'null', ''),
  text,
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.maxSafeInteger());
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
/** Record-like maps: strings with odd characters, numbers, lists, nested maps. */
const record = fc.dictionary(key, value, { minKeys: 1, maxKeys: 8 });

/** The ways a record gets written: by `yaml`, by js-yaml, as JSON; every string style, folded or not, CRLF. */
const writer = fc.record({
  by: fc.constantFrom('yaml', 'js-yaml', 'json'),
  strings: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  keys: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
  lineWidth: fc.constantFrom(0, 20, 80),
  flow: fc.boolean(),
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  crlf: fc.boolean(),
});
type Writer = typeof writer extends fc.Arbitrary<infer W> ? W : never;

function write(v: unknown, w: Writer): string {
  let out: string;
  if (w.by === 'json') out = JSON.stringify(v, null, w.flow ? undefined : 2);
  else if (w.by === 'js-yaml') {
    out = dump(v, {
      lineWidth: w.lineWidth || -1,
      flowLevel: w.flow ? 1 : -1,
      indent: w.indent,
      quotingType: w.strings === 'QUOTE_SINGLE' ? "'" : '"',
      forceQuotes: w.strings !== 'PLAIN',
      noArrayIndent: !w.indentSeq,
    });
  } else {
    out = stringify(v, {
      defaultStringType: w.strings,
      defaultKeyType: w.keys,
      lineWidth: w.lineWidth,
      collectionStyle: w.flow ? 'flow' : 'any',
      indent: w.indent,
      indentSeq: w.indentSeq,
    });
  }
  return w.crlf ? out.replace(/\n/g, '\r\n') : out;
}

const fragment = fc.constantFrom(
  ...['a', 'key', ' ', '    ', '\n', '\r\n', '\r', '\t', '- ', '-', ': ', ':', '? ', '[', ']', '{', '}', ', '],
  ...['#', ' # c', '&a ', '*a', '!!str ', '! ', '!x ', '|', '|-', '|+', '>', '>-', '|2', '"', "'", '\\', '\\n'],
  ...['\\x41', '"x"', "'y'", "''", '1', '0o7', '0x1', '1.5', '.inf', '~', 'null', 'yes', '---', '...', '--- '],
  ...['%YAML 1.1', '%TAG ! tag:x:', '<<', '@', '`', '\ufeff', '\u00a0', '\u2028', '\u0085', 'é', '\u0000'],
);
/** Hostile forms: YAML tokens in any order. */
const soup = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(''));
/** Hostile forms close to a record: a written record with a few characters or lines changed. */
const edited = fc
  .tuple(
    record,
    writer,
    fc.array(fc.tuple(fc.nat(), fragment, fc.constantFrom('insert', 'delete', 'replace', 'line', 'indent')), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([v, w, edits]) => {
    let out = write(v, w);
    for (const [n, piece, how] of edits) {
      const at = out.length > 0 ? n % out.length : 0;
      const lines = out.split('\n');
      const line = n % lines.length;
      if (how === 'insert') out = out.slice(0, at) + piece + out.slice(at);
      else if (how === 'delete') out = out.slice(0, at) + out.slice(at + 1 + (n % 3));
      else if (how === 'replace') out = out.slice(0, at) + piece + out.slice(at + piece.length);
      else if (how === 'line') out = [...lines.slice(0, line), lines[line], ...lines.slice(line)].join('\n');
      else out = [...lines.slice(0, line), ' '.repeat(1 + (n % 3)) + lines[line], ...lines.slice(line + 1)].join('\n');
    }
    return out;
  });
/** Block lines with odd indentation, separators and values. */
const lines = fc
  .array(
    fc.tuple(
      fc.constantFrom('', ' ', '  ', '    ', '- ', '  - ', '\t'),
      fc.constantFrom('a', 'b'),
      fc.constantFrom(':', ': ', ':\t', ''),
      fc.oneof(text, fc.constantFrom('', '[x, y]', '{x: y}', '|', '>', '"q', "'q'", '- x')),
    ),
    { maxLength: 10 },
  )
  .map((ls) => `${ls.map((l) => l.join('')).join('\n')}\n`);

describe('the js-yaml fast path', () => {
  it('gives the value yaml gives for records however they are written', () => {
    quietly(() =>
      fc.assert(
        fc.property(record, writer, (v, w) => agrees(write(v, w))),
        { numRuns: 150 },
      ),
    );
  });

  it.each([
    ['YAML tokens in any order', soup, 300],
    ['records with a few characters or lines changed', edited, 150],
    ['block lines with odd indentation and values', lines, 300],
  ] as const)('gives the same value or the same refusal as yaml for hostile forms: %s', (_label, forms, numRuns) => {
    quietly(() => fc.assert(fc.property(forms, agrees), { numRuns }));
  });

  it.each([
    ['YAML 1.1 booleans, octals, sexagesimals and dates, which stay text', 'a: yes\nb: 0777\nc: 1:30\nd: 2020-01-01\n'],
    ['core numbers', 'a: 0o17\nb: 0x1F\nc: -0\nd: .NaN\ne: -.inf\nf: 1e3\ng: +12\nh: 12345678901234567890\n'],
    ['a merge key, which YAML 1.2 does not have', 'a: {b: 1}\nc:\n  <<: {d: 2}\n'],
    ['an anchor and an alias', 'a: &x {b: 1}\nc: *x\n'],
    ['a YAML 1.1 directive', '%YAML 1.1\n---\na: yes\nb: 2001-12-14\n'],
    ['explicit tags', 'a: !!str 1\nb: !!int "2"\nc: ! 3\nd: !<tag:yaml.org,2002:str> 4\n'],
    ['a key given twice', 'a: 1\nb: 2\na: 3\n'],
    ['keys equal as text only', '1: a\n"1": b\n'],
    ['null keys', '~: a\nnull: b\n'],
    ['an empty key', ': a\n'],
    ['a list as a key', '[a, b]: c\n'],
    ['a map as a key', '? {a: 1}\n: b\n'],
    ['a pair in a flow list with a list key', '- [[x]: y]\n'],
    ['__proto__ and other Object keys', '__proto__: 1\nconstructor: 2\ntoString: 3\n'],
    ['a byte-order mark inside the text', 'a: 1\n\ufeffb: 2\n'],
    ['a tab as indentation', 'a:\n\tb: 1\n'],
    ['a tab before a document marker', '\t---\na: 1\n'],
    ['a carriage return ending no line', 'a:\r#\nb: 1\n'],
    ['an escaped line break then an empty line', 'a: "x\\\n\n  y"\n'],
    ['a mapping on the document marker line', '--- a: 1\n'],
    ['a quoted value whose second line is not indented', 'a: "q\nb: 1"\n'],
    ['a flow list whose second line is not indented', 'a: [\nb]\n'],
    ['a comment straight after a quote', '{"a": 1, "b"#: 2}\n'],
    ['a list item less indented after an empty item', 'a:\n  - x\n  -\n - y\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['a NUL character', 'a: "\\0"\nb: \u0000\n'],
    ['nesting deeper than js-yaml goes', `a: ${'['.repeat(150)}${']'.repeat(150)}\n`],
    ['an empty file', ''],
    ['comments only', '# nothing\n'],
    ['a lone scalar', 'just text\n'],
  ])('reads %s as yaml does', (_label, source) => {
    expect(quietly(() => agrees(source))).toBe(true);
  });

  it('refuses a billion-laughs alias bomb as yaml does, without expanding it', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) {
      const name = String.fromCharCode(97 + i);
      levels.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    }
    const bomb = `id: bomb\n${levels.join('\n')}\n`;
    expect(fastParse(bomb)).toBeUndefined();
    expect(() => parseYaml(bomb, 'bomb.yaml')).toThrow(/Excessive alias count/);
  });

  it('takes every record of data/, of the bench generator and as the importer writes them', async () => {
    const generated = await mkdtemp(path.join(tmpdir(), 'projectgraph-fast-yaml-'));
    await generate(generated, 40);
    for (const dir of [DATA, generated]) {
      const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.yaml'));
      expect(files.length).toBeGreaterThan(10);
      for (const file of files) {
        const source = await readFile(path.join(dir, file), 'utf8');
        const { value } = parseYamlDocument(source, file);
        expect(fastParse(source), file).toStrictEqual(value);
        const kind = KIND_OF_FOLDER[file.split(path.sep)[0] ?? ''];
        if (kind === undefined) continue;
        const rewritten = recordToYaml(kind, value, 'written by the importer');
        expect(fastParse(rewritten), `${file} as the importer writes it`).toStrictEqual(value);
      }
    }
  });

  it('keeps a locator that finds fields by line, parsing the file only when asked', () => {
    const source = 'id: x\npublications:\n  - id: a\n    title: A\n  - id: b\n    title: B\n';
    let reads = 0;
    const { value, source: at } = parseYaml(source, 'x.yaml', () => {
      reads++;
      return source;
    });
    expect(value).toEqual({
      id: 'x',
      publications: [
        { id: 'a', title: 'A' },
        { id: 'b', title: 'B' },
      ],
    });
    expect(reads).toBe(0);
    expect(at.locate(['publications', 1, 'title'])).toEqual({ file: 'x.yaml', line: 6, column: 12 });
    expect(at.locate(['publications', 1, 'kind'], { key: true })).toEqual({ file: 'x.yaml', line: 5, column: 5 });
    expect(at.locate(['publications', 0, 'title'], { key: true })).toEqual({ file: 'x.yaml', line: 4, column: 5 });
    expect(reads).toBe(1);
  });
});

describe('a record of 100,000 keys', () => {
  const many = (n: number, twice = false) =>
    `id: many\nname: Veel\ntype: company\n${Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n')}\n` +
    (twice ? 'k99999: again\n' : '');

  // Seconds on a loaded two-core machine; a check that compares every key with every other took 108 s here.
  async function refusedIn(source: string): Promise<{ message: string; ms: number }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-keys-'));
    await cp(DATA, dir, { recursive: true });
    await writeFile(path.join(dir, 'organisations/many.yaml'), source);
    const started = performance.now();
    const err = await readRecords(dir).catch((e: unknown) => e);
    const ms = performance.now() - started;
    expect(err).toBeInstanceOf(DataError);
    return { message: (err as DataError).message, ms };
  }

  it('is refused in seconds for its unknown fields, at the first of them', { timeout: 60_000 }, async () => {
    const { message, ms } = await refusedIn(many(100_000));
    expect(message).toMatch(/many\.yaml:4:1: k0: unknown fields "k0", "k1", "k2", "k3", "k4" and 99995 more/);
    expect(ms).toBeLessThan(30_000);
  });

  it('is refused in seconds for a key given twice, at its second line', { timeout: 60_000 }, async () => {
    const { message, ms } = await refusedIn(many(100_000, true));
    expect(message).toMatch(
      /many\.yaml:100004:1: k99999: the field "k99999" is given twice in one place \(first on line 100003\)/,
    );
    expect(ms).toBeLessThan(30_000);
  });
});
