// Escaping: text and attributes can never become markup, and JSON in a <script> block parses back to the same value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, scriptJson, shorten } from '../../src/publish/html.ts';

describe('html escaping', () => {
  it('escapes the five significant characters in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;amp;&#60;/a&#62;',
    );
    const evil = '"><img src=x onerror=alert(1)>';
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&#34;&#62;&#60;img src=x onerror=alert(1)&#62;">&#34;&#62;&#60;img src=x onerror=alert(1)&#62;</p>',
    );
  });

  it('inserts Html values as they are and escapes everything else, arrays included', () => {
    expect(html`<ul>${['<b>', html`<li>ok</li>`]}</ul>`.value).toBe('<ul>&#60;b&#62;<li>ok</li></ul>');
  });

  it('writes JSON that never holds <, > or & and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, text) => {
        const doc = { value, text: `${text}</script><!--\u2028\u2029&` };
        const written = scriptJson(doc).value;
        expect(written).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
    );
  });

  it('shortens long descriptions at a word boundary', () => {
    expect(shorten('kort')).toBe('kort');
    const long = 'woord '.repeat(50);
    const short = shorten(long, 40);
    expect(short.length).toBeLessThanOrEqual(40);
    expect(short.endsWith('woord…')).toBe(true);
  });
});
