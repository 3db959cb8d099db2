// The wikitext reader: footnote numbering, <ref>s, links, comments and CRLF, template parameters with nested markup.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ImportConfig } from '../../src/import/config.ts';
import { pageToDraft } from '../../src/import/page-to-record.ts';
import { langText } from '../../src/ingest/schema.ts';
import { isInvisibleControl } from '../../src/import/page-characters.ts';
import { Findings } from '../../src/import/problems.ts';
import { readWikitext } from '../../src/import/wikitext.ts';

let config: ImportConfig;
beforeAll(async () => {
  config = await loadConfig();
});

function read(text: string) {
  const findings = new Findings();
  const page = readWikitext({ text, file: 'p.wiki', firstLine: 1 }, config, findings);
  const draft = page && pageToDraft(page, config, findings);
  return { page, draft, findings: findings.items.map((f) => [f.code, f.location.line, f.message]) };
}

const PAGE = `{{DISPLAYTITLE:Proefpagina (synthetic)}}
<!-- a comment
   over three lines -->
{{Project
|ondertitel=Een ondertitel [https://wiki.example/a]
|kernwoorden=wonen, {{lang|en|housing}}
|status=Lopend
|onbekend=iets
}}
== Publicaties ==
* Rapport Eerste rapport<ref>[https://wiki.example/r1.pdf Het rapport], Platform31 2014</ref>
* Presentatie [[Hoofdpagina|Tweede]] stuk [https://wiki.example/p2]
* Artikel Derde stuk<ref>https://wiki.example/d3</ref>
`;

describe('wikitext', () => {
  it('numbers bare links and <ref>s in reading order and takes their URLs as publication links', () => {
    const { draft, findings } = read(PAGE);
    expect(draft?.record.alternateNameFootnote).toBe(1);
    expect(draft?.record.alternateNameUrl).toBe('https://wiki.example/a');
    expect(draft?.record.publications).toEqual([
      {
        id: 'eerste-rapport',
        kind: 'report',
        title: 'Eerste rapport',
        url: 'https://wiki.example/r1.pdf',
        footnote: 2,
      },
      { id: 'tweede-stuk', kind: 'presentation', title: 'Tweede stuk', url: 'https://wiki.example/p2', footnote: 3 },
      { id: 'derde-stuk', kind: 'article', title: 'Derde stuk', url: 'https://wiki.example/d3', footnote: 4 },
    ]);
    // The comment kept its lines, so the unknown parameter is reported at its true line; a <ref>'s own text is reported too.
    expect(findings).toEqual([
      ['UNKNOWN_LABEL', 6, 'template {{lang}} inside "kernwoorden" is not imported'],
      ['UNKNOWN_LABEL', 8, 'unknown label "onbekend": not imported (add it to the label set to map it)'],
      [
        'UNMAPPED_LINE',
        11,
        'the text of footnote [2] is not imported (only its link is): "Het rapport, Platform31 2014"',
      ],
    ]);
  });

  it('does not split a parameter on the "|" of a nested template, and reports the unknown template inside it', () => {
    const { draft } = read(PAGE);
    expect(draft?.record.keywords).toEqual(['wonen']);
  });

  it('reads CRLF wikitext exactly as LF', () => {
    const lf = read(PAGE);
    const crlf = read(PAGE.replace(/\n/g, '\r\n'));
    expect(crlf.draft?.record).toEqual(lf.draft?.record);
    expect(crlf.findings).toEqual(lf.findings);
  });
});

describe('wikitext markup that shows no text', () => {
  it('reports images instead of dropping them silently, alone or inside a paragraph', () => {
    const { findings, draft } = read(
      '{{DISPLAYTITLE:Beeld (synthetic)}}\n{{Project|status=Lopend}}\n== Toelichting ==\n[[Bestand:Kaart.png|thumb]]\nTekst.\n\n[[File:Foto.jpg]]\n',
    );
    expect(findings).toEqual([
      ['UNMAPPED_LINE', 4, '"[[Bestand:Kaart.png|thumb]]" (an image or file) is not imported'],
      ['UNMAPPED_LINE', 7, 'nothing to import in "[[File:Foto.jpg]]"'],
    ]);
    expect(draft?.record.description).toBe('Tekst.');
  });
});

/** A page whose Toelichting section is `body`, read; its findings with line and column. */
function withBody(body: string, head = '') {
  const findings = new Findings();
  const text = `{{DISPLAYTITLE:Tekens (synthetic)}}\n{{Project${head}\n|status=Lopend\n}}\n== Toelichting ==\n${body}\n`;
  const page = readWikitext({ text, file: 'p.wiki', firstLine: 1 }, config, findings);
  const draft = page && pageToDraft(page, config, findings);
  const where = findings.items.map((f) => [f.code, `${f.location.line}:${f.location.column}`, f.page, f.message]);
  return { draft, description: draft?.record.description, where, findings };
}

