// Reads a page as the wiki renders it (saved as text): title line, chrome, subtitle, "Label value" infobox lines, sections, bullets.
import type { ImportConfig, InfoboxField } from './config.ts';
import { cleanSpaces, nameKey } from './normalise.ts';
import { decodeReferences, removalsByLine, removeInvisible } from './page-characters.ts';
import { LineLedger, excerpt, splitLines, type PageSection, type RawPage } from './page.ts';
import type { Findings } from './problems.ts';

const BULLET = /^[\s\u00a0]*[•·▪◦*–-][\s\u00a0]+/u;

export function readRenderedPage(
  text: string,
  file: string,
  config: ImportConfig,
  findings: Findings,
): RawPage | undefined {
  // Control characters go (each reported where it was); character references in saved text were copied
  // from the wiki's source, so they are decoded once, line by line (a decoded &#10; makes no new line).
  const visible = removeInvisible(text);
  const lines = splitLines(visible.text).map((l) => ({ ...l, text: decodeReferences(l.text) }));
  const byLine = removalsByLine(visible.removed);
  for (const r of byLine) findings.warn('INVISIBLE_CHARACTER', r.message, file, r.line, undefined, r.column);
  const removals = findings.items.slice(findings.items.length - byLine.length);
  const ledger = new LineLedger(file, findings);
  const page: RawPage = {
    file,
    format: 'rendered',
    firstLine: 1,
    fields: [],
    sections: [],
    links: new Map(),
    hasInfobox: false,
  };

  const first = lines.find((l) => l.text.trim() !== '');
  if (!first) {
    findings.error('EMPTY_FILE', 'the file holds no page (only white space)', file, 1);
    return undefined;
  }
  // The title is the first line. It is missing when that line is the wiki's chrome, or looks like a field,
  // heading or bullet without the chrome line that follows every title ("Status quo (KKS 2012)" is a title).
  const firstAt = lines.indexOf(first);
  const chromeFollows = lines.slice(firstAt + 1, firstAt + 4).some((l) => chromeSite(l.text, config) !== undefined);
  const looksLikeContent =
    labelOf(first.text, config) !== undefined || sectionOf(first.text, config) !== undefined || BULLET.test(first.text);
  if (chromeSite(first.text, config) !== undefined || (looksLikeContent && !chromeFollows)) {
    findings.error(
      'NO_TITLE',
      `the page has no title line: the first line is ${excerpt(first.text)}, which is not a title`,
      file,
      first.line,
    );
    return undefined;
  }
  page.title = { text: cleanSpaces(first.text), line: first.line };
  page.firstLine = first.line;
  const title = page.title.text;
  for (const w of removals) w.page = title;
  ledger.mapped(first.line);

  let section: PageSection | undefined;
  let unknownHeading: string | undefined;
  /** A heading the label set does not know: reported once, and its text is left out until the next heading. */
  const unknownSection = (raw: string, line: number) => {
    unknownHeading = cleanSpaces(raw);
    findings.warn(
      'UNKNOWN_SECTION',
      `unknown section heading ${excerpt(raw)}: its text is not imported (add the heading to the label set to map it)`,
      file,
      line,
      title,
    );
    ledger.mapped(line);
  };
  for (let i = lines.indexOf(first) + 1; i < lines.length; i++) {
    const { text: raw, line } = lines[i] as { text: string; line: number };
    if (raw.trim() === '') continue;
    const site = chromeSite(raw, config);
    if (site !== undefined) {
      if (site !== '') page.site = site;
      ledger.mapped(line);
      continue;
    }
    const heading = sectionOf(raw, config);
    if (heading) {
      section = { field: heading, heading: { text: cleanSpaces(raw), line }, blocks: [] };
      page.sections.push(section);
      unknownHeading = undefined;
      ledger.mapped(line);
      continue;
    }
    if (!section && unknownHeading === undefined) {
      const label = labelOf(raw, config);
      if (label) {
        const value = cleanSpaces(raw.slice(label.length));
        page.fields.push({
          field: label.field,
          label: cleanSpaces(raw.slice(0, label.length)).replace(/:$/, ''),
          text: value,
          line,
        });
        page.hasInfobox = true;
        ledger.mapped(line);
      } else if (!page.subtitle && page.fields.length === 0) {
        // The first free line above the infobox is the subtitle, however short.
        page.subtitle = { text: cleanSpaces(raw), line };
        ledger.mapped(line);
      } else if (looksLikeHeading(lines, i)) {
        unknownSection(raw, line);
      } else {
        findings.warn(
          'UNKNOWN_LABEL',
          `unknown label or line ${excerpt(raw)}: not imported (add the label to the label set to map it)`,
          file,
          line,
          title,
        );
        ledger.mapped(line);
      }
      continue;
    }
    if (looksLikeHeading(lines, i)) {
      section = undefined;
      unknownSection(raw, line);
      continue;
    }
    if (section) {
      const bullet = BULLET.test(raw);
      section.blocks.push({ text: cleanSpaces(bullet ? raw.replace(BULLET, '') : raw), line, bullet });
      ledger.mapped(line);
    } else {
      ledger.report(line, `text under the unknown heading "${unknownHeading}" is not imported: ${excerpt(raw)}`, title);
    }
  }
  ledger.finish(lines, title);
  return page;
}

/** The wiki's name when the line is chrome ('' when the chrome line does not name it); undefined otherwise. */
export function chromeSite(line: string, config: ImportConfig): string | undefined {
  const t = cleanSpaces(line);
  for (const re of config.chrome) {
    const m = re.exec(t);
    if (m) return cleanSpaces(m.groups?.site ?? '');
  }
  return undefined;
}

export function labelOf(line: string, config: ImportConfig): { field: InfoboxField; length: number } | undefined {
  for (const { pattern, field } of config.labelPatterns) {
    const m = pattern.exec(line);
    if (m) return { field, length: m[0].length };
  }
  return undefined;
}

export function sectionOf(line: string, config: ImportConfig) {
  return config.sections.get(nameKey(line.replace(/[:：]\s*$/, '')));
}

/**
 * A rendered page loses heading markup, so an unknown heading is guessed: a short line without closing
 * punctuation, standing alone between blank lines, with text after it. Guessing wrong only costs a warning.
 */
function looksLikeHeading(lines: { text: string }[], i: number): boolean {
  const t = cleanSpaces(lines[i]?.text ?? '');
  const before = lines[i - 1]?.text.trim() ?? '';
  const after = lines[i + 1]?.text.trim();
  const hasMore = lines.slice(i + 1).some((l) => l.text.trim() !== '');
  return (
    before === '' &&
    after === '' &&
    hasMore &&
    t.length <= 60 &&
    t.split(' ').length <= 6 &&
    /^\p{Lu}/u.test(t) &&
    !/[.!?:;,)\]]$/.test(t) &&
    !t.includes(':') &&
    !BULLET.test(lines[i]?.text ?? '')
  );
}
