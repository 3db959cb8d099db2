// Reads MediaWiki wikitext: the infobox template's named parameters, == headings ==, * bullets and paragraphs, links as footnotes.
import type { ImportConfig } from './config.ts';
import { cleanSpaces, nameKey } from './normalise.ts';
import { removalsByLine, removeInvisible } from './page-characters.ts';
import { LineLedger, excerpt, lineSpan, splitLines, type PageSection, type PageText, type RawPage } from './page.ts';
import type { Findings } from './problems.ts';
import { chromeSite } from './rendered-page.ts';
import { maskMarkup, numberFootnotes, renderInline, shown, type Footnote } from './wiki-inline.ts';

export interface WikitextSource {
  text: string;
  file: string;
  /** The file line on which the page text starts (an export's <text> element), so findings point into the file. */
  firstLine: number;
  /** The column of the first line on which the text starts (after an export's <text …> tag); 1 by default. */
  firstColumn?: number;
  /** The page title from an export; standalone wikitext names it with {{DISPLAYTITLE:…}} or a title parameter. */
  title?: PageText;
  site?: string;
  url?: string;
}

/** Block markup whose content is not running text, from its first line to the line that closes it. */
const BLOCK_ELEMENTS = [
  { what: 'a table', start: /^\s*\{\|/u, end: /^\s*\|\}/u },
  { what: 'a gallery', start: /^\s*<gallery\b/iu, end: /<\/gallery\s*>/iu },
];

interface Template {
  start: number;
  end: number;
  /** Between the braces. */
  inner: string;
}