describe('character references in wikitext', () => {
  it('decodes every HTML5 named reference, decimal and hex, as MediaWiki renders them', () => {
    const { description, where } = withBody(
      'co&ouml;rdinatie, ge&iuml;nteresseerd&hellip; &euro; 5, caf&#233; en caf&#xE9;, &Ouml;sterreich, &frac12;',
    );
    expect(description).toBe('coördinatie, geïnteresseerd… € 5, café en café, Österreich, ½');
    expect(where).toEqual([]);
  });

  it('decodes once: `&amp;ouml;` is the text "&ouml;"; a reference without its semicolon or with an unknown name stays text', () => {
    expect(withBody('&amp;ouml; &#38;euro; &ouml en &bogus; AT&T').description).toBe(
      '&ouml; &euro; &ouml en &bogus; AT&T',
    );
  });

  it('decodes after the markup is read, so escaped markup is text and decoded brackets make no link', () => {
    expect(withBody('&lt;b&gt;vet&lt;/b&gt; &#91;&#91;Geen link&#93;&#93; &#123;&#123;x&#125;&#125;').description).toBe(
      '<b>vet</b> [[Geen link]] {{x}}',
    );
  });

  it('decodes references in infobox values, headings, the display title and link addresses', () => {
    const findings = new Findings();
    const text =
      '{{DISPLAYTITLE:Co&ouml;peratie (synthetic)}}\n{{Project\n|ondertitel=Een &eacute;&eacute;n [https://wiki.example/a?x=1&amp;y=2]\n|status=Lopend\n}}\n== Toel&shy;ichting ==\nTekst.\n';
    const page = readWikitext({ text, file: 'p.wiki', firstLine: 1 }, config, findings);
    const draft = page && pageToDraft(page, config, findings);
    expect(draft?.record.name).toBe('Coöperatie (synthetic)');
    expect(draft?.record.alternateName).toBe('Een één');
    expect(draft?.record.alternateNameUrl).toBe('https://wiki.example/a?x=1&y=2');
    expect(draft?.record.id).toBe('cooperatie-synthetic');
  });

  it('&nbsp;, &#160;, tabs and a non-breaking space become one plain space; a zero-width space joins its word', () => {
    expect(withBody('10&nbsp;km,\t20&#160;km,  30\u00a0km; co\u200bordinatie').description).toBe(
      '10 km, 20 km, 30 km; coordinatie',
    );
  });

  it('<br> and <br/> are a space; a <ref> is a footnote; comments vanish', () => {
    expect(withBody('een<br>twee<br/>drie<br />vier <!-- weg --> vijf').description).toBe('een twee drie vier vijf');
    expect(withBody('Tekst<ref>https://wiki.example/n</ref> verder.').description).toBe('Tekst[1] verder.');
  });

  it('text in <nowiki> and <pre> is shown as written, comments and references in it included', () => {
    const { description } = withBody(
      "<nowiki>[[Geen link]] ''niet schuin'' {{geen sjabloon}} <!-- blijft --> &eacute;</nowiki> en <nowiki/>[[Wel link]]",
    );
    expect(description).toBe("[[Geen link]] ''niet schuin'' {{geen sjabloon}} <!-- blijft --> é en Wel link");
    expect(withBody('<pre>* geen opsomming</pre>').description).toBe('* geen opsomming');
  });
});

