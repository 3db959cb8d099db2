// Page text's characters: invisible controls removed and located; character references decoded as MediaWiki does.
import { decodeHTMLStrict } from 'entities';

/** Characters between which a zero-width (non-)joiner does its job: letters, marks (U+FE0F too), digits and emoji. */
const JOINABLE = /[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier}]/u;

/**
 * Characters no record may hold: C0 controls (tab and line breaks aside), DEL and C1 controls, the
 * bidirectional embeddings, overrides and isolates (they make text read differently from what it says),
 * deprecated format controls, a byte order mark inside text, lone surrogates and non-characters.
 * A superset of what the record schema refuses, so removing these leaves text the build accepts.
 */
export function isInvisibleControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x206f) ||
    code === 0xfeff ||
    (code >= 0xfff9 && code <= 0xfffb) ||
    (code >= 0xd800 && code <= 0xdfff) ||
    (code >= 0xfdd0 && code <= 0xfdef) ||
    (code & 0xfffe) === 0xfffe
  );
}

export interface RemovedCharacter {
  line: number;
  column: number;
  /** "U+202E", or "U+0001 (written &#1;)" for a reference to it. */
  what: string;
}

/** Where a removal may be: every character `isInvisibleControl` names, the joiners, and numeric references. */
const CANDIDATES = new RegExp(
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u200C\\u200D\\u202A-\\u202E\\u2066-\\u206F' +
    '\\uFDD0-\\uFDEF\\uFEFF\\uFFF9-\\uFFFB\\uFFFE\\uFFFF\\uD800-\\uDFFF' +
    Array.from({ length: 16 }, (_, i) => `\\u{${(i + 1).toString(16)}FFFE}\\u{${(i + 1).toString(16)}FFFF}`).join('') +
    ']|&#(?:[xX][0-9a-fA-F]+|[0-9]+);',
  'gu',
);
const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Removes every invisible control character from `text`, literal or written as a numeric reference, and
 * zero-width joiners that join nothing (at a word's edge); says where each was, counting lines from
 * `firstLine` and columns (in characters as written, 1-based) from `firstColumn` on the first line.
 */
export function removeInvisible(
  text: string,
  firstLine = 1,
  firstColumn = 1,
): { text: string; removed: RemovedCharacter[] } {
  const removed: RemovedCharacter[] = [];
  const kept: string[] = [];
  let from = 0;
  // Line and column of `at` in the text, moved forward from one removal to the next.
  let at = 0;
  let line = firstLine;
  let column = firstColumn;
  const moveTo = (to: number) => {
    const part = text.slice(at, to);
    let lineStart = 0;
    for (const m of part.matchAll(LINE_BREAK)) {
      line++;
      lineStart = m.index + m[0].length;
    }
    column = (lineStart > 0 ? 1 : column) + codePoints(part.slice(lineStart));
    at = to;
  };
  for (const m of text.matchAll(CANDIDATES)) {
    const found = m[0];
    let what: string | undefined;
    if (found.startsWith('&')) {
      const value = found[2] === 'x' || found[2] === 'X' ? parseInt(found.slice(3), 16) : parseInt(found.slice(2), 10);
      // A reference to no character at all (0, a surrogate, beyond U+10FFFF) would become U+FFFD.
      const real = value > 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff);
      const decoded = real ? decodeHTMLStrict(found) : undefined;
      const target = decoded?.codePointAt(0);
      if (target === undefined || isInvisibleControl(target)) {
        what = `${target === undefined ? 'a reference to no character' : hex(target)} (written ${found})`;
      }
    } else {
      const code = found.codePointAt(0) as number;
      if (code !== 0x200c && code !== 0x200d) what = hex(code);
      else {
        const before = String.fromCodePoint(codePointBefore(text, m.index) ?? 0x20);
        const after = String.fromCodePoint(text.codePointAt(m.index + found.length) ?? 0x20);
        if (!(JOINABLE.test(before) && JOINABLE.test(after))) what = hex(code);
      }
    }
    if (what === undefined) continue;
    moveTo(m.index);
    removed.push({ line, column, what });
    kept.push(text.slice(from, m.index));
    from = m.index + found.length;
  }
  if (removed.length === 0) return { text, removed };
  kept.push(text.slice(from));
  return { text: kept.join(''), removed };
}

function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function codePointBefore(text: string, index: number): number | undefined {
  if (index === 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(index - 2);
  }
  return low;
}

/** One warning message per line for what `removeInvisible` removed, with the column of the first. */
export function removalsByLine(removed: RemovedCharacter[]): { line: number; column: number; message: string }[] {
  const byLine = new Map<number, RemovedCharacter[]>();
  for (const r of removed) byLine.set(r.line, [...(byLine.get(r.line) ?? []), r]);
  return [...byLine].map(([line, rs]) => {
    const list = rs.map((r) => `${r.what} at column ${r.column}`).join(', ');
    const one = rs.length === 1;
    const what = one ? 'an invisible control character' : `${rs.length} invisible control characters`;
    return { line, column: rs[0]?.column ?? 1, message: `removed ${what}: ${list}` };
  });
}

/**
 * Decodes character references the way MediaWiki renders them: HTML5 names with their semicolon, and
 * numeric references, once, so `&amp;ouml;` shows as the text `&ouml;`. Numeric references to C1 codes
 * give what browsers show for them (`&#150;` is an en dash).
 */
export function decodeReferences(text: string): string {
  return text.includes('&') ? decodeHTMLStrict(text) : text;
}

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
