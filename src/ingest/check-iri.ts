// IRI checks for every record value that becomes an IRI in the dumps: RFC 3987, worded for the editor who wrote it.
import { isIri, parseIri } from '@hyperjump/uri';

/**
 * Characters that can never stand in an IRI as written (RFC 3987 leaves them out of every rule), named and with
 * the percent-encoding an editor can write instead. Writing one raw into `<…>` breaks every RDF syntax.
 */
const NEVER_IN_IRI = /[\u0000-\u0020"<>\\^`{|}\u007F-\u009F]/u;

/** RFC 3987 §4.1: bidirectional formatting characters must not be used in IRIs (the grammar alone allows them). */
const BIDI_FORMATTING = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

const NAMES: Record<string, string> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a line break',
  '\r': 'a line break',
  '"': 'a double quote (")',
  '<': 'a "<"',
  '>': 'a ">"',
  '\\': 'a backslash (\\)',
  '^': 'a "^"',
  '`': 'a backtick (`)',
  '{': 'a "{"',
  '}': 'a "}"',
  '|': 'a "|"',
};

function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function percentEncoded(c: string): string {
  return [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * Why `value` is not an absolute IRI (RFC 3987), in words an editor can act on; undefined when it is one.
 * The check is linear in the length of the value (no backtracking blow-up on long or hostile text).
 */
export function iriProblem(value: string): string | undefined {
  const never = NEVER_IN_IRI.exec(value);
  if (never) {
    const c = never[0];
    const name = NAMES[c] ?? `the control character ${codePoint(c)}`;
    const edge = never.index === 0 ? 'at the start' : never.index === value.length - 1 ? 'at the end' : undefined;
    const at = edge ?? `at position ${never.index + 1}`;
    const fix = c === ' ' && edge !== undefined ? 'remove it' : `write it as ${percentEncoded(c)}`;
    return `contains ${name} ${at}, which an IRI may not hold; ${fix}`;
  }
  const bidi = BIDI_FORMATTING.exec(value);
  if (bidi) return `contains the invisible bidirectional control character ${codePoint(bidi[0])}; remove it`;
  const badPercent = /%(?![0-9A-Fa-f]{2})/.exec(value);
  if (badPercent) return `contains a "%" that is not followed by two hexadecimal digits; write a "%" itself as %25`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
    return 'is not an absolute IRI: it must start with a scheme such as "https:"';
  }
  if ((value.match(/#/g) ?? []).length > 1) return 'contains more than one "#"; write a "#" after the first as %23';
  if (!isIri(value)) return 'is not a valid IRI (RFC 3987); check the host, the port and any "[", "]" or "@"';
  return undefined;
}

/** Why `value` is not an http(s) IRI with a host, or undefined when it is one. */
export function httpIriProblem(value: string): string | undefined {
  const general = iriProblem(value);
  if (general !== undefined) return general;
  const { scheme, host } = parseIri(value);
  if (!/^https?$/i.test(scheme)) return `expected an http(s) address, not one starting with "${scheme}:"`;
  if (!host) return 'expected an http(s) address with a host name, e.g. https://www.example.nl/';
  return undefined;
}

/** Why `value` cannot serve as the dataset's base IRI (under which every resource's IRI is minted). */
export function baseIriProblem(value: string): string | undefined {
  const general = httpIriProblem(value);
  if (general !== undefined) return general;
  const { query, fragment } = parseIri(value);
  const appended = 'the ids of records are appended to it';
  if (query !== undefined) return `the base IRI may not have a query ("?…"): ${appended}`;
  if (fragment !== undefined) return `the base IRI may not have a fragment ("#…"): ${appended}`;
  if (!value.endsWith('/')) return 'the base IRI must end with "/"';
  return undefined;
}
