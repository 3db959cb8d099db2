// Malformed pages: each gives a located warning or error (file, line, page), never a crash, and errors write nothing to data/.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importPages } from '../../src/import/run-import.ts';
import type { ImportProblem } from '../../src/import/problems.ts';
import { runCli } from '../support/project.ts';
import { REAL_PAGE, emptyWorkspace, records, snapshot } from './helpers.ts';

let realPage: string;
beforeAll(async () => {
  realPage = await readFile(REAL_PAGE, 'utf8');
});

/** Writes `files` into a fresh workspace and imports them all; returns what was found and whether data/ changed. */
async function importFiles(files: Record<string, string | Buffer>) {
  const ws = await emptyWorkspace();
  const pages = path.join(ws, 'pages');
  await mkdir(pages);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(pages, name), content);
  const before = await snapshot(path.join(ws, 'data'));
  const result = await importPages({ inputs: [pages], dataDir: path.join(ws, 'data') });
  const after = await snapshot(path.join(ws, 'data'));
  return { ...result, unchanged: JSON.stringify([...after]) === JSON.stringify([...before]), ws, pages };
}

function found(items: ImportProblem[], code: string) {
  return items
    .filter((p) => p.code === code)
    .map((p) => ({ severity: p.severity, file: path.basename(p.location.file), line: p.location.line, page: p.page }));
}

/** The real page with `line` inserted after line `after` (1-based). */
function realWith(after: number, line: string): string {
  const lines = realPage.split('\n');
  lines.splice(after, 0, line);
  return lines.join('\n');
}

