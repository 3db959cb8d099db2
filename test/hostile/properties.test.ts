// Property-based: random and mutated records never crash the build; each is accepted (and then passes SHACL) or refused with a location.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../src/pipeline.ts';
import { DataError } from '../../src/errors.ts';
import { ID_PATTERN } from '../../src/ingest/schema.ts';
import { mintIris, slug } from '../../src/map/iri.ts';
import { DATA } from '../support/project.ts';
import { recordOutcome } from './reliability-log.ts';

const RUNS = 120;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-props-'));
  await cp(DATA, dir, { recursive: true });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Any text, including markup, control characters, lone surrogates' neighbours and bidi marks. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '<script>alert(1)</script>', '\u202Eevil', '\u0000', 'Ĳsselmonde', 'a\r\nb', '2015 - 2008', '&amp;', '}}]]>'),
);
/** Mostly plausible values (so many mutants are accepted and reach SHACL), some hostile ones. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), weight: 4 },
  { arbitrary: fc.integer({ min: 1000, max: 2999 }), weight: 2 },
  { arbitrary: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }), weight: 2 },
  { arbitrary: fc.record({ nl: fc.string({ unit: 'grapheme', minLength: 1 }), en: fc.string({ unit: 'grapheme', minLength: 1 }) }), weight: 2 },
  anyText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(anyText, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('nl', 'en', 'de', 'x'), anyText, { maxKeys: 3 }),
);

const validProject = {
  id: 'property-test',
  name: 'Eigenschapstest',
  programme: 'verdus',
  keywords: ['governance'],
  participants: ['platform31'],
  startYear: 2010,
  endYear: 2012,
  status: 'ongoing',
  description: 'Een project dat alleen in tests bestaat.',
  publications: [{ id: 'property-publication', kind: 'report', title: 'Rapport', event: { place: 'Utrecht', date: '2011-05' } }],
};
const FIELDS = [...Object.keys(validProject), 'alternateName', 'background', 'outcomes', 'about', 'source', 'url', 'unknownField'];

/** A valid project with some fields replaced by arbitrary values or removed. */
const mutatedProject = fc
  .array(fc.tuple(fc.constantFrom(...FIELDS), fc.option(anyValue, { nil: undefined })), { minLength: 1, maxLength: 2 })
  .map((edits) => {
    const record: Record<string, unknown> = structuredClone(validProject);
    for (const [field, value] of edits) {
      if (value === undefined) delete record[field];
      else record[field] = value;
    }
    return record;
  });

async function outcomeOf(yamlText: string): Promise<'accepted' | 'refused'> {
  await writeFile(path.join(dir, 'projects/property-test.yaml'), yamlText);
  try {
    await check({ dataDir: dir });
    return 'accepted';
  } catch (e) {
    // Refusals are DataErrors whose every problem names a file and line; anything else is a crash.
    expect(e).toBeInstanceOf(DataError);
    for (const p of (e as DataError).problems) {
      expect(p.location?.file, p.message).toMatch(/\.yaml$/);
      expect(p.location?.line, p.message).toBeGreaterThan(0);
      // An accepted record must pass SHACL: a SHACL violation here means the schema let something through.
      expect(p.code, p.message).not.toBe('SHACL_VIOLATION');
    }
    return 'refused';
  }
}

describe('records under random mutation', () => {
  it('are accepted and pass SHACL, or refused with a location — never a crash', async () => {
    const seen = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(mutatedProject, async (record) => {
        seen[await outcomeOf(stringify(record))]++;
      }),
      { numRuns: RUNS, seed: 20261126 },
    );
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    recordOutcome({ area: 'build', attack: 'property-based: valid project with random fields replaced or removed (fast-check)', tries: RUNS, outcome: `${seen.accepted} accepted and SHACL-valid, ${seen.refused} refused with file:line; no crash` });
  });

  it('arbitrary bytes as a record file are refused with a location — never a crash', async () => {
    let tries = 0;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        tries++;
        await outcomeOf(text);
      }),
      { numRuns: RUNS, seed: 7 },
    );
    recordOutcome({ area: 'build', attack: 'property-based: arbitrary text as a YAML record file (fast-check)', tries, outcome: 'refused with file:line; no crash' });
  });
});

describe('IRI minting under random names', () => {
  it('always yields an id-shaped segment or nothing, and never leaves the base', () => {
    const iris = mintIris('https://example.org/');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (name) => {
        const s = slug(name);
        expect(s === '' || ID_PATTERN.test(s)).toBe(true);
        const iri = iris.keyword(name).value;
        expect(iri.startsWith('https://example.org/keyword/')).toBe(true);
        expect(new URL(iri).pathname).toBe(`/keyword/${s}`);
      }),
      { numRuns: 2000, seed: 3 },
    );
    recordOutcome({ area: 'build', attack: 'property-based: arbitrary Unicode names minted into IRIs (fast-check)', tries: 2000, outcome: 'always a-z0-9- segments under the base IRI' });
  });
});
