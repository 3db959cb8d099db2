// Property-based: random and mutated records never crash the build; each is accepted (passing SHACL, its dumps reading back) or refused with a location.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, check } from '../../src/pipeline.ts';
import { DataError } from '../../src/errors.ts';
import { ID_PATTERN } from '../../src/ingest/schema.ts';
import { isIri } from '@hyperjump/uri';
import { mintIris, slug } from '../../src/map/iri.ts';
import { DATA } from '../support/project.ts';
import { expectDumpsAgree } from '../support/dumps.ts';
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
  fc.constantFrom(
    '',
    ' ',
    '<script>alert(1)</script>',
    '\u202Eevil',
    '\u0000',
    'Ĳsselmonde',
    'a\r\nb',
    '2015 - 2008',
    '&amp;',
    '}}]]>',
  ),
);
/** Mostly plausible values (so many mutants are accepted and reach SHACL), some hostile ones. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), weight: 4 },
  { arbitrary: fc.integer({ min: 1000, max: 2999 }), weight: 2 },
  {
    arbitrary: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      nl: fc.string({ unit: 'grapheme', minLength: 1 }),
      en: fc.string({ unit: 'grapheme', minLength: 1 }),
    }),
    weight: 2,
  },
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
  publications: [
    { id: 'property-publication', kind: 'report', title: 'Rapport', event: { place: 'Utrecht', date: '2011-05' } },
  ],
};
const FIELDS = [
  ...Object.keys(validProject),
  'alternateName',
  'background',
  'outcomes',
  'about',
  'source',
  'url',
  'unknownField',
];

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
    recordOutcome({
      area: 'build',
      attack: 'property-based: valid project with random fields replaced or removed (fast-check)',
      tries: RUNS,
      outcome: `${seen.accepted} accepted and SHACL-valid, ${seen.refused} refused with file:line; no crash`,
    });
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
    recordOutcome({
      area: 'build',
      attack: 'property-based: arbitrary text as a YAML record file (fast-check)',
      tries,
      outcome: 'refused with file:line; no crash',
    });
  });
});

/** Text fields: mostly plausible text, often markup, quotes, escapes and characters no RDF syntax takes raw. */
const hostileText = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), weight: 30 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), weight: 1 },
  fc.constantFrom(
    '"quoted" \\ back\\slash',
    '<http://x> .',
    '"""',
    "'''",
    '\\u0022',
    '@prefix x: <y> .',
    '_:b0',
    '}}]]>',
    'a\nb',
    'e\u0301',
    '\u202Eevil',
  ),
);
/** Names that are minted into IRIs by their slug (keywords, places): mostly with a letter a–z, sometimes hostile. */
const hostileName = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9 ,.'’&"<>\\-]{0,15}$/), weight: 20 },
  hostileText,
);
/** IRI fields: valid URLs of every shape fast-check makes, some with a character an IRI cannot hold spliced in. */
const hostileIri = fc.oneof(
  { arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }), weight: 30 },
  {
    arbitrary: fc
      .tuple(
        fc.webUrl(),
        fc.constantFrom('"', '<', '>', ' ', '{', '}', '|', '\\', '^', '`', '\n', '\u0000', '\u202E', '%', '#'),
        fc.string({ maxLength: 5 }),
      )
      .map(([url, c, tail]) => `${url}/${c}${tail}`),
    weight: 3,
  },
  fc.constantFrom(
    'https://example.org/coördinatie',
    'http://[::1]:8080/x',
    'https://example.org/%E2%82%AC',
    'javascript:alert(1)',
    'mailto:a@b.nl',
    'https:',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });

/** A project with hostile values in every text and IRI field, and an organisation and a programme with hostile urls. */
const hostileRecords = fc.record({
  project: fc.record({
    name: hostileText,
    alternateName: maybe(hostileText),
    alternateNameUrl: maybe(hostileIri),
    keywords: fc.array(hostileName, { minLength: 1, maxLength: 3 }),
    description: hostileText,
    background: maybe(fc.record({ nl: hostileText, en: hostileText })),
    outcomes: maybe(hostileText),
    url: maybe(hostileIri),
    publication: fc.record({
      title: hostileText,
      url: maybe(hostileIri),
      place: hostileName,
      eventName: maybe(hostileText),
    }),
    about: fc.record({ name: hostileText, location: maybe(hostileName) }),
    source: maybe(fc.record({ title: hostileText, url: maybe(hostileIri) })),
  }),
  organisation: fc.record({
    name: hostileText,
    alternateNames: maybe(fc.array(hostileText, { maxLength: 2 })),
    url: maybe(hostileIri),
  }),
  programme: fc.record({ name: hostileText, url: maybe(hostileIri) }),
  publisherUrl: maybe(hostileIri),
  licence: fc.oneof(
    { arbitrary: fc.constant('http://creativecommons.org/publicdomain/zero/1.0/'), weight: 3 },
    hostileIri,
  ),
});

