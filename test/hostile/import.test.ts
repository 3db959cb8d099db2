// Hostile wiki pages: mutated and random bytes never crash the importer; what it writes the build accepts; markup is imported as text.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInvisibleControl } from '../../src/import/page-characters.ts';
import { importPages } from '../../src/import/run-import.ts';
import { emptyWorkspace, REAL_PAGE, REAL_WIKITEXT, records, snapshot } from '../import/helpers.ts';
import { check } from '../../src/pipeline.ts';
import { runCli, withoutProgress } from '../support/project.ts';
import { recordOutcome } from './reliability-log.ts';

const RUNS = 60;

/** The real page with a few bytes flipped, deleted or inserted: what a broken copy-paste or a bad download gives. */
function mutated(bytes: Buffer) {
  return fc
    .array(
      fc.tuple(
        fc.nat({ max: bytes.length - 1 }),
        fc.constantFrom('flip', 'delete', 'insert'),
        fc.integer({ min: 0, max: 255 }),
      ),
      { minLength: 1, maxLength: 12 },
    )
    .map((edits) => {
      const out = [...bytes];
      for (const [at, kind, byte] of edits) {
        const i = Math.min(at, out.length - 1);
        if (kind === 'flip') out[i] = byte;
        else if (kind === 'delete') out.splice(i, 1);
        else out.splice(i, 0, byte);
      }
      return Buffer.from(out);
    });
}

async function importOutcome(ws: string, name: string, content: Buffer): Promise<'records' | 'refused'> {
  const file = path.join(ws, name);
  await writeFile(file, content);
  const result = await importPages({ inputs: [file], dataDir: path.join(ws, 'data'), dryRun: true });
  for (const p of [...result.findings.errors, ...result.findings.warnings]) {
    expect(p.location.file, p.message).toBeTruthy();
    expect(p.location.line, p.message).toBeGreaterThan(0);
  }
  return result.findings.errors.length === 0 && result.actions.length > 0 ? 'records' : 'refused';
}

describe('the importer under mutated and random input', () => {
  it.each([
    ['rendered page', REAL_PAGE, 'page.txt'],
    ['wikitext', REAL_WIKITEXT, 'page.wiki'],
  ])(
    'a %s with random byte edits gives records or located findings, never a crash, and writes nothing',
    { timeout: 120_000 },
    async (label, source, name) => {
      const ws = await emptyWorkspace();
      const before = await snapshot(path.join(ws, 'data'));
      const bytes = await readFile(source);
      const seen = { records: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(mutated(bytes), async (content) => {
          seen[await importOutcome(ws, name, content)]++;
        }),
        { numRuns: RUNS, seed: 42 },
      );
      expect(await snapshot(path.join(ws, 'data'))).toEqual(before);
      expect(seen.records).toBeGreaterThan(0);
      recordOutcome({
        area: 'import',
        attack: `property-based: the real ${label} with 1–12 random byte flips, deletions and insertions (fast-check)`,
        tries: RUNS,
        outcome: `${seen.records} imported, ${seen.refused} refused; every finding located at file:line; no crash; dry run wrote nothing`,
      });
    },
  );

  it('arbitrary text as a page file is refused or imported with located findings, never a crash', {
    timeout: 120_000,
  }, async () => {
    const ws = await emptyWorkspace();
    let tries = 0;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 400 }), async (text) => {
        tries++;
        await importOutcome(ws, 'random.txt', Buffer.from(text));
      }),
      { numRuns: RUNS, seed: 9 },
    );
    recordOutcome({
      area: 'import',
      attack: 'property-based: arbitrary Unicode text as a page file (fast-check)',
      tries,
      outcome: 'located findings every time; no crash',
    });
  });
});