describe('malformed pages', () => {
  it('no title: the first line is an infobox label', async () => {
    const r = await importFiles({ 'a.txt': 'Kernwoorden clusters\nStatus Afgerond\n' });
    expect(found(r.findings.items, 'NO_TITLE')).toEqual([
      { severity: 'error', file: 'a.txt', line: 1, page: undefined },
    ]);
    expect(r.unchanged).toBe(true);
  });

  it('a title that starts like a label is still the title when the wiki chrome follows it', async () => {
    const r = await importFiles({
      'a.txt': realPage.replace('Cluster Governance (KKS 2015)', 'Status quo van de stad (synthetic)'),
    });
    expect(r.findings.items).toEqual([]);
    expect([...(await records(path.join(r.ws, 'data'))).keys()]).toContain(
      'projects/status-quo-van-de-stad-synthetic.yaml',
    );
  });

  it('no title: the page starts with the wiki chrome after blank lines', async () => {
    const r = await importFiles({ 'a.txt': '\n\nUit Netwerk Wiki | Zicht op het netwerk\nStatus Afgerond\n' });
    expect(found(r.findings.items, 'NO_TITLE')).toEqual([
      { severity: 'error', file: 'a.txt', line: 3, page: undefined },
    ]);
  });

  it('no title: wikitext without DISPLAYTITLE or a titel parameter, and an export page with an empty <title>', async () => {
    const xml =
      '<mediawiki>\n<page>\n<title></title>\n<ns>0</ns><revision><text>{{Project|status=Lopend}}</text></revision>\n</page>\n</mediawiki>\n';
    const r = await importFiles({ 'a.wiki': '{{Project\n|status=Lopend\n}}\n', 'b.xml': xml });
    expect(found(r.findings.items, 'NO_TITLE')).toEqual([
      { severity: 'error', file: 'a.wiki', line: 1, page: undefined },
      { severity: 'error', file: 'b.xml', line: 2, page: undefined },
    ]);
    expect(r.unchanged).toBe(true);
  });

  it('unknown labels are reported at their line and the rest of the page is imported', async () => {
    const r = await importFiles({
      'a.txt': realWith(10, 'Projectleider Jan Jansen'),
      'b.wiki': '{{DISPLAYTITLE:Testpagina (synthetic)}}\n{{Project\n|status=Lopend\n|projectleider=Jan\n}}\n',
    });
    expect(found(r.findings.items, 'UNKNOWN_LABEL')).toEqual([
      { severity: 'warning', file: 'a.txt', line: 11, page: 'Cluster Governance (KKS 2015)' },
      { severity: 'warning', file: 'b.wiki', line: 4, page: 'Testpagina (synthetic)' },
    ]);
    expect(r.findings.items.find((p) => p.code === 'UNKNOWN_LABEL')?.message).toContain('Projectleider Jan Jansen');
    expect(r.findings.errors).toEqual([]);
    expect(r.unchanged).toBe(false);
  });

  it('unbalanced template braces: a "{{" never closed, and a stray "}}", at their lines (also inside an export)', async () => {
    const xml = `<mediawiki>\n<page>\n<title>Kapot (synthetic)</title><ns>0</ns>\n<revision>\n<text>tekst\n{{Project\n|status=Lopend\n</text>\n</revision>\n</page>\n</mediawiki>\n`;
    const r = await importFiles({
      'a.wiki': '{{DISPLAYTITLE:Open (synthetic)}}\n{{Project\n|status=Lopend\n\n== Aanleiding ==\nTekst.\n',
      'b.wiki': '{{DISPLAYTITLE:Dicht (synthetic)}}\n{{Project|status=Lopend}}\n}}\n',
      'c.xml': xml,
    });
    expect(found(r.findings.items, 'TEMPLATE_BRACES')).toEqual([
      { severity: 'error', file: 'a.wiki', line: 2, page: undefined },
      { severity: 'error', file: 'b.wiki', line: 3, page: undefined },
      { severity: 'error', file: 'c.xml', line: 6, page: 'Kapot (synthetic)' },
    ]);
    expect(r.unchanged).toBe(true);
  });

  it('an inverted year range is reported and no years are imported', async () => {
    const page = realPage.replace('Startjaar 2008 - 2015', 'Startjaar 2015 - 2008');
    const r = await importFiles({ 'a.txt': page });
    expect(found(r.findings.items, 'BAD_VALUE')).toEqual([
      { severity: 'warning', file: 'a.txt', line: 9, page: 'Cluster Governance (KKS 2015)' },
    ]);
    const project = (await records(path.join(r.ws, 'data'))).get('projects/cluster-governance-kks-2015.yaml') as Record<
      string,
      unknown
    >;
    expect(project.startYear).toBeUndefined();
    expect(project.endYear).toBeUndefined();
  });

  it('an empty file and a file of white space', async () => {
    const r = await importFiles({ 'a.txt': '', 'b.txt': ' \n\t\n', 'c.xml': '' });
    expect(found(r.findings.items, 'EMPTY_FILE')).toEqual([
      { severity: 'error', file: 'a.txt', line: 1, page: undefined },
      { severity: 'error', file: 'b.txt', line: 1, page: undefined },
      { severity: 'error', file: 'c.xml', line: 1, page: undefined },
    ]);
    expect(r.unchanged).toBe(true);
  });

  it('binary files: NUL bytes, and bytes that are not UTF-8, located at their line', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    const latin1 = Buffer.from('Titel\n\nCr\xe9atie van clusters\n', 'latin1');
    const r = await importFiles({
      'a.txt': png,
      'b.txt': latin1,
      'c.xml': Buffer.concat([
        Buffer.from('<mediawiki>\n<page><title>'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('</title></page></mediawiki>'),
      ]),
    });
    expect(found(r.findings.items, 'BINARY_FILE')).toEqual([
      { severity: 'error', file: 'a.txt', line: 3, page: undefined },
      { severity: 'error', file: 'b.txt', line: 3, page: undefined },
      { severity: 'error', file: 'c.xml', line: 2, page: undefined },
    ]);
    expect(r.unchanged).toBe(true);
  });

  it('a 50 MB page file and a 50 MB export page are refused with a location, in bounded time', async () => {
    const ws = await emptyWorkspace();
    const big = Buffer.alloc(50 * 1024 * 1024, 'Tekst van een enorme pagina.\n');
    await writeFile(path.join(ws, 'big.txt'), big);
    const xmlHead = '<mediawiki>\n<page>\n<title>Groot (synthetic)</title>\n<ns>0</ns>\n<revision>\n<text>';
    await writeFile(
      path.join(ws, 'big.xml'),
      Buffer.concat([Buffer.from(xmlHead), big, Buffer.from('</text></revision></page>\n</mediawiki>\n')]),
    );
    const started = performance.now();
    const r = await importPages({
      inputs: [path.join(ws, 'big.txt'), path.join(ws, 'big.xml')],
      dataDir: path.join(ws, 'data'),
    });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(found(r.findings.items, 'FILE_TOO_LARGE')).toEqual([
      { severity: 'error', file: 'big.txt', line: 1, page: undefined },
      { severity: 'error', file: 'big.xml', line: 6, page: 'Groot (synthetic)' },
    ]);
    expect(await records(path.join(ws, 'data'))).toEqual(new Map());
    await rm(ws, { recursive: true, force: true });
  });

  it('XML that is not well-formed, and XML that is not an export', async () => {
    const r = await importFiles({
      'a.xml': '<mediawiki>\n<page>\n<title>X</titel>\n</page>\n</mediawiki>\n',
      'b.xml': '<rss>\n</rss>\n',
    });
    expect(found(r.findings.items, 'XML_SYNTAX')).toEqual([
      { severity: 'error', file: 'a.xml', line: 3, page: undefined },
    ]);
    expect(found(r.findings.items, 'NOT_A_PAGE')).toEqual([
      { severity: 'error', file: 'b.xml', line: 1, page: undefined },
    ]);
  });

  it('a page without Status, or with an unknown status word, is an error at the page or the line', async () => {
    const r = await importFiles({
      'a.txt': realPage.replace('Status Afgerond\n', ''),
      'b.txt': realPage.replace('Status Afgerond', 'Status Misschien'),
    });
    expect(found(r.findings.items, 'MISSING_FIELD')).toEqual([
      { severity: 'error', file: 'a.txt', line: 1, page: 'Cluster Governance (KKS 2015)' },
    ]);
    expect(found(r.findings.items, 'BAD_VALUE')).toEqual([
      { severity: 'error', file: 'b.txt', line: 10, page: 'Cluster Governance (KKS 2015)' },
    ]);
    expect(r.unchanged).toBe(true);
  });

  it('one bad page among good ones: nothing is written at all', async () => {
    const r = await importFiles({ 'good.txt': realPage, 'bad.wiki': '{{Project\n|status=Lopend\n' });
    expect(r.findings.errors.length).toBeGreaterThan(0);
    expect(r.unchanged).toBe(true);
  });

  it('a page that is not a project page (no infobox) and a non-article export page are skipped with a warning', async () => {
    const xml =
      '<mediawiki>\n<page>\n<title>Sjabloon:Project</title>\n<ns>10</ns>\n<revision><text>{{{status}}}</text></revision>\n</page>\n</mediawiki>\n';
    const r = await importFiles({ 'a.txt': 'Hoofdpagina\n\nWelkom op de wiki.\n', 'b.xml': xml });
    expect(found(r.findings.items, 'NOT_A_PAGE')).toEqual([
      { severity: 'warning', file: 'a.txt', line: 1, page: 'Hoofdpagina' },
      { severity: 'warning', file: 'b.xml', line: 2, page: 'Sjabloon:Project' },
    ]);
  });

  it('text under an unknown heading and stray lines are each reported at their line', async () => {
    const page = `${realPage}\n\nContactpersonen\n\nJan Jansen, Platform31\n`;
    const lines = page.split('\n').length;
    const r = await importFiles({ 'a.txt': page });
    expect(found(r.findings.items, 'UNKNOWN_SECTION').map((f) => f.line)).toEqual([lines - 3]);
    expect(found(r.findings.items, 'UNMAPPED_LINE').map((f) => f.line)).toEqual([lines - 1]);
  });
});