/** Drops the keys whose value is undefined, as YAML has no way to write them. */
const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

describe('hostile text and IRIs in every field, built and read back', () => {
  const RUNS_BUILT = 25;
  it('are refused with a location, or give five dumps that n3 and Oxigraph both read as the same graphs', {
    timeout: 600_000,
  }, async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'projectgraph-props-dumps-'));
    const data = path.join(work, 'data');
    await cp(DATA, data, { recursive: true });
    const datasetText = await readFile(path.join(data, 'dataset.yaml'), 'utf8');
    const seen = { built: 0, refused: 0 };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(hostileRecords, async (r) => {
        const p = r.project;
        const project = defined({
          id: 'hostile-property',
          name: p.name,
          alternateName: p.alternateName,
          alternateNameUrl: p.alternateNameUrl,
          programme: 'hostile-programme',
          keywords: p.keywords,
          participants: ['hostile-organisation'],
          startYear: 2001,
          endYear: 2003,
          status: 'completed',
          background: p.background,
          description: p.description,
          outcomes: p.outcomes,
          url: p.url,
          publications: [
            defined({
              id: 'hostile-publication',
              kind: 'report',
              title: p.publication.title,
              url: p.publication.url,
              event: defined({ name: p.publication.eventName, place: p.publication.place, date: '2002-03' }),
            }),
          ],
          about: [defined({ id: 'hostile-subject', name: p.about.name, location: p.about.location })],
          source: p.source ? defined({ title: p.source.title, url: p.source.url }) : undefined,
        });
        const o = r.organisation;
        await writeFile(path.join(data, 'projects/hostile-property.yaml'), stringify(project));
        await writeFile(
          path.join(data, 'organisations/hostile-organisation.yaml'),
          stringify(
            defined({
              id: 'hostile-organisation',
              name: o.name,
              type: 'company',
              alternateNames: o.alternateNames,
              url: o.url,
            }),
          ),
        );
        await writeFile(
          path.join(data, 'programmes/hostile-programme.yaml'),
          stringify(defined({ id: 'hostile-programme', name: r.programme.name, url: r.programme.url })),
        );
        let dataset = datasetText.replace(/^licence: .*$/m, `licence: ${JSON.stringify(r.licence)}`);
        if (r.publisherUrl !== undefined) {
          dataset = dataset.replace(
            /^publisher: .*$/m,
            `publisher: { name: projectgraph, url: ${JSON.stringify(r.publisherUrl)} }`,
          );
        }
        await writeFile(path.join(data, 'dataset.yaml'), dataset);
        const out = path.join(work, `output-${run++}`);
        try {
          await build({ dataDir: data, outDir: out, sourceDateEpoch: '' });
        } catch (e) {
          // A refusal names a record file and line for every problem; anything else is a crash.
          expect(e).toBeInstanceOf(DataError);
          for (const problem of (e as DataError).problems) {
            expect(problem.location?.file, problem.message).toMatch(/\.yaml$/);
            expect(problem.location?.line, problem.message).toBeGreaterThan(0);
          }
          seen.refused++;
          return;
        }
        await expectDumpsAgree(out);
        seen.built++;
        await rm(out, { recursive: true, force: true });
      }),
      { numRuns: RUNS_BUILT, seed: 20261201 },
    );
    await rm(work, { recursive: true, force: true });
    expect(seen.built).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    recordOutcome({
      area: 'build',
      attack:
        'property-based: hostile text and IRIs (quotes, <>, spaces, braces, backslashes, controls, bidi) in every field, ' +
        'built to all five dumps (fast-check)',
      tries: RUNS_BUILT,
      outcome: `${seen.built} built, every dump (nt, ttl, jsonld, nq, trig) read by n3 and Oxigraph as isomorphic graphs; ${seen.refused} refused with file:line`,
    });
  });
});

describe('IRI minting under random names', () => {
  it('always yields an id-shaped segment or nothing, and never leaves the base', () => {
    const iris = mintIris('https://example.org/');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (name) => {
        const s = slug(name);
        expect(s === '' || ID_PATTERN.test(s)).toBe(true);
        // A name with no slug is refused at ingest (check-references); minting one anyway is a bug and stops the build.
        if (s === '') {
          expect(() => iris.keyword(name)).toThrow(/cannot mint the IRI of keyword "": not an id/);
          return;
        }
        const iri = iris.keyword(name).value;
        expect(isIri(iri)).toBe(true);
        expect(iri.startsWith('https://example.org/keyword/')).toBe(true);
        expect(new URL(iri).pathname).toBe(`/keyword/${s}`);
      }),
      { numRuns: 2000, seed: 3 },
    );
    recordOutcome({
      area: 'build',
      attack: 'property-based: arbitrary Unicode names minted into IRIs (fast-check)',
      tries: 2000,
      outcome: 'always a-z0-9- segments under the base IRI',
    });
  });
});
