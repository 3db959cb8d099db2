// Safe HTML building: every text and attribute is escaped, and JSON embedded in a <script> can never close it.
/** Markup that is already safe; only html`` and the helpers here make it, so raw text cannot slip in unescaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Part = Html | string | number | undefined | null | false | Part[];

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (part instanceof Html) return part.value;
  return escapeHtml(String(part));
}

/** A template tag: interpolated strings are escaped, Html values and arrays of them are inserted as they are. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? '';
  parts.forEach((p, i) => {
    out += render(p) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/**
 * JSON for a `<script type="application/ld+json">` block. `<`, `>` and `&` become \u003c, \u003e and
 * \u0026, so neither `</script>` nor `<!--` can appear; U+2028/U+2029 are escaped for old parsers.
 * The escapes are plain JSON string escapes, so the data parses back unchanged.
 */
export function scriptJson(value: unknown): Html {
  const text = JSON.stringify(value, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new Html(text);
}

/** Text cut to at most `max` characters at a word boundary, for meta descriptions. */
export function shorten(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:]+$/, '')}…`;
}
