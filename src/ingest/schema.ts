// The record format, defined once: zod schemas that every YAML file is checked against before any RDF is made.
import { z } from 'zod';
import { baseIriProblem, httpIriProblem, iriProblem } from './check-iri.ts';

/** Ids become IRI path segments: lower-case letters, digits and single hyphens, so no id can break an IRI. */
export const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const id = z
  .string({ error: 'expected an id (text)' })
  .regex(
    ID_PATTERN,
    'an id may hold only a-z, 0-9 and single hyphens (no spaces, capitals or other signs), e.g. "cluster-governance"',
  );

/**
 * Control characters (other than tab and newlines) and bidirectional overrides have no place in a
 * title or description, and the overrides can make text read differently from what it says.
 */
const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

/** Text that must not be empty once trimmed; stored in Unicode NFC, so one name has one form. */
const text = z
  .string({ error: 'expected text' })
  .trim()
  .min(1, 'must not be empty')
  .refine((v) => !FORBIDDEN_CHARACTERS.test(v), {
    error: (issue) => {
      const c = FORBIDDEN_CHARACTERS.exec(String(issue.input))?.[0] ?? '';
      return `contains the invisible control character U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}; remove it`;
    },
  })
  .transform((v) => v.normalize('NFC'));

/**
 * Natural-language text: plain text is Dutch; a map gives Dutch and/or English (`{ en: … }` alone for a
 * title that only exists in English). Where Dutch is required (names), the SHACL shapes say so.
 */
export const langText = z.union(
  [
    text,
    z
      .strictObject({ nl: text.optional(), en: text.optional() })
      .refine((v) => v.nl !== undefined || v.en !== undefined, 'give the text in `nl`, `en` or both'),
  ],
  {
    // Say what was wrong with the branch the editor meant (plain text or a map), not only that neither fitted.
    error: (issue) => {
      const branches = (issue as { errors?: { message: string; code: string }[][] }).errors ?? [];
      const meant =
        typeof issue.input === 'string'
          ? branches[0]
          : issue.input !== null && typeof issue.input === 'object'
            ? branches[1]
            : undefined;
      const first = meant?.[0];
      return first && first.code !== 'invalid_type'
        ? first.message
        : 'expected Dutch text, or a map with `nl` and/or `en`';
    },
  },
);
export type LangText = z.infer<typeof langText>;

const year = z
  .number({ error: 'expected a year as a number, e.g. 2015' })
  .int('expected a whole year')
  .min(1000, 'expected a four-digit year')
  .max(2999, 'expected a four-digit year');

/**
 * A value that the mapping writes as an IRI: checked against RFC 3987 here, where the record is read, so a
 * character that no RDF syntax can carry inside `<…>` is refused with its location instead of breaking the dumps.
 */
const iriOf = (problem: (v: string) => string | undefined, expected: string) =>
  z.string({ error: expected }).superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
const httpUrl = iriOf(httpIriProblem, 'expected an http(s) address, e.g. https://www.example.nl/');

export const STATUSES = ['planned', 'ongoing', 'completed', 'discontinued'] as const;
export const PUBLICATION_KINDS = [
  'report',
  'meeting-report',
  'presentation',
  'article',
  'webpage',
  'publication',
] as const;
export const ORGANISATION_TYPES = [
  'municipality',
  'university',
  'knowledge-institute',
  'government',
  'company',
  'organisation',
] as const;

/** A partial date as on the wiki: a year, a year and month ("2015-09"), or a full date. */
const partialDate = z
  .union([z.string(), z.number()], { error: 'expected a date: YYYY, YYYY-MM or YYYY-MM-DD' })
  .transform((v) => String(v))
  .pipe(
    z
      .string()
      .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'expected a date: YYYY, YYYY-MM or YYYY-MM-DD'),
  );

const event = z.strictObject({
  name: langText.optional(),
  place: text,
  date: partialDate,
});

const publication = z.strictObject({
  id,
  title: langText,
  kind: z.enum(PUBLICATION_KINDS, { error: `expected one of: ${PUBLICATION_KINDS.join(', ')}` }),
  url: httpUrl.optional(),
  /** The footnote number on the source page, kept so an importer can attach the link when it learns it. */
  footnote: z.number().int().positive().optional(),
  event: event.optional(),
});

const aboutItem = z.strictObject({
  id,
  name: langText,
  location: text.optional(),
});

const source = z.strictObject({
  title: text,
  url: httpUrl.optional(),
});

export const projectRecord = z.strictObject({
  id,
  name: langText,
  alternateName: langText.optional(),
  /** The footnote number after the subtitle on the wiki page, and the link behind it where the source has one (wikitext).
   *  Written by `projectgraph import` so nothing on the page is dropped; not (yet) mapped to RDF. */
  alternateNameFootnote: z.number().int().positive().optional(),
  alternateNameUrl: httpUrl.optional(),
  programme: id.optional(),
  keywords: z.array(text).optional(),
  participants: z.array(id).optional(),
  startYear: year.optional(),
  endYear: year.optional(),
  status: z.enum(STATUSES, { error: `expected one of: ${STATUSES.join(', ')}` }),
  background: langText.optional(),
  description: langText.optional(),
  outcomes: langText.optional(),
  publications: z.array(publication).optional(),
  about: z.array(aboutItem).optional(),
  url: httpUrl.optional(),
  source: source.optional(),
});

export const programmeRecord = z.strictObject({
  id,
  name: langText,
  alternateName: langText.optional(),
  description: langText.optional(),
  partOf: id.optional(),
  url: httpUrl.optional(),
});

export const organisationRecord = z.strictObject({
  id,
  name: langText,
  alternateNames: z.array(text).optional(),
  type: z.enum(ORGANISATION_TYPES, { error: `expected one of: ${ORGANISATION_TYPES.join(', ')}` }),
  description: langText.optional(),
  url: httpUrl.optional(),
});

export const datasetRecord = z.strictObject({
  baseIri: iriOf(baseIriProblem, 'expected an http(s) IRI ending with "/", e.g. https://projectgraph.example/'),
  title: z.strictObject({ nl: text, en: text }),
  description: z.strictObject({ nl: text, en: text }),
  publisher: z.strictObject({ name: text, url: httpUrl.optional() }),
  licence: httpUrl,
  contact: z.strictObject({
    name: text,
    // Published as the IRI mailto:<email>, so it must make one.
    email: z
      .email('expected an e-mail address')
      .refine((v) => iriProblem(`mailto:${v}`) === undefined, 'this e-mail address cannot be written as a mailto: IRI'),
  }),
  keywordSet: z.strictObject({ nl: text, en: text.optional() }),
});

export type ProjectRecord = z.infer<typeof projectRecord>;
export type ProgrammeRecord = z.infer<typeof programmeRecord>;
export type OrganisationRecord = z.infer<typeof organisationRecord>;
export type DatasetRecord = z.infer<typeof datasetRecord>;
export type Publication = z.infer<typeof publication>;

/** The kinds of record, each in a folder of its own under data/. */
export const RECORD_KINDS = {
  project: { folder: 'projects', schema: projectRecord },
  programme: { folder: 'programmes', schema: programmeRecord },
  organisation: { folder: 'organisations', schema: organisationRecord },
} as const;
export type RecordKind = keyof typeof RECORD_KINDS;