describe('the CLI on malformed pages', () => {
  it('prints every problem as file:line, exits 1, and leaves data/ as it was', async () => {
    const ws = await emptyWorkspace();
    await mkdir(path.join(ws, 'pages'));
    await writeFile(path.join(ws, 'pages', 'good.txt'), realPage);
    await writeFile(path.join(ws, 'pages', 'empty.txt'), '');
    await writeFile(
      path.join(ws, 'pages', 'braces.wiki'),
      '{{DISPLAYTITLE:X (synthetic)}}\n{{Project\n|status=Lopend\n',
    );
    const before = await snapshot(ws);
    const r = await runCli(['import', 'pages'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: pages/braces.wiki:2:1: unbalanced template braces: this "{{" is never closed with "}}"\n',
    );
    expect(r.stderr).toContain('error: pages/empty.txt:1:1: the file is empty\n');
    expect(r.stdout).toMatch(
      /^import failed, nothing was written: 1 page read \(1 project\); records: 13 to create, .*; 0 warnings, 2 errors$/m,
    );
    expect(await snapshot(ws)).toEqual(before);
  });
});

/** Every located finding of one code as `file:line:column page: message`. */
function located(items: ImportProblem[], code: string) {
  return items
    .filter((p) => p.code === code)
    .map(
      (p) => `${path.basename(p.location.file)}:${p.location.line}:${p.location.column} ${p.page ?? '-'}: ${p.message}`,
    );
}

async function project(ws: string, id: string) {
  return (await records(path.join(ws, 'data'))).get(`projects/${id}.yaml`) as Record<string, unknown> | undefined;
}

const exportOf = (title: string, text: string) =>
  `<mediawiki>\n<siteinfo><sitename>Netwerk&#xA0;Wiki</sitename></siteinfo>\n<page>\n<title>${title}</title>\n<ns>0</ns>\n<revision>\n<text xml:space="preserve">${text}</text>\n</revision>\n</page>\n</mediawiki>\n`;

describe('stray characters and character references, in every kind of page file', () => {
  it('a U+202E in a page is removed and reported at its line and column; the import goes on', async () => {
    const r = await importFiles({
      'a.txt': realWith(12, 'Clusteren\u202e is een manier.').replace('\n\nToelichting', '\n\nToelichting'),
    });
    expect(r.findings.errors).toEqual([]);
    expect(located(r.findings.items, 'INVISIBLE_CHARACTER')).toEqual([
      'a.txt:13:10 Cluster Governance (KKS 2015): removed an invisible control character: U+202E at column 10',
    ]);
    expect(r.unchanged).toBe(false);
    expect(JSON.stringify(await project(r.ws, 'cluster-governance-kks-2015'))).not.toMatch(/\u202e/u);
  });

  it('an export: XML decodes its own references, then the wikitext\'s are decoded once (&amp;amp;ouml; is "&ouml;")', async () => {
    const xml = exportOf(
      'Co&#246;peratie (synthetic)',
      '{{Project\n|ondertitel=co&amp;ouml;rdinatie, &amp;amp;ouml; en &#233;&amp;hellip;\n|status=Lopend\n}}\n',
    );
    const r = await importFiles({ 'e.xml': xml });
    expect(r.findings.errors).toEqual([]);
    const p = await project(r.ws, 'cooperatie-synthetic');
    expect(p?.name).toBe('Coöperatie (synthetic)');
    expect(p?.alternateName).toBe('coördinatie, &ouml; en é…');
    expect(p?.source).toEqual({ title: 'Coöperatie (synthetic) — Netwerk Wiki' });
  });

  it('an export with characters XML refuses (U+0001, &#x1;) and a U+202E in its title still imports, each removal located', async () => {
    const xml = exportOf(
      'Stu\u202ering (synthetic)',
      '{{Project\n|ondertitel=Een\u0001 sub&#x1;titel\n|status=Lopend\n}}\n== Aanleiding ==\nTekst\u202e hier.\n',
    );
    const r = await importFiles({ 'e.xml': xml });
    expect(r.findings.errors).toEqual([]);
    expect(located(r.findings.items, 'INVISIBLE_CHARACTER')).toEqual([
      'e.xml:4:11 Sturing (synthetic): removed an invisible control character: U+202E at column 11',
      'e.xml:8:16 Sturing (synthetic): removed a character that XML does not allow: U+0001',
      'e.xml:8:21 Sturing (synthetic): removed a character that XML does not allow: the reference &#x1;',
      'e.xml:12:6 Sturing (synthetic): removed an invisible control character: U+202E at column 6',
    ]);
    const p = await project(r.ws, 'sturing-synthetic');
    expect(p?.alternateName).toBe('Een subtitel');
    expect(p?.background).toBe('Tekst hier.');
  });

  it("the column of a character on the first line of an export's text counts from the <text> tag", async () => {
    const r = await importFiles({ 'e.xml': exportOf('Kolom (synthetic)', '\u202e{{Project|status=Lopend}}') });
    // <text xml:space="preserve"> takes columns 1–27.
    expect(located(r.findings.items, 'INVISIBLE_CHARACTER')).toEqual([
      'e.xml:7:28 Kolom (synthetic): removed an invisible control character: U+202E at column 28',
    ]);
  });

  it('a rendered page: references decoded once, line by line; a byte order mark and CRLF read as nothing and LF', async () => {
    const page = realPage.replace(
      'Clusteren wordt',
      'Co&ouml;rdinatie&hellip; &euro; 5 &amp;amp; &#10;meer. Clusteren wordt',
    );
    const r = await importFiles({ 'a.txt': `\ufeff${page.replace(/\n/g, '\r\n')}` });
    const plain = await importFiles({ 'a.txt': page });
    expect(r.findings.items).toEqual(plain.findings.items);
    const p = await project(r.ws, 'cluster-governance-kks-2015');
    expect(String(p?.background)).toMatch(/^Coördinatie… € 5 &amp; meer\. Clusteren wordt/u);
    expect(p).toEqual(await project(plain.ws, 'cluster-governance-kks-2015'));
  });

  it('a wikitext file and an export with a byte order mark and CRLF give the same records as without', async () => {
    const wiki =
      '{{DISPLAYTITLE:Regels (synthetic)}}\n{{Project\n|ondertitel=Een\tsub\n|status=Lopend\n}}\n== Aanleiding ==\nTekst.\n';
    const xml = exportOf('Regels (synthetic)', wiki.replace(/^.*\n/, ''));
    const crlf = await importFiles({ 'a.wiki': `\ufeff${wiki.replace(/\n/g, '\r\n')}` });
    const lf = await importFiles({ 'a.wiki': wiki });
    const xmlCrlf = await importFiles({ 'e.xml': `\ufeff${xml.replace(/\n/g, '\r\n')}` });
    for (const r of [crlf, lf, xmlCrlf]) expect(r.findings.items).toEqual([]);
    const want = await project(lf.ws, 'regels-synthetic');
    expect(want?.alternateName).toBe('Een sub');
    expect(await project(crlf.ws, 'regels-synthetic')).toEqual(want);
    expect({ ...(await project(xmlCrlf.ws, 'regels-synthetic')), source: undefined }).toEqual({
      ...want,
      source: undefined,
    });
  });

  it('text in another normalisation form (NFD) is written in NFC and gets the same id', async () => {
    const nfd =
      '{{DISPLAYTITLE:Cre\u0301atie (synthetic)}}\n{{Project\n|ondertitel=cre\u0301e\u0308ren\n|status=Lopend\n}}\n';
    const r = await importFiles({ 'a.wiki': nfd });
    expect(r.findings.errors).toEqual([]);
    const p = await project(r.ws, 'creatie-synthetic');
    expect(p?.name).toBe('Cr\u00e9atie (synthetic)');
    expect(p?.alternateName).toBe('cr\u00e9\u00ebren');
  });
});

describe('characters XML refuses, across the chunks an export is read in', () => {
  it('a reference cut by the 1 MiB chunk boundary is still found, and lines are counted across chunks', async () => {
    const head =
      '<mediawiki>\n<page>\n<title>Groot (synthetic)</title>\n<ns>0</ns>\n<revision>\n<text>{{Project\n|status=Lopend\n}}\n== Aanleiding ==\n';
    // Lines of text up to two bytes before the boundary, so "&#x1;" starts there and is cut after "&#".
    const filler = 'Tekst van een lange pagina.\n';
    const lines = Math.floor((2 ** 20 - 2 - Buffer.byteLength(head)) / filler.length);
    const pad = 'x'.repeat(2 ** 20 - 2 - Buffer.byteLength(head) - lines * filler.length);
    const xml = `${head}${filler.repeat(lines)}${pad}&#x1;na\nen\u0002 verder.</text></revision></page>\n</mediawiki>\n`;
    expect(xml.indexOf('&#x1;')).toBe(2 ** 20 - 2);
    const r = await importFiles({ 'e.xml': xml });
    expect(r.findings.errors).toEqual([]);
    const at = 9 + lines + 1;
    expect(located(r.findings.items, 'INVISIBLE_CHARACTER')).toEqual([
      `e.xml:${at}:${pad.length + 1} Groot (synthetic): removed a character that XML does not allow: the reference &#x1;`,
      `e.xml:${at + 1}:3 Groot (synthetic): removed a character that XML does not allow: U+0002`,
    ]);
  });
});
