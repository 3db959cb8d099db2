// Reads a Special:Export XML file page by page with a streaming parser (saxes), so an export of any size is read in bounded memory.
import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';
import { cleanSpaces } from './normalise.ts';
import { decodeReferences, removalsByLine, removeInvisible } from './page-characters.ts';
import type { Findings } from './problems.ts';

/** MediaWiki refuses pages above 2 MiB ($wgMaxArticleSize); a page text above that is not a wiki page. */
export const MAX_PAGE_CHARS = 2 * 1024 * 1024;

export interface ExportedPage {
  title?: string;
  /** Lines in the XML file: where <page> and <title> start, and where the page text starts. */
  pageLine: number;
  titleLine?: number;
  titleColumn?: number;
  ns?: string;
  text?: string;
  textLine?: number;
  /** The column (1-based) right after the <text …> start tag, where the page text starts. */
  textColumn?: number;
  /** Set when the text exceeded MAX_PAGE_CHARS; the text itself is then dropped. */
  tooLarge?: number;
}

export interface ExportSite {
  name?: string;
  /** The wiki's base address (its main page), from which page addresses are made. */
  base?: string;
}

/**
 * Streams `file` and calls `onPage` for each <page>, with the latest revision's text. Returns the site
 * information; XML errors are added to `findings` with their line, and reading stops at the first one.
 */
export async function readExport(
  file: string,
  shown: string,
  findings: Findings,
  onPage: (page: ExportedPage, site: ExportSite) => void,
): Promise<ExportSite> {
  const parser = new SaxesParser({ position: true });
  const site: ExportSite = {};
  const path: string[] = [];
  let page: ExportedPage | undefined;
  let text: string[] = [];
  let textLength = 0;
  let failed = false;
  let root: string | undefined;

  const local = (name: string) => name.slice(name.indexOf(':') + 1);
  // A title or site name as MediaWiki stores it (Title::newFromText decodes references): plain text.
  const plainText = (raw: string, line: number, column: number) => {
    const visible = removeInvisible(raw, line, column);
    const t = cleanSpaces(decodeReferences(visible.text));
    for (const r of removalsByLine(visible.removed)) {
      findings.warn('INVISIBLE_CHARACTER', r.message, shown, r.line, t || undefined, r.column);
    }
    return t;
  };
  // The stream is cleaned before the parser reads it, so a removal is reported when its page is closed.
  let removals: { line: number; column: number; message: string }[] = [];
  const xmlSafe = new XmlSafe((line, column, message) => removals.push({ line, column, message }));
  const reportRemovals = (upTo: number, title?: string) => {
    for (const r of removals.filter((x) => x.line <= upTo)) {
      findings.warn('INVISIBLE_CHARACTER', r.message, shown, r.line, title, r.column);
    }
    removals = removals.filter((r) => r.line > upTo);
  };
  const inside = (...names: string[]) => names.every((n, i) => path[path.length - names.length + i] === n);

  parser.on('error', (e) => {
    if (!failed)
      findings.error(
        'XML_SYNTAX',
        `not well-formed XML: ${e.message.replace(/^[^:]*:\d+:\d+: /, '')}`,
        shown,
        parser.line,
      );
    failed = true;
  });
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    if (root === undefined) {
      root = name;
      if (name !== 'mediawiki') {
        findings.error(
          'NOT_A_PAGE',
          `not a Special:Export file: the root element is <${name}>, not <mediawiki>`,
          shown,
          parser.line,
        );
        failed = true;
      }
    }
    path.push(name);
    if (name === 'page') page = { pageLine: parser.line };
    if (name === 'text' || name === 'title' || name === 'sitename' || name === 'base' || name === 'ns') {
      text = [];
      textLength = 0;
      // The text starts right after the start tag, on the line the parser is now on.
      if (name === 'text' && page) {
        page.textLine = parser.line;
        page.textColumn = parser.column + 1;
      }
      if (name === 'title' && page) {
        page.titleLine = parser.line;
        page.titleColumn = parser.column + 1;
      }
    }
  });
  const collect = (t: string) => {
    if (textLength <= MAX_PAGE_CHARS) text.push(t);
    textLength += t.length;
  };
  parser.on('text', collect);
  parser.on('cdata', collect);
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    const value = () => text.join('');
    if (page && inside('page', 'title')) {
      page.title = plainText(value(), page.titleLine ?? parser.line, page.titleColumn ?? 1);
    } else if (page && inside('page', 'ns')) page.ns = value().trim();
    else if (page && inside('revision', 'text')) {
      // An export with history lists revisions oldest first: the last one read is the current text.
      if (textLength > MAX_PAGE_CHARS) {
        page.tooLarge = textLength;
        delete page.text;
      } else {
        page.text = value();
        delete page.tooLarge;
      }
    } else if (inside('siteinfo', 'sitename')) site.name = plainText(value(), parser.line, 1);
    else if (inside('siteinfo', 'base')) site.base = value().trim();
    if (name === 'page' && page) {
      reportRemovals(parser.line, page.title);
      if (!failed) onPage(page, site);
      page = undefined;
    }
    path.pop();
  });

  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    if (failed) break;
    let decoded: string;
    try {
      decoded = decoder.decode(chunk as Buffer, { stream: true });
    } catch {
      // The line of the first bad byte: the parser's line plus the line breaks before it in this chunk.
      const loose = (chunk as Buffer).toString('utf8');
      const before = loose.slice(0, Math.max(0, loose.indexOf('\ufffd')));
      findings.error(
        'BINARY_FILE',
        'not UTF-8 text (a binary file, or another encoding): an export is UTF-8',
        shown,
        parser.line + (before.match(/\n/g)?.length ?? 0),
      );
      failed = true;
      break;
    }
    parser.write(xmlSafe.pass(decoded));
  }
  if (!failed) {
    try {
      parser.write(xmlSafe.pass(decoder.decode(), true)).close();
    } catch {
      findings.error('BINARY_FILE', 'the file ends inside a UTF-8 character', shown, parser.line);
      failed = true;
    }
  }
  reportRemovals(Infinity);
  if (!failed && root === undefined) findings.error('EMPTY_FILE', 'the file holds no XML element', shown, 1);
  return site;
}