describe('markup in a wiki page', () => {
  it('is imported as text and published as text', { timeout: 120_000 }, async () => {
    const ws = await emptyWorkspace();
    const page = (await readFile(REAL_PAGE, 'utf8'))
      .replace('Help een piek?!', 'Help een piek?! <img src=x onerror=alert(1)>')
      .replace('Clusteren wordt', '</script><script>alert(1)</script> Clusteren wordt');
    await writeFile(path.join(ws, 'page.txt'), page);
    const imported = await runCli(['import', 'page.txt'], ws);
    expect(imported.code, imported.stderr).toBe(0);
    const built = await runCli(['build'], ws);
    expect(withoutProgress(built.stderr)).toBe('');
    expect(built.code).toBe(0);
    const nt = await readFile(path.join(ws, 'output/dataset.nt'), 'utf8');
    expect(nt).toContain('Help een piek?! <img src=x onerror=alert(1)>');
    expect(nt).toContain('</script><script>alert(1)</script> Clusteren wordt');
    // The pages are the build's export (export-site): the build writes no pages.
    const exported = await runCli(['export-site', '--out', 'site'], ws);
    expect(exported.code, exported.stderr).toBe(0);
    const html = await readFile(path.join(ws, 'site/project/cluster-governance-kks-2015.html'), 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert(1)');
    // Shown as text in the page (&lt; or &#60;) or carried in its JSON-LD with < and > escaped (\u003c).
    expect(html).toMatch(/(&lt;|&#60;|\\u003c)img src=x onerror=alert\(1\)(&gt;|&#62;|\\u003e)/);
    expect(html).toMatch(
      /(&lt;|&#60;|\\u003c)\/script(&gt;|&#62;|\\u003e)(&lt;|&#60;|\\u003c)script(&gt;|&#62;|\\u003e)alert\(1\)/,
    );
    recordOutcome({
      area: 'import',
      attack: 'a wiki page with <img onerror> and </script><script> in its subtitle and text',
      tries: 1,
      outcome: 'imported and published as text; the page HTML holds it escaped',
    });
  });
});

/**
 * Text a wiki page can hold: words, punctuation, named references (no `&amp;`, and no numeric reference to
 * "&", so no reference can be spelled out of decoded text), decimal and hex references to any number, and
 * raw control characters of every kind the records refuse. NUL stays out: a file with NUL bytes is binary.
 */
const pageText = fc
  .array(
    fc.oneof(
      fc.stringMatching(/^[a-zA-Zéöï]{1,8}$/),
      fc.constantFrom(' ', '. ', ', ', '-', '(', ')', '!', '?', '\n', '\t'),
      fc.constantFrom(
        '&ouml;',
        '&iuml;',
        '&hellip;',
        '&euro;',
        '&nbsp;',
        '&lt;',
        '&gt;',
        '&quot;',
        '&zwj;',
        '&shy;',
        '&lrm;',
        '&NewLine;',
        '&Tab;',
        '&vert;',
      ),
      fc
        .integer({ min: 0, max: 0x110010 })
        .filter((c) => c !== 0x26)
        .map((c) => `&#${c};`),
      fc
        .tuple(
          fc.integer({ min: 0, max: 0x110010 }).filter((c) => c !== 0x26),
          fc.boolean(),
        )
        .map(([c, up]) => `&#${up ? 'X' : 'x'}${up ? c.toString(16).toUpperCase() : c.toString(16)};`),
      fc
        .oneof(
          fc.integer({ min: 1, max: 0x1f }),
          fc.integer({ min: 0x7f, max: 0x9f }),
          fc.integer({ min: 0x202a, max: 0x202e }),
          fc.integer({ min: 0x2066, max: 0x2069 }),
          fc.constantFrom(
            0x200b,
            0x200c,
            0x200d,
            0x2060,
            0xfeff,
            0xfdd0,
            0xfdef,
            0xfffe,
            0xffff,
            0xd800,
            0xdfff,
            0x1fffe,
            0x10ffff,
          ),
        )
        .map((c) => String.fromCodePoint(c)),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Every string in a parsed record. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const xmlEscape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');

describe('character references and control characters in a page', () => {
  it('never make the import fail, and never reach a written record (fast-check: wikitext, export, rendered page)', {
    timeout: 300_000,
  }, async () => {
    const [wikitext, rendered] = await Promise.all([readFile(REAL_WIKITEXT, 'utf8'), readFile(REAL_PAGE, 'utf8')]);
    const seen = { wiki: 0, xml: 0, txt: 0, removed: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('wiki', 'xml', 'txt'),
        pageText,
        pageText,
        pageText,
        async (format, inTitle, inSubtitle, inText) => {
          const ws = await emptyWorkspace();
          try {
            const title = `Proef ${inTitle} pagina`;
            let file: string;
            if (format === 'txt') {
              // A rendered page's structure is its lines: the title line stays, the other text goes on one line each.
              const oneLine = (t: string) => t.replace(/[\r\n]/g, ' ');
              file = rendered
                .replace('Help een piek?!', `Help ${oneLine(inSubtitle)}`)
                .replace('Clusteren wordt', `Tekst ${oneLine(inText)} Clusteren wordt`);
            } else {
              const body = wikitext
                .replace('{{DISPLAYTITLE:Cluster Governance (KKS 2015)}}\n', '')
                .replace('Help een piek?!', `Help ${inSubtitle}`)
                .replace('Clusteren wordt', `Tekst ${inText} Clusteren wordt`);
              file =
                format === 'wiki'
                  ? `{{DISPLAYTITLE:${title}}}\n${body}`
                  : `<mediawiki>\n<page>\n<title>${xmlEscape(title)}</title>\n<ns>0</ns>\n<revision><text>${xmlEscape(body)}</text></revision>\n</page>\n</mediawiki>\n`;
            }
            await writeFile(path.join(ws, `page.${format}`), file);
            const result = await importPages({
              inputs: [path.join(ws, `page.${format}`)],
              dataDir: path.join(ws, 'data'),
            });
            expect(result.findings.errors.map((e) => `${e.location.line}:${e.location.column} ${e.message}`)).toEqual(
              [],
            );
            expect(result.wrote).toBe(true);
            for (const w of result.findings.warnings) expect(w.location.line).toBeGreaterThan(0);
            seen[format]++;
            seen.removed += result.findings.warnings.filter((w) => w.code === 'INVISIBLE_CHARACTER').length;
            for (const [name, record] of await records(path.join(ws, 'data'))) {
              for (const text of strings(record)) {
                const bad = [...text].find((c) => isInvisibleControl(c.codePointAt(0) ?? 0));
                expect(
                  bad === undefined,
                  `${name}: ${JSON.stringify(text)} holds U+${bad?.codePointAt(0)?.toString(16)}`,
                ).toBe(true);
                expect(text, name).not.toMatch(/&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);/iu);
              }
            }
          } finally {
            await rm(ws, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: RUNS, seed: 12 },
    );
    expect(seen.wiki * seen.xml * seen.txt).toBeGreaterThan(0);
    expect(seen.removed).toBeGreaterThan(0);
    recordOutcome({
      area: 'import',
      attack:
        'property-based: random text of references (named, decimal, hex, to any number) and control characters in a page title, subtitle and text, as wikitext, export and rendered page (fast-check)',
      tries: RUNS,
      outcome: `every import wrote its records (${seen.wiki} wikitext, ${seen.xml} export, ${seen.txt} rendered); ${seen.removed} removals reported at line:column; no reference or control character in any record`,
    });
  });
});

/** Hostile text for the fields of a wiki page that become ids, names, keywords and links. */
const hostile = fc.oneof(
  fc.constantFrom(
    '?!',
    '"',
    '<b>',
    '{x}',
    '|',
    '\\',
    '–',
    '…',
    '&amp;',
    "O'Brien",
    'Ĳssel',
    '中文',
    '  ',
    '[[x]]',
    '://',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
);

describe('hostile wiki pages, imported and then built', () => {
  const RUNS = 20;
  it('either the import refuses with a located error and writes nothing, or the build accepts what it wrote', {
    timeout: 300_000,
  }, async () => {
    const real = await readFile(REAL_WIKITEXT, 'utf8');
    const seen = { built: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.tuple(hostile, hostile, hostile, hostile), async ([keyword, party, subtitle, link]) => {
        const wikitext = real
          .replace('kernwoorden        = clusters,', `kernwoorden        = ${keyword}, clusters,`)
          .replace('[[Platform31]],', `[[Platform31]], ${party},`)
          .replace('Help een piek?!', `Help een piek?! ${subtitle}`)
          .replace('Lessen voor de praktijk [2]', `Lessen voor de praktijk [https://example.org/${link} rapport]`);
        const ws = await emptyWorkspace();
        const file = path.join(ws, 'page.wiki');
        await writeFile(file, wikitext);
        const data = path.join(ws, 'data');
        const before = await snapshot(data);
        const result = await importPages({ inputs: [file], dataDir: data });
        if (!result.wrote) {
          expect(result.findings.errors.length).toBeGreaterThan(0);
          for (const e of result.findings.errors) expect(e.location.line, e.message).toBeGreaterThan(0);
          expect(await snapshot(data)).toEqual(before);
          seen.refused++;
          return;
        }
        // What the import wrote passes the whole build check: schema, IRIs, references and SHACL.
        await check({ dataDir: data });
        seen.built++;
      }),
      { numRuns: RUNS, seed: 12 },
    );
    expect(seen.built).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    recordOutcome({
      area: 'import',
      attack:
        'property-based: hostile keywords, parties, subtitles and link targets in a wiki page, imported and then built (fast-check)',
      tries: RUNS,
      outcome: `${seen.built} imported and accepted by the build; ${seen.refused} refused at the page with nothing written`,
    });
  });
});
