// Text clean-up shared by the page readers: whitespace as the wiki renders it, and the keys names are compared by.
import { slug } from '../map/iri.ts';

/**
 * Any run of white space (tabs, non-breaking and other Unicode spaces) as one plain space, trimmed. A soft
 * hyphen, zero-width space or no-break marker (U+00AD, U+200B, U+2060, U+FEFF) shows nothing, so it goes
 * without a space: "co\u200Bordinatie" stays one word, and "Toel&shy;ichting" is the heading "Toelichting".
 */
export function cleanSpaces(text: string): string {
  return text
    .replace(/[\u00ad\u200b\u2060\ufeff]+/gu, '')
    .replace(/[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+/gu, ' ')
    .trim();
}

/**
 * The key two names are compared by: Unicode-folded, diacritics dropped, lower case, white space collapsed,
 * typographic apostrophes made plain. "Radboud  Universiteit" and "radboud universiteit" share a key.
 */
export function nameKey(name: string): string {
  return cleanSpaces(
    name
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/[\u2018\u2019\u02bc]/g, "'")
      .toLowerCase(),
  );
}

/**
 * The id a name gets: slug() from the IRI minting, after dropping apostrophes inside words, so
 * "What’s next" gives "whats-next" (as the hand-made records write it) rather than "what-s-next".
 */
export function recordId(name: string): string {
  return slug(name.replace(/(?<=\p{L})['\u2019\u02bc](?=\p{L})/gu, ''));
}
