// The label table: loads the wiki's label set (netwerk-wiki.yaml plus any --config files) and answers lookups on it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { decodeUtf8, parseYaml } from '../ingest/read-yaml.ts';
import { ORGANISATION_TYPES, PUBLICATION_KINDS, STATUSES } from '../ingest/schema.ts';
import { DataError } from '../errors.ts';
import { cleanSpaces, nameKey } from './normalise.ts';

export const INFOBOX_FIELDS = [
  'title',
  'subtitle',
  'programme',
  'keywords',
  'participants',
  'years',
  'endYear',
  'status',
] as const;
export type InfoboxField = (typeof INFOBOX_FIELDS)[number];
export const SECTION_FIELDS = ['background', 'description', 'outcomes', 'publications'] as const;
export type SectionField = (typeof SECTION_FIELDS)[number];
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

const words = z.array(z.string().min(1));
const regexText = z.string().refine((s) => {
  try {
    new RegExp(s, 'iu');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');
const knownOrganisation = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), aliases: words.optional() }),
]);

const configSchema = z.strictObject({
  site: z.string().min(1),
  chrome: z.array(regexText),
  infobox: z.strictObject({
    templates: words,
    labels: z.strictObject(
      Object.fromEntries(INFOBOX_FIELDS.map((f) => [f, words])) as Record<InfoboxField, typeof words>,
    ),
  }),
  sections: z.strictObject(
    Object.fromEntries(SECTION_FIELDS.map((f) => [f, words])) as Record<SectionField, typeof words>,
  ),
  programmeLine: z.array(regexText.refine((s) => s.includes('(?<name>'), 'needs a named group (?<name>…)')),
  status: z.record(z.string(), z.enum(STATUSES)),
  publicationKinds: z.record(z.string(), z.enum(PUBLICATION_KINDS)),
  months: z.record(z.string(), z.number().int().min(1).max(12)),
  languageWords: z.strictObject({ en: words, nl: words }),
  organisations: z.partialRecord(z.enum(ORGANISATION_TYPES), z.array(knownOrganisation)),
});
export type RawConfig = z.infer<typeof configSchema>;

export interface KnownOrganisation {
  name: string;
  type: OrganisationType;
}

/** The label set, compiled for lookups. */
export interface ImportConfig {
  site: string;
  chrome: RegExp[];
  templates: Set<string>;
  /** Label key (see nameKey) → field; `labelPatterns` matches "Label value" lines, longest label first. */
  labels: Map<string, InfoboxField>;
  labelPatterns: { pattern: RegExp; field: InfoboxField; label: string }[];
  sections: Map<string, SectionField>;
  programmeLine: RegExp[];
  status: Map<string, (typeof STATUSES)[number]>;
  /** Longest first, so "verslag bijeenkomst" wins over "verslag". */
  publicationKinds: { words: string; pattern: RegExp; kind: (typeof PUBLICATION_KINDS)[number] }[];
  months: Map<string, number>;
  languageWords: { en: Set<string>; nl: Set<string> };
  /** Name or alias key → the organisation it names. */
  organisations: Map<string, KnownOrganisation>;
}

export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('./netwerk-wiki.yaml', import.meta.url));

/** Loads the default label set and merges each extra file onto it, in order. */
export async function loadConfig(extraFiles: string[] = []): Promise<ImportConfig> {
  let merged: unknown = await readConfigFile(DEFAULT_CONFIG_FILE);
  for (const f of extraFiles) merged = mergeConfig(merged, await readConfigFile(f));
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const where = extraFiles.length > 0 ? extraFiles.join(', ') : DEFAULT_CONFIG_FILE;
    throw new DataError(
      parsed.error.issues.map((i) => ({
        code: 'RECORD_SCHEMA' as const,
        message: `import configuration: ${i.message}`,
        field: i.path.map(String).join('.'),
        location: { file: where, line: 1, column: 1 },
      })),
    );
  }
  return compileConfig(parsed.data);
}

async function readConfigFile(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new DataError([
      {
        code: 'IO',
        message: `cannot read import configuration: ${(e as Error).message}`,
        location: { file, line: 1, column: 1 },
      },
    ]);
  }
  // Like record files, a label set is UTF-8: read leniently, a Latin-1 alias would silently never match a page.
  return parseYaml(decodeUtf8(bytes, file), file).value ?? {};
}

/** Lists are extended, maps merged key by key, single values replaced. */
export function mergeConfig(base: unknown, extra: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(extra)) return [...base, ...extra];
  if (isPlainObject(base) && isPlainObject(extra)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(extra)) out[k] = k in out ? mergeConfig(out[k], v) : v;
    return out;
  }
  return extra === undefined ? base : extra;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function compileConfig(raw: RawConfig): ImportConfig {
  const labels = new Map<string, InfoboxField>();
  const labelPatterns: ImportConfig['labelPatterns'] = [];
  for (const field of INFOBOX_FIELDS) {
    for (const label of raw.infobox.labels[field]) {
      labels.set(nameKey(label), field);
      // A label is followed by white space, a colon or the end of the line; its words may be split by any spaces.
      const body = cleanSpaces(label).split(' ').map(escapeRegExp).join('[\\s\\u00a0]+');
      labelPatterns.push({
        pattern: new RegExp(`^[\\s\\u00a0]*${body}(?:[\\s\\u00a0]*:)?(?=[\\s\\u00a0]|$)`, 'iu'),
        field,
        label,
      });
    }
  }
  labelPatterns.sort((a, b) => b.label.length - a.label.length);
  const sections = new Map<string, SectionField>();
  for (const field of SECTION_FIELDS) for (const h of raw.sections[field]) sections.set(nameKey(h), field);
  const organisations = new Map<string, KnownOrganisation>();
  for (const type of ORGANISATION_TYPES) {
    for (const entry of raw.organisations[type] ?? []) {
      const name = typeof entry === 'string' ? entry : entry.name;
      const aliases = typeof entry === 'string' ? [] : (entry.aliases ?? []);
      for (const n of [name, ...aliases]) organisations.set(nameKey(n), { name: cleanSpaces(name), type });
    }
  }
  return {
    site: raw.site,
    chrome: raw.chrome.map((r) => new RegExp(r, 'iu')),
    templates: new Set(raw.infobox.templates.map(nameKey)),
    labels,
    labelPatterns,
    sections,
    programmeLine: raw.programmeLine.map((r) => new RegExp(r, 'iu')),
    status: new Map(Object.entries(raw.status).map(([k, v]) => [nameKey(k), v])),
    publicationKinds: Object.entries(raw.publicationKinds)
      .map(([words, kind]) => ({
        words,
        kind,
        pattern: new RegExp(
          `^${cleanSpaces(words).split(' ').map(escapeRegExp).join('[\\s\\u00a0]+')}(?=[\\s\\u00a0:]|$)[\\s\\u00a0:]*`,
          'iu',
        ),
      }))
      .sort((a, b) => b.words.length - a.words.length),
    months: new Map(Object.entries(raw.months).map(([k, v]) => [nameKey(k), v])),
    languageWords: { en: new Set(raw.languageWords.en.map(nameKey)), nl: new Set(raw.languageWords.nl.map(nameKey)) },
    organisations,
  };
}

export function escapeRegExp(s: string): string {
  // Only syntax characters: with the `u` flag any other escaped character is an error.
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
