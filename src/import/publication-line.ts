// Parses one publication line: its kind word, title (quotes and [n] markers stripped), event place and Dutch date, footnote.
import type { LangText, Publication } from '../ingest/schema.ts';
import type { ImportConfig } from './config.ts';
import { cleanSpaces, nameKey } from './normalise.ts';

export interface ParsedPublication {
  kind: Publication['kind'];
  title: LangText;
  footnote?: number;
  url?: string;
  event?: { name?: LangText; place: string; date: string };
  /** What the line holds that could not be mapped, worded for a warning. */
  notes: string[];
}

const MARKER = /[\s\u00a0]*\[(\d+)\]/gu;
const OPEN_QUOTES = '‘“"\'„‚«';
const CLOSE_QUOTES = '’”"\'‘“»';

export function parsePublicationLine(
  line: string,
  config: ImportConfig,
  links: Map<number, string>,
  labelledUrls: string[] = [],
): ParsedPublication | undefined {
  const notes: string[] = [];
  const markers = [...line.matchAll(MARKER)].map((m) => Number(m[1]));
  let rest = cleanSpaces(line.replace(MARKER, ''));
  if (rest === '') return undefined;

  const kindMatch = config.publicationKinds.find((k) => k.pattern.test(rest));
  let kind: Publication['kind'] = 'publication';
  if (kindMatch) {
    kind = kindMatch.kind;
    rest = cleanSpaces(rest.replace(kindMatch.pattern, ''));
  } else {
    notes.push(
      `no known kind word at the start (known: ${config.publicationKinds.map((k) => k.words).join(', ')}); imported as kind "publication"`,
    );
  }

  let event: ParsedPublication['event'];
  let when: { place: string; date: string } | undefined;
  const paren = /[\s\u00a0]*\(([^()]*)\)$/u.exec(rest);
  if (paren) {
    when = placeAndDate(paren[1] ?? '', config);
    if (when) rest = cleanSpaces(rest.slice(0, paren.index));
  }

  let title = rest;
  let before = '';
  const quoted = new RegExp(`^(.*?)[${OPEN_QUOTES}](.+)[${CLOSE_QUOTES}]$`, 'u').exec(rest);
  if (quoted) {
    before = cleanSpaces(quoted[1] ?? '');
    title = cleanSpaces(quoted[2] ?? '');
  }
  if (title === '') return undefined;

  if (when) {
    const name = before !== '' ? before : kind === 'meeting-report' ? title : undefined;
    event = { ...(name !== undefined ? { name: tagLanguage(name, config) } : {}), place: when.place, date: when.date };
  } else if (before !== '') {
    notes.push(`"${before}" names an event without place and date; only the title is imported`);
  }

  if (markers.length > 1) notes.push(`more than one footnote marker; [${markers[0]}] is kept`);
  const footnote = markers[0];
  const url = (footnote !== undefined ? links.get(footnote) : undefined) ?? labelledUrls[0];
  return {
    kind,
    title: tagLanguage(title, config),
    ...(footnote !== undefined ? { footnote } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(event ? { event } : {}),
    notes,
  };
}

/**
 * "(Eindhoven, september 2015)" → place and a partial date. Accepts a month name or abbreviation, an
 * optional day or day range ("14-15 juni 2014" keeps the month), a bare year, or a numeric d-m-yyyy date.
 */
export function placeAndDate(inside: string, config: ImportConfig): { place: string; date: string } | undefined {
  const comma = inside.lastIndexOf(',');
  if (comma < 0) return undefined;
  const place = cleanSpaces(inside.slice(0, comma));
  const date = parseDutchDate(inside.slice(comma + 1), config);
  return place !== '' && date !== undefined ? { place, date } : undefined;
}

export function parseDutchDate(text: string, config: ImportConfig): string | undefined {
  const t = nameKey(text).replace(/\.$/, '');
  const numeric = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/u.exec(t);
  if (numeric) return fullDate(Number(numeric[3]), Number(numeric[2]), Number(numeric[1]));
  if (/^\d{4}$/u.test(t)) return t;
  const m = /^(?:(\d{1,2})(\s*[-–]\s*\d{1,2})?\s+)?([a-z]+)\.?\s+(\d{4})$/u.exec(t);
  if (!m) return undefined;
  const month = config.months.get(m[3] ?? '');
  if (month === undefined) return undefined;
  const year = Number(m[4]);
  if (m[1] !== undefined && m[2] === undefined) return fullDate(year, month, Number(m[1]));
  return `${year}-${String(month).padStart(2, '0')}`;
}

function fullDate(year: number, month: number, day: number): string | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Text is Dutch unless its words say English: at least two English words and more English than Dutch ones. */
export function tagLanguage(text: string, config: ImportConfig): LangText {
  let en = 0;
  let nl = 0;
  for (const w of nameKey(text).split(/[^\p{L}']+/u)) {
    if (config.languageWords.en.has(w)) en++;
    if (config.languageWords.nl.has(w)) nl++;
  }
  return en >= 2 && en > nl ? { en: text } : text;
}