describe('invisible control characters in wikitext', () => {
  it('removes a right-to-left override and reports it at its line and column, naming the page', () => {
    const { description, where } = withBody('Eerste regel.\nTweede\u202e regel.');
    expect(description).toBe('Eerste regel. Tweede regel.');
    expect(where).toEqual([
      [
        'INVISIBLE_CHARACTER',
        '7:7',
        'Tekens (synthetic)',
        'removed an invisible control character: U+202E at column 7',
      ],
    ]);
  });

  it('removes C0, C1, bidi isolates, a byte order mark inside text, non-characters and lone surrogates, one warning per line', () => {
    const { description, where } = withBody(
      'a\u0001b\u0085c\u2066d\u2069e\ufefff\ufdd0g\uffffh\ud800i\udc00j\u{10ffff}k',
    );
    expect(description).toBe('abcdefghijk');
    expect(where).toEqual([
      [
        'INVISIBLE_CHARACTER',
        '6:2',
        'Tekens (synthetic)',
        'removed 10 invisible control characters: U+0001 at column 2, U+0085 at column 4, U+2066 at column 6, U+2069 at column 8, U+FEFF at column 10, U+FDD0 at column 12, U+FFFF at column 14, U+D800 at column 16, U+DC00 at column 18, U+10FFFF at column 20',
      ],
    ]);
  });

  it('removes numeric references to them too, and references to no character; &#150; is the en dash browsers show', () => {
    const { description, where } = withBody('a&#x202E;b&#1;c&#0;d&#xD800;e&#x110000;f&#150;g &amp;#1;');
    expect(description).toBe('abcdef–g &#1;');
    expect(where).toEqual([
      [
        'INVISIBLE_CHARACTER',
        '6:2',
        'Tekens (synthetic)',
        'removed 5 invisible control characters: U+202E (written &#x202E;) at column 2, U+0001 (written &#1;) at column 11, a reference to no character (written &#0;) at column 16, a reference to no character (written &#xD800;) at column 21, a reference to no character (written &#x110000;) at column 30',
      ],
    ]);
  });

  it('keeps zero-width joiners inside a word or an emoji sequence and removes those that join nothing', () => {
    const { description, where } = withBody('\u200dvoor man\u200d\u2640\ufe0f en \u0645\u200c\u06cc \u200c');
    expect(description).toBe('voor man\u200d\u2640\ufe0f en \u0645\u200c\u06cc');
    expect(where.map((w) => w[3])).toEqual([
      'removed 2 invisible control characters: U+200D at column 1, U+200C at column 21',
    ]);
  });

  it('removes them from template parameters and reports them there; the line numbers of later lines hold', () => {
    const { draft, where } = withBody('Tekst.', '\n|ondertitel=Sub\u202etitel\n|kernwoorden=a\u0007, b');
    expect(draft?.record.alternateName).toBe('Subtitel');
    expect(draft?.record.keywords).toEqual(['a', 'b']);
    expect(where.map((w) => w.slice(0, 2))).toEqual([
      ['INVISIBLE_CHARACTER', '3:16'],
      ['INVISIBLE_CHARACTER', '4:15'],
    ]);
  });

  it("counts columns from where the page text starts on its first line (an export's <text> tag)", () => {
    const findings = new Findings();
    readWikitext(
      {
        text: '\u202e{{Project|status=Lopend}}',
        file: 'e.xml',
        firstLine: 9,
        firstColumn: 40,
        title: { text: 'T', line: 8 },
      },
      config,
      findings,
    );
    expect(findings.items.map((f) => [f.location.line, f.location.column, f.page])).toEqual([[9, 40, 'T']]);
  });
});

describe('wikitext markup that is not running text', () => {
  it('a comment or <includeonly> text shows nothing, not even a space; a comment after a heading or template name is fine', () => {
    const { description, where } = withBody(
      'Tekst<!-- weg -->. En<includeonly>alleen bij insluiten</includeonly>.\n<!-- een regel -->\n\nMeer.',
      '<!-- c -->',
    );
    expect(description).toBe('Tekst. En.\n\nMeer.');
    expect(where).toEqual([]);
    const findings = new Findings();
    const page = readWikitext(
      {
        text: '{{DISPLAYTITLE:K (synthetic)}}\n{{Project<!-- x -->|status=Lopend}}\n== Toelichting == <!-- x -->\nTekst.\n',
        file: 'p.wiki',
        firstLine: 1,
      },
      config,
      findings,
    );
    expect(page && pageToDraft(page, config, findings)?.record.description).toBe('Tekst.');
    expect(findings.items).toEqual([]);
  });

  it('a soft hyphen shows nothing: "Toel&shy;ichting" is the heading Toelichting and a word keeps no hidden hyphen', () => {
    const findings = new Findings();
    const page = readWikitext(
      {
        text: '{{DISPLAYTITLE:S (synthetic)}}\n{{Project|status=Lopend}}\n== Toel&shy;ichting ==\nont\u00adwikkeling\n',
        file: 'p.wiki',
        firstLine: 1,
      },
      config,
      findings,
    );
    expect(page && pageToDraft(page, config, findings)?.record.description).toBe('ontwikkeling');
    expect(findings.items).toEqual([]);
  });

  it('a horizontal rule shows no text; a table and a gallery are reported once over their lines, not read as text', () => {
    const { description, where } = withBody(
      'Voor.\n----\n{| class="wikitable"\n|-\n| a || b\n|}\n<gallery>\nFile:x.png|Bijschrift\n</gallery>\nNa.',
    );
    expect(description).toBe('Voor.\n\nNa.');
    expect(where).toEqual([
      ['UNMAPPED_LINE', '8:1', 'Tekens (synthetic)', 'a table (lines 8–11) is not imported'],
      ['UNMAPPED_LINE', '12:1', 'Tekens (synthetic)', 'a gallery (lines 12–14) is not imported'],
    ]);
  });
});

describe('the characters the importer removes', () => {
  it('include every character the record schema refuses, so a cleaned page never gives a record the build refuses', () => {
    const refusedButKept: string[] = [];
    // Every BMP character (where all control and format characters are) and the start and end of each other plane.
    const astral = Array.from({ length: 16 }, (_, i) => (i + 1) * 0x10000).flatMap((p) => [
      p,
      p + 1,
      p + 0xfffd,
      p + 0xfffe,
      p + 0xffff,
    ]);
    for (const c of [...Array.from({ length: 0x10000 }, (_, i) => i), ...astral]) {
      if (isInvisibleControl(c) || (c >= 0xd800 && c <= 0xdfff)) continue;
      if (!langText.safeParse(`a${String.fromCodePoint(c)}b`).success) refusedButKept.push(c.toString(16));
    }
    expect(refusedButKept).toEqual([]);
  });
});
