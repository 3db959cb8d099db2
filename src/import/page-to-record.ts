// Interprets a page's structure as a project record: values parsed (years, status, lists, publications), names left for reconciliation.
import type { LangText, ProjectRecord, Publication } from '../ingest/schema.ts';
import type { ImportConfig, InfoboxField } from './config.ts';
import { cleanSpaces, nameKey, recordId } from './normalise.ts';
import { lineSpan, type PageField, type RawPage } from './page.ts';
import type { Findings } from './problems.ts';
import { parsePublicationLine } from './publication-line.ts';

export interface NameAt {
  name: string;
  line: number;
}

/** A project as one page states it; organisations and programme are still names, not ids. */
export interface ProjectDraft {
  page: RawPage;
  title: string;
  /** The record without `participants` and `programme`, which reconciliation fills in. */
  record: Omit<ProjectRecord, 'participants' | 'programme'>;
  participants: NameAt[];
  programme?: NameAt & { parent?: string };
}

const FOOTNOTE_AT_END = /[\s\u00a0]*\[(\d+)\][\s\u00a0]*$/u;

export function pageToDraft(page: RawPage, config: ImportConfig, findings: Findings): ProjectDraft | undefined {
  const file = page.file;
  const fields = firstOfEach(page.fields, page, findings);
  const titleField = fields.get('title');
  let titleText = page.title?.text;
  if (titleText === undefined && titleField && titleField.text !== '') titleText = titleField.text;
  else if (titleField && titleText !== undefined && nameKey(titleField.text) !== nameKey(titleText)) {
    findings.warn(
      'BAD_VALUE',
      `the ${titleField.label} "${titleField.text}" differs from the page title; the page title is used`,
      file,
      titleField.line,
      titleText,
    );
  }
  if (titleText === undefined || titleText === '') {
    findings.error(
      'NO_TITLE',
      'the page has no title (an export gives it in <title>; wikitext can give it with {{DISPLAYTITLE:…}} or a titel parameter)',
      file,
      page.firstLine,
    );
    return undefined;
  }
  const title = titleText;
  const warn = (line: number, message: string) => findings.warn('BAD_VALUE', message, file, line, title);
  if (!page.hasInfobox) {
    findings.warn(
      'NOT_A_PAGE',
      'no project infobox on this page (no known label or template); the page is skipped',
      file,
      page.firstLine,
      title,
    );
    return undefined;
  }
  const id = recordId(title);
  if (id === '') {
    findings.error(
      'NO_TITLE',
      `the title "${title}" gives no usable id (it has no letters or digits)`,
      file,
      page.title?.line ?? page.firstLine,
      title,
    );
    return undefined;
  }

  const record: ProjectDraft['record'] = { id, name: title, status: 'planned' };
  const draft: ProjectDraft = { page, title, record, participants: [] };

  const subtitle = page.subtitle ?? fields.get('subtitle');
  if (subtitle) {
    const marker = FOOTNOTE_AT_END.exec(subtitle.text);
    const text = cleanSpaces(subtitle.text.replace(FOOTNOTE_AT_END, ''));
    if (text !== '') record.alternateName = text;
    if (marker) {
      const n = Number(marker[1]);
      record.alternateNameFootnote = n;
      const url = page.links.get(n) ?? subtitle.urls?.[0];
      if (url !== undefined) record.alternateNameUrl = url;
    } else if (subtitle.urls?.[0] !== undefined) record.alternateNameUrl = subtitle.urls[0];
  }

  const programme = fields.get('programme');
  if (programme && programme.text !== '') {
    const parsed = parseProgramme(programme.text, config);
    if (parsed) draft.programme = { ...parsed, line: programme.line };
    else
      warn(
        programme.line,
        `"${programme.text}" names no programme that the label set's programmeLine patterns understand; not imported`,
      );
  }

  const keywords = fields.get('keywords');
  if (keywords) {
    const list = uniqueList(keywords.text);
    if (list.length > 0) record.keywords = list;
    else warn(keywords.line, `${keywords.label} has no value`);
  }
  const participants = fields.get('participants');
  if (participants) {
    draft.participants = uniqueList(participants.text).map((name) => ({ name, line: participants.line }));
    if (draft.participants.length === 0) warn(participants.line, `${participants.label} has no value`);
  }

  const years = fields.get('years');
  if (years) {
    const parsed = parseYears(years.text);
    if (parsed === 'inverted')
      warn(years.line, `the year range "${years.text}" ends before it starts; no years are imported (fix the page)`);
    else if (parsed === undefined)
      warn(years.line, `"${years.text}" is not a year or a year range such as 2008 - 2015; no years are imported`);
    else {
      record.startYear = parsed.start;
      if (parsed.end !== undefined) record.endYear = parsed.end;
    }
  }
  const endYear = fields.get('endYear');
  if (endYear) {
    const parsed = parseYears(endYear.text);
    if (typeof parsed !== 'object' || parsed.end !== undefined)
      warn(endYear.line, `"${endYear.text}" is not a year; not imported`);
    else if (record.startYear === undefined) warn(endYear.line, `an end year without a start year is not imported`);
    else if (parsed.start < record.startYear)
      warn(endYear.line, `the end year ${parsed.start} comes before the start year ${record.startYear}; not imported`);
    else record.endYear = parsed.start;
  }

  const status = fields.get('status');
  if (!status) {
    findings.error(
      'MISSING_FIELD',
      'the page gives no Status, which every project record needs (one of the status words in the label set)',
      file,
      page.firstLine,
      title,
    );
    return undefined;
  }
  const code = config.status.get(nameKey(status.text));
  if (code === undefined) {
    findings.error(
      'BAD_VALUE',
      `unknown status "${status.text}" (known: ${[...config.status.keys()].join(', ')})`,
      file,
      status.line,
      title,
    );
    return undefined;
  }
  record.status = code;

  for (const section of page.sections) {
    if (section.field === 'publications') continue;
    const text = section.blocks.map((b) => (b.bullet ? `• ${b.text}` : b.text)).join('\n\n');
    if (text === '') {
      warn(section.heading.line, `the section "${section.heading.text}" is empty`);
      continue;
    }
    const before = record[section.field];
    record[section.field] = before === undefined ? text : `${String(before)}\n\n${text}`;
  }

  const publications: Publication[] = [];
  const usedIds = new Set<string>();
  for (const section of page.sections.filter((s) => s.field === 'publications')) {
    for (const block of section.blocks) {
      const parsed = parsePublicationLine(block.text, config, page.links, block.urls);
      if (!parsed) {
        warn(block.line, `no publication title in ${JSON.stringify(block.text)}; not imported`);
        continue;
      }
      for (const note of parsed.notes) warn(block.line, note);
      let pubId = recordId(plain(parsed.title)) || `${id}-publication`;
      for (let n = 2; usedIds.has(pubId); n++) pubId = `${recordId(plain(parsed.title)) || `${id}-publication`}-${n}`;
      usedIds.add(pubId);
      publications.push({
        id: pubId,
        kind: parsed.kind,
        title: parsed.title,
        ...(parsed.url !== undefined ? { url: parsed.url } : {}),
        ...(parsed.footnote !== undefined ? { footnote: parsed.footnote } : {}),
        ...(parsed.event ? { event: parsed.event } : {}),
      });
    }
  }
  if (publications.length > 0) record.publications = publications;
  record.source = {
    title: `${title} — ${page.site ?? config.site}`,
    ...(page.url !== undefined ? { url: page.url } : {}),
  };
  return draft;
}

