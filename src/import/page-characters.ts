// Page text's characters: invisible control characters found, removed and located; character references decoded as MediaWiki does.
import { decodeHTMLStrict } from 'entities';

/** Characters between which a zero-width (non-)joiner does its job: letters, marks, digits and emoji. */
const JOINABLE = /[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]/u;

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

/**
 * Removes every invisible control character from `text`, literal or written as a numeric reference, and
 * zero-width joiners that join nothing (at a word's edge); says where each was, counting lines from
 * `firstLine` and columns (in characters, 1-based) from `firstColumn` on the first line.
 */
export function removeInvisible(text: string, firstLine = 1, firstColumn = 1): { text: string; removed: RemovedCharacter[] } {
  const removed: RemovedCharacter[] = [];
  let out = '';
  let line = firstLine;
  let column = firstColumn;
  let kept = 0;
  const codes = [...text];
  let prev = '';
  for (let i = 0; i < codes.length; i++) {
    const ch = codes[i] as string;
    const code = ch.codePointAt(0) as number;
    let drop: string | undefined;
    let length = 1;
    if (isInvisibleControl(code)) drop = hex(code);
    else if ((code === 0x200c || code === 0x200d) && !(JOINABLE.test(prev) && JOINABLE.test(codes[i + 1] ?? ''))) drop = hex(code);
    else if (ch === '&' && codes[i + 1] === '#') {
      // A numeric reference, with its semicolon as MediaWiki requires; `&amp;#1;` is text, not one.
      const ref = /^&#(?:[xX][0-9a-fA-F]+|[0-9]+);/.exec(codes.slice(i, i + 16).join(''))?.[0];
      if (ref !== undefined) {
        const value = ref[2] === 'x' || ref[2] === 'X' ? parseInt(ref.slice(3), 16) : parseInt(ref.slice(2), 10);
        // A reference to no character at all (0, a surrogate, beyond U+10FFFF) would become U+FFFD.
        const decoded = value > 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff) ? decodeHTMLStrict(ref) : undefined;
        const target = decoded?.codePointAt(0);
        if (target === undefined || isInvisibleControl(target)) {
          drop = `${target === undefined ? 'a reference to no character' : hex(target)} (written ${ref})`;
          length = ref.length;
        }
      }
    }
    if (drop !== undefined) {
      removed.push({ line, column, what: drop });
      column += length;
      i += length - 1;
      continue;
    }
    out += ch;
    kept++;
    prev = ch;
    if (ch === '\n' || (ch === '\r' && codes[i + 1] !== '\n')) {
      line++;
      column = 1;
    } else column++;
  }
  return { text: kept === codes.length ? text : out, removed };
}

/** One warning message per line for what `removeInvisible` removed, with the column of the first. */
export function removalsByLine(removed: RemovedCharacter[]): { line: number; column: number; message: string }[] {
  const byLine = new Map<number, RemovedCharacter[]>();
  for (const r of removed) byLine.set(r.line, [...(byLine.get(r.line) ?? []), r]);
  return [...byLine].map(([line, rs]) => {
    const list = rs.map((r) => `${r.what} at column ${r.column}`).join(', ');
    const one = rs.length === 1;
    return { line, column: rs[0]?.column ?? 1, message: `removed ${one ? 'an invisible control character' : `${rs.length} invisible control characters`}: ${list}` };
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
