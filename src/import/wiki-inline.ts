// Inline wikitext to the text the wiki would show: links resolved, markup dropped, bare links and <ref>s as "[n]" footnotes.
import { cleanSpaces } from './normalise.ts';

/**
 * One pattern for every inline construct that matters, so they are handled left to right in one pass:
 * self-closing <ref/>, <ref>…</ref>, [[internal|label]], [http://url label] and bare [http://url].
 */
// A link target holds no brackets, braces or "|" (as in MediaWiki titles), so an unclosed "[[" never swallows text up to a later link.
const INLINE = /<ref\b[^>]*\/>|<ref\b[^>]*>([\s\S]*?)<\/ref\s*>|\[\[([^\][|{}<>\n]{1,255})(?:\|([^\][\n]*))?\]\]|\[((?:https?:)?\/\/[^\s\][]+)(?:[ \t\u00a0]+([^\][\n]*))?\]/giu;
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
      const rest = cleanSpaces(refBody.replace(INLINE, (w: string, _r: unknown, target?: string, label?: string, _u?: string, urlLabel?: string) => (w.startsWith('[[') ? (label ?? target ?? '') : (urlLabel ?? ''))).replace(URL_IN_TEXT, '').replace(/'{2,5}|<[^>]*>/g, ''));
      out.set(m.index, { n: ++n, ...(found ? { url: found[0] } : {}), ...(rest !== '' ? { text: rest } : {}) });
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
  const replaced = source.replace(INLINE, (whole: string, refBody: string | undefined, target: string | undefined, label: string | undefined, url: string | undefined, urlLabel: string | undefined, at: number) => {
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
  });
  const text = cleanSpaces(decodeEntities(replaced.replace(/'{2,5}/g, '').replace(/<br\s*\/?>/giu, ' ').replace(/<\/?[a-z][^>]*>/giu, '')));
  return { text, urls, footnotes: used, media };
}

function absolute(url: string): string {
  return url.startsWith('//') ? `https:${url}` : url;
}

const NAMED: Record<string, string> = { nbsp: '\u00a0', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", ndash: '–', mdash: '—', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', euml: 'ë', eacute: 'é' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/giu, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}
