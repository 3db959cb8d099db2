// The shape every page reader produces: the page's structure (title, infobox fields, sections, items), each part with its line.
import type { InfoboxField, SectionField } from './config.ts';
import type { Findings } from './problems.ts';

/** A piece of page text in rendered form: wiki markup resolved, footnote markers as "[n]". */
export interface PageText {
  text: string;
  /** The line in the file where it starts (1-based, counted in the file, not in the page). */
  line: number;
  /** The last line, where the text runs over several lines (a wikitext parameter value). */
  endLine?: number;
  /** URLs of labelled links ([url text]) in this text, in order; footnote links are in RawPage.links. */
  urls?: string[];
}

export interface PageField extends PageText {
  field: InfoboxField;
  /** The label as written on the page. */
  label: string;
}

export interface PageBlock extends PageText {
  bullet: boolean;
}

export interface PageSection {
  field: SectionField;
  heading: PageText;
  blocks: PageBlock[];
}

export interface RawPage {
  /** The file as shown to the editor. */
  file: string;
  format: 'rendered' | 'wikitext';
  /** Where the page starts in the file, for findings about the page as a whole. */
  firstLine: number;
  title?: PageText;
  /** The wiki's name, where the page or its export says it. */
  site?: string;
  /** The page's address, where an export gives the wiki's base address. */
  url?: string;
  subtitle?: PageText;
  fields: PageField[];
  sections: PageSection[];
  /** Footnote number → the URL behind it, where the source has it (wikitext). */
  links: Map<number, string>;
  /** Whether the page has an infobox at all; pages without one are not project pages. */
  hasInfobox: boolean;
}

/**
 * Line accounting: every non-blank line of a page ends up mapped or reported. A reader marks what it
 * used; `finish` reports any line left over, so nothing is dropped silently even if a reader misses a case.
 */
export class LineLedger {
  private readonly accounted = new Set<number>();
  constructor(
    private readonly file: string,
    private readonly findings: Findings,
  ) {}

  /** The line was used for a field (or recognised as the wiki's own chrome). */
  mapped(line: number): void {
    this.accounted.add(line);
  }

  /** Reports the line as not imported, once. */
  report(line: number, message: string, page?: string): void {
    if (this.accounted.has(line)) return;
    this.accounted.add(line);
    this.findings.warn('UNMAPPED_LINE', message, this.file, line, page);
  }

  has(line: number): boolean {
    return this.accounted.has(line);
  }

  /** Reports every non-blank line (file line numbers) that no one mapped or reported. */
  finish(lines: { text: string; line: number }[], page?: string): void {
    for (const l of lines) {
      if (l.text.trim() === '' || this.accounted.has(l.line)) continue;
      this.report(l.line, `line not imported: ${excerpt(l.text)}`, page);
    }
  }
}

export function excerpt(text: string, max = 60): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return JSON.stringify(t.length > max ? `${t.slice(0, max - 1)}…` : t);
}

/** Splits text into lines on LF, CRLF or CR, numbered from `firstLine`. */
export function splitLines(text: string, firstLine = 1): { text: string; line: number }[] {
  return text.split(/\r\n|\r|\n/).map((t, i) => ({ text: t, line: firstLine + i }));
}

/** " (lines a–b)" for text that runs over several lines, so a finding about it names them all. */
export function lineSpan(t: { line: number; endLine?: number }): string {
  return t.endLine !== undefined && t.endLine > t.line ? ` (lines ${t.line}–${t.endLine})` : '';
}