/** Characters XML 1.0 refuses, literal, and every character reference (checked for its value by refusedByXml). */
const XML_REFUSED =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]|&#(?:[xX][0-9a-fA-F]+|[0-9]+);/gu;

function refusedByXml(match: string): boolean {
  if (!match.startsWith('&')) return true;
  const v = match[2] === 'x' || match[2] === 'X' ? parseInt(match.slice(3), 16) : parseInt(match.slice(2), 10);
  const allowed = v === 0x9 || v === 0xa || v === 0xd || (v >= 0x20 && v <= 0xd7ff) || (v >= 0xe000 && v <= 0xfffd);
  return !(allowed || (v >= 0x10000 && v <= 0x10ffff));
}

/**
 * Takes the characters XML 1.0 refuses out of the decoded stream before the parser sees them, each
 * reported at its line and column: the parser would stop at the first, and one stray control character
 * would lose a whole export. Lines are counted here, across chunks; a reference cut by a chunk's end
 * waits for the next chunk.
 */
class XmlSafe {
  private line = 1;
  private column = 1;
  private held = '';
  constructor(private readonly report: (line: number, column: number, message: string) => void) {}

  pass(chunk: string, last = false): string {
    let text = this.held + chunk;
    this.held = '';
    if (!last) {
      const amp = text.lastIndexOf('&');
      if (amp >= 0 && /^&(?:#[xX]?[0-9a-fA-F]*)?$/.test(text.slice(amp))) {
        this.held = text.slice(amp);
        text = text.slice(0, amp);
      }
    }
    let out = '';
    let from = 0;
    // With the u flag the pattern matches only lone surrogates; a pair is one valid character.
    for (const m of text.matchAll(XML_REFUSED)) {
      if (!refusedByXml(m[0])) continue;
      this.advance(text.slice(from, m.index));
      const code = (m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      const what = m[0].startsWith('&') ? `the reference ${m[0]}` : `U+${code}`;
      this.report(this.line, this.column, `removed a character that XML does not allow: ${what}`);
      this.column += m[0].length;
      out += text.slice(from, m.index);
      from = m.index + m[0].length;
    }
    this.advance(text.slice(from));
    return from === 0 ? text : out + text.slice(from);
  }

  private advance(text: string): void {
    const lastBreak = text.lastIndexOf('\n');
    if (lastBreak < 0) {
      this.column += text.length;
      return;
    }
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.line++;
    this.column = text.length - lastBreak;
  }
}

/** A page's address from the wiki's base address ("…/wiki/Hoofdpagina") and its title, as MediaWiki forms it. */
export function pageUrl(base: string | undefined, title: string): string | undefined {
  if (base === undefined || !/^https?:\/\//i.test(base)) return undefined;
  const cut = base.lastIndexOf('/');
  return `${base.slice(0, cut + 1)}${encodeURI(title.replace(/ /g, '_')).replace(/\?/g, '%3F')}`;
}