export function readWikitext(src: WikitextSource, config: ImportConfig, findings: Findings): RawPage | undefined {
  const pageName = src.title?.text;
  // One stray control character costs a warning at its place, not the page (nor the whole import).
  const visible = removeInvisible(src.text, src.firstLine, src.firstColumn ?? 1);
  const byLine = removalsByLine(visible.removed);
  for (const r of byLine) findings.warn('INVISIBLE_CHARACTER', r.message, src.file, r.line, pageName, r.column);
  const removals = findings.items.slice(findings.items.length - byLine.length);
  // Line breaks become LF (CRLF and CR count as one line each, so numbering is unchanged). Comments vanish
  // but keep their line breaks, so line numbers stay true; <nowiki> text is masked so no markup is read in it.
  const text = maskMarkup(visible.text.replace(/\r\n?/g, '\n'));
  const lineAt = lineIndex(text, src.firstLine);
  const ledger = new LineLedger(src.file, findings);
  const page: RawPage = {
    file: src.file,
    format: 'wikitext',
    firstLine: src.firstLine,
    fields: [],
    sections: [],
    links: new Map(),
    hasInfobox: false,
    ...(src.title ? { title: src.title } : {}),
    ...(src.site ? { site: src.site } : {}),
    ...(src.url ? { url: src.url } : {}),
  };
  if (shown(text).trim() === '') {
    findings.error('EMPTY_FILE', 'the page has no text', src.file, src.firstLine, pageName);
    return undefined;
  }
  const footnotes = numberFootnotes(text);
  const noteLinks = (notes: Footnote[], line: number, media: string[] = []) => {
    for (const m of media)
      findings.warn(
        'UNMAPPED_LINE',
        `${excerpt(m)} (an image or file) is not imported`,
        src.file,
        line,
        pageName ?? page.title?.text,
      );
    notes.forEach((n) => {
      if (n.url !== undefined) page.links.set(n.n, n.url);
      if (n.text !== undefined) {
        findings.warn(
          'UNMAPPED_LINE',
          `the text of footnote [${n.n}] is not imported (only its link is): ${excerpt(n.text)}`,
          src.file,
          line,
          pageName ?? page.title?.text,
        );
      }
    });
  };

  const templates = findTemplates(text, (offset, message) =>
    findings.error('TEMPLATE_BRACES', message, src.file, lineAt(offset), pageName),
  );
  if (templates === undefined) return undefined;

  // Templates first: the infobox fills fields; lines a template covers are blanked for the body pass below.
  let body = text;
  for (const t of templates) {
    body = body.slice(0, t.start) + text.slice(t.start, t.end).replace(/[^\n]/g, ' ') + body.slice(t.end);
    const parts = splitTopLevel(t.inner);
    const name = cleanSpaces(shown(parts[0]?.text ?? ''));
    const startLine = lineAt(t.start);
    for (let l = startLine; l <= lineAt(t.end - 1); l++) ledger.mapped(l);
    const display = /^DISPLAYTITLE\s*:(.*)$/isu.exec(name);
    if (display) {
      const shown = renderInline(display[1] ?? '', t.start + 2 + name.indexOf(':') + 1, footnotes).text;
      if (!page.title && shown !== '') page.title = { text: shown, line: startLine };
      continue;
    }
    if (!config.templates.has(nameKey(name))) {
      const endLine = lineAt(t.end - 1);
      const lines = endLine > startLine ? ` (lines ${startLine}–${endLine})` : '';
      findings.warn(
        'UNKNOWN_LABEL',
        `unknown template {{${name}}}${lines}: not imported (add it to infobox.templates if it is the infobox)`,
        src.file,
        startLine,
        pageName ?? page.title?.text,
      );
      continue;
    }
    page.hasInfobox = true;
    for (const part of parts.slice(1)) {
      const eq = part.text.indexOf('=');
      const at = t.start + 2 + part.offset;
      const lead = part.text.length - part.text.trimStart().length;
      const line = lineAt(at + lead);
      const trail = part.text.length - part.text.trimEnd().length;
      const span = { line, endLine: Math.max(line, lineAt(at + part.text.length - trail - 1)) };
      if (eq < 0) {
        if (shown(part.text).trim() !== '') {
          const what = `${excerpt(shown(part.text))}${lineSpan(span)}`;
          const message = `template parameter without a name ${what}: not imported`;
          findings.warn('UNKNOWN_LABEL', message, src.file, line, pageName ?? page.title?.text);
        }
        continue;
      }
      const label = cleanSpaces(shown(part.text.slice(0, eq)));
      const field = config.labels.get(nameKey(label));
      if (!field) {
        findings.warn(
          'UNKNOWN_LABEL',
          `unknown label "${label}"${lineSpan(span)}: not imported (add it to the label set to map it)`,
          src.file,
          line,
          pageName ?? page.title?.text,
        );
        continue;
      }
      // Templates inside a value cannot be rendered here: they are blanked (same length, so offsets hold) and reported.
      let raw = part.text.slice(eq + 1);
      for (const inner of findTemplates(raw, () => {}) ?? []) {
        const innerName = cleanSpaces(shown(splitTopLevel(inner.inner)[0]?.text ?? ''));
        const where = { line: lineAt(at + eq + 1 + inner.start), endLine: lineAt(at + eq + inner.end) };
        findings.warn(
          'UNKNOWN_LABEL',
          `template {{${innerName}}} inside "${label}"${lineSpan(where)} is not imported`,
          src.file,
          where.line,
          pageName ?? page.title?.text,
        );
        raw = raw.slice(0, inner.start) + ' '.repeat(inner.end - inner.start) + raw.slice(inner.end);
      }
      const value = renderInline(raw, at + eq + 1, footnotes);
      noteLinks(value.footnotes, line, value.media);
      page.fields.push({
        field,
        label,
        text: value.text,
        ...span,
        ...(value.urls.length > 0 ? { urls: value.urls } : {}),
      });
    }
  }

  // The body: headings, bullets and paragraphs (consecutive lines form one paragraph, as the wiki renders them).
  const lines = splitLines(body, src.firstLine);
  let section: PageSection | undefined;
  let unknownHeading: string | undefined;
  let inLead = true;
  let offset = 0;
  const offsets = lines.map((l) => {
    const o = offset;
    offset += l.text.length + 1;
    return o;
  });
  for (let i = 0; i < lines.length; i++) {
    const { text: raw, line } = lines[i] as { text: string; line: number };
    // Structure is read from what shows; `raw` keeps the stand-ins for hidden markup, so offsets hold.
    const seen = shown(raw);
    if (seen.trim() === '') continue;
    const headingMatch = /^(={1,6})\s*(.*?)\s*\1\s*$/u.exec(seen.trim());
    if (headingMatch) {
      inLead = false;
      const heading = renderInline(headingMatch[2] ?? '', -1, new Map()).text;
      const field = config.sections.get(nameKey(heading));
      ledger.mapped(line);
      if (field) {
        section = { field, heading: { text: heading, line }, blocks: [] };
        page.sections.push(section);
        unknownHeading = undefined;
      } else {
        section = undefined;
        unknownHeading = heading;
        findings.warn(
          'UNKNOWN_SECTION',
          `unknown section heading "${heading}": its text is not imported (add the heading to the label set to map it)`,
          src.file,
          line,
          pageName ?? page.title?.text,
        );
      }
      continue;
    }
    if (chromeSite(seen, config) !== undefined) {
      ledger.mapped(line);
      continue;
    }
    if (/^-{4,}\s*$/u.test(seen)) {
      // A horizontal rule shows no text.
      ledger.mapped(line);
      continue;
    }
    const block = BLOCK_ELEMENTS.find((b) => b.start.test(seen));
    if (block) {
      // A table or gallery has no place in a record's running text: reported once, over all its lines.
      let j = i;
      while (j + 1 < lines.length && !block.end.test(shown(lines[j]?.text ?? ''))) j++;
      const span = { line, endLine: lines[j]?.line ?? line };
      ledger.report(line, `${block.what}${lineSpan(span)} is not imported`, pageName ?? page.title?.text);
      for (let k = i + 1; k <= j; k++) ledger.mapped(lines[k]?.line ?? line);
      i = j;
      continue;
    }
    const bullet = /^[*#]+/u.exec(raw);
    let blockText: string;
    let blockStart = i;
    if (bullet) {
      blockText = raw.slice(bullet[0].length);
    } else {
      // A paragraph runs until a blank line or a line that starts something else.
      let j = i;
      while (j + 1 < lines.length) {
        const next = shown(lines[j + 1]?.text ?? '');
        if (next.trim() === '' || /^[*#=]/u.test(next.trim())) break;
        if (/^-{4,}\s*$/u.test(next) || BLOCK_ELEMENTS.some((b) => b.start.test(next))) break;
        j++;
      }
      // Joined with their line breaks (a link cannot span one) and with indent marks blanked, not cut, so
      // the text keeps its offsets in the page and footnote numbers still line up.
      blockText = lines
        .slice(i, j + 1)
        .map((l) => l.text.replace(/^[:;]+/u, (m) => ' '.repeat(m.length)))
        .join('\n');
      blockStart = i;
      i = j;
    }
    const rendered = renderInline(blockText, (offsets[blockStart] ?? 0) + (bullet ? bullet[0].length : 0), footnotes);
    const blockLines = lines.slice(blockStart, i + 1).map((l) => l.line);
    const pageTitle = pageName ?? page.title?.text;
    if (rendered.text === '') {
      // Markup that shows no text here (an image, an empty <ref/>): nothing to import, but said so.
      const lineText = (l: number) => shown(lines.find((x) => x.line === l)?.text ?? '');
      for (const l of blockLines) ledger.report(l, `nothing to import in ${excerpt(lineText(l))}`, pageTitle);
      continue;
    }
    if (inLead) {
      if (!page.subtitle && !page.fields.some((f) => f.field === 'subtitle') && !bullet) {
        page.subtitle = { text: rendered.text, line };
        noteLinks(rendered.footnotes, line, rendered.media);
        for (const l of blockLines) ledger.mapped(l);
      } else {
        for (const l of blockLines) {
          ledger.report(l, `text above the first section is not imported: ${excerpt(rendered.text)}`, pageTitle);
        }
      }
      continue;
    }
    if (!section) {
      for (const l of blockLines) {
        ledger.report(
          l,
          `text under the unknown heading "${unknownHeading}" is not imported: ${excerpt(rendered.text)}`,
          pageTitle,
        );
      }
      continue;
    }
    noteLinks(rendered.footnotes, line, rendered.media);
    section.blocks.push({
      text: rendered.text,
      line,
      bullet: bullet !== null,
      ...(rendered.urls.length > 0 ? { urls: rendered.urls } : {}),
    });
    for (const l of blockLines) ledger.mapped(l);
  }
  ledger.finish(splitLines(shown(text), src.firstLine), pageName ?? page.title?.text);
  // Standalone wikitext names its page only in the text: the warnings about removed characters get that name too.
  if (pageName === undefined && page.title) for (const w of removals) w.page = page.title.text;
  return page;
}

/** Top-level {{…}} spans; reports unbalanced braces (with the line of the brace) and returns undefined then. */
export function findTemplates(text: string, error: (offset: number, message: string) => void): Template[] | undefined {
  const out: Template[] = [];
  const open: number[] = [];
  let ok = true;
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] === '{' && text[i + 1] === '{') {
      open.push(i);
      i++;
    } else if (text[i] === '}' && text[i + 1] === '}') {
      const start = open.pop();
      if (start === undefined) {
        error(i, 'unbalanced template braces: "}}" closes no "{{"');
        ok = false;
      } else if (open.length === 0) {
        out.push({ start, end: i + 2, inner: text.slice(start + 2, i) });
      }
      i++;
    }
  }
  for (const start of open) {
    error(start, 'unbalanced template braces: this "{{" is never closed with "}}"');
    ok = false;
  }
  return ok ? out : undefined;
}

/** Splits a template's inside on the "|" that are not inside nested {{…}} or [[…]]. */
function splitTopLevel(inner: string): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inner.length; i++) {
    const two = inner.slice(i, i + 2);
    if (two === '{{' || two === '[[') {
      depth++;
      i++;
    } else if ((two === '}}' || two === ']]') && depth > 0) {
      depth--;
      i++;
    } else if (inner[i] === '|' && depth === 0) {
      parts.push({ text: inner.slice(from, i), offset: from });
      from = i + 1;
    }
  }
  parts.push({ text: inner.slice(from), offset: from });
  return parts;
}

/** Offset in `text` → file line, given the line the text starts on. */
function lineIndex(text: string, firstLine: number): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return firstLine + lo;
  };
}