export function plain(t: LangText): string {
  return typeof t === 'string' ? t : (t.nl ?? t.en ?? '');
}

/** The first field of each kind; a label given twice is reported. */
function firstOfEach(fields: PageField[], page: RawPage, findings: Findings): Map<InfoboxField, PageField> {
  const out = new Map<InfoboxField, PageField>();
  for (const f of fields) {
    const first = out.get(f.field);
    if (first)
      findings.warn(
        'BAD_VALUE',
        `${f.label} is given twice (first on line ${first.line}); this one${lineSpan(f)} is not imported`,
        page.file,
        f.line,
        page.title?.text,
      );
    else out.set(f.field, f);
  }
  return out;
}

/** "a, b; c" → ["a", "b", "c"], white space cleaned, repeats (by name key) dropped. */
export function uniqueList(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[,;]/u)) {
    const v = cleanSpaces(part);
    if (v === '' || seen.has(nameKey(v))) continue;
    seen.add(nameKey(v));
    out.push(v);
  }
  return out;
}

/** "2008 - 2015", "2008–2015", "2008-2015", "2008 t/m 2015" or "2008". */
export function parseYears(text: string): { start: number; end?: number } | 'inverted' | undefined {
  const t = cleanSpaces(text);
  const m = /^(\d{4})(?:\s*(?:[-–—]|t\/m|tot en met|tot)\s*(\d{4})?)?$/iu.exec(t);
  if (!m) return undefined;
  const start = Number(m[1]);
  if (m[2] === undefined) return { start };
  const end = Number(m[2]);
  return end < start ? 'inverted' : { start, end };
}

export function parseProgramme(text: string, config: ImportConfig): { name: string; parent?: string } | undefined {
  const t = cleanSpaces(text);
  for (const re of config.programmeLine) {
    const m = re.exec(t);
    const name = cleanSpaces(m?.groups?.name ?? '');
    if (m && name !== '' && recordId(name) !== '') {
      const parent = cleanSpaces(m.groups?.parent ?? '');
      return { name, ...(parent !== '' && recordId(parent) !== '' ? { parent } : {}) };
    }
  }
  return undefined;
}
