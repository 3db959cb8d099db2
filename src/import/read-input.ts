// Finds the page files named on the command line and reads each into pages: rendered text, wikitext or a Special:Export file.
import type { Stats } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { displayPath } from '../ingest/read-records.ts';
import type { ImportConfig } from './config.ts';
import { MAX_PAGE_CHARS, pageUrl, readExport } from './export-xml.ts';
import type { RawPage } from './page.ts';
import type { Findings } from './problems.ts';
import { readRenderedPage } from './rendered-page.ts';
import { readWikitext } from './wikitext.ts';

/** A page file (rendered text or wikitext) above MediaWiki's own page limit is refused before it is read. */
export const MAX_PAGE_FILE_BYTES = MAX_PAGE_CHARS;
const PAGE_EXTENSIONS = new Set(['.txt', '.wiki', '.wikitext', '.mediawiki', '.xml']);
const WIKITEXT_EXTENSIONS = new Set(['.wiki', '.wikitext', '.mediawiki']);

/** The files to read, in a stable order: files as given, directories walked for page files, sorted. */
export async function expandInputs(inputs: string[], findings: Findings): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    let info: Stats;
    try {
      info = await stat(input);
    } catch {
      findings.error('IO', 'no such file or directory', input, 1);
      continue;
    }
    if (info.isDirectory()) {
      const entries = await readdir(input, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((d) => d.isFile() && PAGE_EXTENSIONS.has(path.extname(d.name).toLowerCase()))
        .map((d) => path.join(d.parentPath, d.name))
        .sort();
      if (files.length === 0)
        findings.warn('NOT_A_PAGE', `no page files (${[...PAGE_EXTENSIONS].join(', ')}) in this directory`, input, 1);
      out.push(...files);
    } else out.push(input);
  }
  return out;
}

/** Reads one file and hands each page in it to `onPage`; problems with the file itself go to `findings`. */
export async function readPageFile(
  file: string,
  config: ImportConfig,
  findings: Findings,
  onPage: (page: RawPage) => void,
): Promise<void> {
  const shown = displayPath(path.resolve(file));
  const head = await readHead(file);
  if (head.length === 0) {
    findings.error('EMPTY_FILE', 'the file is empty', shown, 1);
    return;
  }
  const nul = head.indexOf(0);
  if (nul >= 0) {
    findings.error(
      'BINARY_FILE',
      'not a text file (it holds NUL bytes): a page must be UTF-8 text',
      shown,
      lineOfByte(head, nul),
    );
    return;
  }
  const start = head
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .trimStart();
  if (path.extname(file).toLowerCase() === '.xml' || start.startsWith('<?xml') || start.startsWith('<mediawiki')) {
    await readExport(file, shown, findings, (p, site) => {
      const at = p.pageLine;
      if (p.title === undefined || p.title === '') {
        findings.error('NO_TITLE', 'this <page> has no <title>', shown, at);
        return;
      }
      if (p.ns !== undefined && p.ns !== '0') {
        findings.warn('NOT_A_PAGE', `not an article (namespace ${p.ns}); skipped`, shown, at, p.title);
        return;
      }
      if (p.tooLarge !== undefined) {
        findings.error(
          'FILE_TOO_LARGE',
          `the page text has ${p.tooLarge} characters; a wiki page has at most ${MAX_PAGE_CHARS}`,
          shown,
          p.textLine ?? at,
          p.title,
        );
        return;
      }
      if (p.text === undefined) {
        findings.warn('NOT_A_PAGE', 'the page has no revision text; skipped', shown, at, p.title);
        return;
      }
      const url = pageUrl(site.base, p.title);
      const page = readWikitext(
        {
          text: p.text,
          file: shown,
          firstLine: p.textLine ?? at,
          ...(p.textColumn !== undefined ? { firstColumn: p.textColumn } : {}),
          title: { text: p.title, line: p.titleLine ?? at },
          ...(site.name !== undefined ? { site: site.name } : {}),
          ...(url !== undefined ? { url } : {}),
        },
        config,
        findings,
      );
      if (page) onPage(page);
    });
    return;
  }

  const size = (await stat(file)).size;
  if (size > MAX_PAGE_FILE_BYTES) {
    findings.error(
      'FILE_TOO_LARGE',
      `the file has ${size} bytes; a wiki page has at most ${MAX_PAGE_FILE_BYTES} (an export of many pages belongs in a Special:Export .xml file)`,
      shown,
      1,
    );
    return;
  }
  const bytes = await readFile(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const loose = bytes.toString('utf8');
    const bad = loose.indexOf('\ufffd');
    findings.error(
      'BINARY_FILE',
      'not UTF-8 text (a binary file, or another encoding): a page must be UTF-8',
      shown,
      lineOfText(loose, Math.max(bad, 0)),
    );
    return;
  }
  text = text.replace(/^\ufeff/, '');
  const nulAt = text.indexOf('\u0000');
  if (nulAt >= 0) {
    findings.error(
      'BINARY_FILE',
      'not a text file (it holds NUL bytes): a page must be UTF-8 text',
      shown,
      lineOfText(text, nulAt),
    );
    return;
  }
  if (text.trim() === '') {
    findings.error('EMPTY_FILE', 'the file holds no page (only white space)', shown, 1);
    return;
  }
  const isWikitext =
    WIKITEXT_EXTENSIONS.has(path.extname(file).toLowerCase()) ||
    /^[ \t]*(?:\{\{|\}\}|=[^=\n]*=[ \t]*$)|\[\[[^\]\n]+\]\]/mu.test(text);
  const page = isWikitext
    ? readWikitext({ text, file: shown, firstLine: 1 }, config, findings)
    : readRenderedPage(text, shown, config, findings);
  if (page) onPage(page);
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function lineOfByte(buf: Buffer, at: number): number {
  let n = 1;
  for (let i = 0; i < at; i++) if (buf[i] === 0x0a) n++;
  return n;
}

function lineOfText(text: string, at: number): number {
  let n = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
