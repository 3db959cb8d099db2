// The wikitext reader: footnote numbering, <ref>s, links, comments and CRLF, template parameters with nested markup.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ImportConfig } from '../../src/import/config.ts';
import { pageToDraft } from '../../src/import/page-to-record.ts';
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
      { id: 'eerste-rapport', kind: 'report', title: 'Eerste rapport', url: 'https://wiki.example/r1.pdf', footnote: 2 },
      { id: 'tweede-stuk', kind: 'presentation', title: 'Tweede stuk', url: 'https://wiki.example/p2', footnote: 3 },
      { id: 'derde-stuk', kind: 'article', title: 'Derde stuk', url: 'https://wiki.example/d3', footnote: 4 },
    ]);
    // The comment kept its lines, so the unknown parameter is reported at its true line; a <ref>'s own text is reported too.
    expect(findings).toEqual([
      ['UNKNOWN_LABEL', 6, 'template {{lang}} inside "kernwoorden" is not imported'],
      ['UNKNOWN_LABEL', 8, 'unknown label "onbekend": not imported (add it to the label set to map it)'],
      ['UNMAPPED_LINE', 11, 'the text of footnote [2] is not imported (only its link is): "Het rapport, Platform31 2014"'],
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
    const { findings, draft } = read('{{DISPLAYTITLE:Beeld (synthetic)}}\n{{Project|status=Lopend}}\n== Toelichting ==\n[[Bestand:Kaart.png|thumb]]\nTekst.\n\n[[File:Foto.jpg]]\n');
    expect(findings).toEqual([
      ['UNMAPPED_LINE', 4, '"[[Bestand:Kaart.png|thumb]]" (an image or file) is not imported'],
      ['UNMAPPED_LINE', 7, 'nothing to import in "[[File:Foto.jpg]]"'],
    ]);
    expect(draft?.record.description).toBe('Tekst.');
  });
});
