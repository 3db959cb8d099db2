// Inline wikitext to the text the wiki would show: links resolved, markup dropped, bare links and <ref>s as "[n]" footnotes.
import { cleanSpaces } from './normalise.ts';
import { decodeReferences } from './page-characters.ts';

/**
 * One pattern for every inline construct that matters, so they are handled left to right in one pass:
 * self-closing <ref/>, <ref>…</ref>, [[internal|label]], [http://url label] and bare [http://url].
 */
// A link target holds no brackets, braces or "|" (as in MediaWiki titles), so an unclosed "[[" never swallows text up to a later link.
const INLINE =
  /<ref\b[^>]*\/>|<ref\b[^>]*>([\s\S]*?)<\/ref\s*>|\[\[([^\][|{}<>\n]{1,255})(?:\|([^\][\n]*))?\]\]|\[((?:https?:)?\/\/[^\s\][]+)(?:[ \t\u00a0]+([^\][\n]*))?\]/giu;
const URL_IN_TEXT = /https?:\/\/[^\s\]<>|]+/iu;
const CATEGORY_PREFIX = /^(?:categorie|category):/iu;
const MEDIA_PREFIX = /^(?:bestand|file|afbeelding|image|media):/iu;

export interface Footnote {
  n: number;
  url?: string;
  /** What a <ref> says besides its link, which no record field holds. */
  text?: string;
}

/**
 * Numbers the footnotes of a whole page in reading order, as the wiki does: bare external links and
 * <ref>s each get the next number. Keyed by their offset in the page text, so any part of the page
 * rendered later gets the same numbers.
 */
export function numberFootnotes(text: string): Map<number, Footnote> {
  const out = new Map<number, Footnote>();
  let n = 0;
  for (const m of text.matchAll(INLINE)) {
    const [whole, refBody, , , url, label] = m;
    if (whole.startsWith('<')) {
      if (refBody === undefined) continue; // <ref name="x"/> repeats an earlier footnote
      const found = URL_IN_TEXT.exec(refBody);
      const linkText = (w: string, _r: unknown, target?: string, label?: string, _u?: string, urlLabel?: string) =>
        w.startsWith('[[') ? (label ?? target ?? '') : (urlLabel ?? '');
      const markupless = refBody
        .replace(INLINE, linkText)
        .replace(URL_IN_TEXT, '')
        .replace(/'{2,5}|<[^>]*>/g, '');
      const rest = cleanSpaces(unmaskMarkup(decodeReferences(markupless)));
      const url = found ? { url: absolute(found[0]) } : {};
      out.set(m.index, { n: ++n, ...url, ...(rest !== '' ? { text: rest } : {}) });
    } else if (url !== undefined && (label === undefined || label.trim() === '')) {
      out.set(m.index, { n: ++n, url: absolute(url) });
    }
  }
  return out;
}

export interface Rendered {
  text: string;
  /** URLs behind labelled links, in order. */
  urls: string[];
  /** Footnotes that appear in this text: number → URL where known. */
  footnotes: Footnote[];
  /** Media links (images, files) that show no text and are not imported, as written. */
  media: string[];
}

/** Renders `source`, which starts at `offset` in the page text numbered by `numberFootnotes`. */
export function renderInline(source: string, offset: number, footnotes: Map<number, Footnote>): Rendered {
  const urls: string[] = [];
  const used: Footnote[] = [];
  const media: string[] = [];
  const replaced = source.replace(
    INLINE,
    (
      whole: string,
      _refBody: string | undefined,
      target: string | undefined,
      label: string | undefined,
      url: string | undefined,
      urlLabel: string | undefined,
      at: number,
    ) => {
      const note = footnotes.get(offset + at);
      if (note) {
        used.push(note);
        return `[${note.n}]`;
      }
      if (whole.startsWith('<')) return '';
      if (target !== undefined) {
        // Categories are the wiki's own bookkeeping (chrome); media links are reported by the caller.
        if (CATEGORY_PREFIX.test(target.trim())) return '';
        if (MEDIA_PREFIX.test(target.trim())) {
          media.push(whole);
          return '';
        }
        return label !== undefined && label.trim() !== '' ? label : target.replace(/^:/, '').replace(/_/g, ' ');
      }
      if (url !== undefined) urls.push(absolute(url));
      return urlLabel ?? '';
    },
  );
  // <br> is a space here: a record's running text breaks only between paragraphs. References are decoded
  // last, so `&lt;b&gt;` stays the text "<b>", and once, so `&amp;ouml;` stays the text "&ouml;".
  const markupless = replaced
    .replace(/'{2,5}/g, '')
    .replace(/<br\s*\/?>/giu, ' ')
    .replace(/<\/?[a-z][^>]*>/giu, '');
  const text = cleanSpaces(decodeReferences(unmaskMarkup(markupless)));
  return { text, urls, footnotes: used, media };
}

/** A link's address as MediaWiki makes it: character references decoded (`&amp;` in a query is `&`). */
function absolute(url: string): string {
  const decoded = decodeReferences(url);
  return decoded.startsWith('//') ? `https:${decoded}` : decoded;
}

/**
 * The characters that start markup, each with a stand-in from Unicode's non-characters (removed from every
 * page before it is read, so none can be in the text already). One character each, so offsets hold.
 */
const MARKUP = "[]{}<>'|=*#:;";
const MASKED = new RegExp(`[${String.fromCharCode(0xfdd0)}-${String.fromCharCode(0xfdd0 + MARKUP.length - 1)}]`, 'gu');

/**
 * Text inside <nowiki>…</nowiki> and <pre>…</pre> is shown as written: its markup characters are masked,
 * so no link, template, heading or list is read in it. Comments outside them, and <includeonly> text (shown
 * only where the page is transcluded), blank out, keeping their line breaks so line numbers stay true;
 * whichever opens first wins, as in MediaWiki.
 */
export function maskMarkup(text: string): string {
  const comment = /<!--[\s\S]*?(?:-->|$)/;
  const includeonly = /<includeonly\s*>[\s\S]*?(?:<\/includeonly\s*>|$)/;
  const asWritten = /<(nowiki|pre)(\s[^>]*?)?(?<!\/)>([\s\S]*?)<\/\1\s*>/;
  const hidden = new RegExp([comment, includeonly, asWritten].map((r) => r.source).join('|'), 'giu');
  return text.replace(hidden, (whole: string, tag?: string, attrs?: string, inner?: string) => {
    if (tag === undefined) return whole.replace(/[^\n]/g, HIDDEN);
    const open = `<${tag}${attrs ?? ''}>`;
    const masked = (inner ?? '').replace(/[[\]{}<>'|=*#:;]/g, (c) => String.fromCharCode(0xfdd0 + MARKUP.indexOf(c)));
    return open + masked + whole.slice(open.length + (inner ?? '').length);
  });
}

/** The masked markup characters back as text, and what was hidden gone (it shows nothing, not even a space). */
export function unmaskMarkup(text: string): string {
  return shown(text).replace(MASKED, (c) => MARKUP[c.charCodeAt(0) - 0xfdd0] ?? '');
}

/**
 * What stands in for each character of a comment or <includeonly> text: a non-character, so it cannot be
 * in the page, and not a space, so "Tekst<!-- … -->." reads "Tekst." as on the wiki.
 */
const HIDDEN = '\ufdef';

/** Text without the stand-ins for hidden markup, for reading structure (blank lines, headings, names). */
export function shown(text: string): string {
  return text.includes(HIDDEN) ? text.replaceAll(HIDDEN, '') : text;
}
