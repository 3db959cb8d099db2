// End-to-end: the real `projectgraph import` on the real page and on wikitext/Special:Export copies of it, then `build`.
import { copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import { parse, stringify } from 'yaml';
import { DATA, parseTurtleFile, runCli, withoutProgress, type CliResult } from '../support/project.ts';
import { EXPORT, REAL_PAGE, REAL_WIKITEXT, emptyWorkspace, records, snapshot } from './helpers.ts';

const PROJECT = 'projects/cluster-governance-kks-2015.yaml';

/**
 * What the comparison with the hand-made records leaves out, and why:
 * - `about` of the hand-made project (the three clusters): only the running text names them, the page
 *   states no such field, so no importer can know them;
 * - `source` of both records (provenance): how a record names its wiki page is provenance, not content.
 * Everything else — the project, its publications and events, the programmes, all ten organisations
 * with their types — must come out the same.
 */
const LEFT_OUT_OF_HAND_PROJECT = ['about', 'source'];
const LEFT_OUT_OF_IMPORTED_PROJECT = ['source'];

async function withoutFields(file: string, fields: string[]): Promise<void> {
  const record = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  for (const f of fields) delete record[f];
  await writeFile(file, stringify(record));
}

describe('importing the real page', () => {
  let imported: string;
  let wiki: string;
  let xml: string;
  let first: CliResult;
  let fromWikitext: CliResult;
  let fromExport: CliResult;
  let dry: string;
  let dryBefore: Map<string, string>;
  let dryRun: CliResult;
  beforeAll(async () => {
    // The independent CLI runs start together; each test below reads its result.
    [imported, wiki, xml, dry] = await Promise.all([
      emptyWorkspace(),
      emptyWorkspace(),
      emptyWorkspace(),
      emptyWorkspace(),
    ]);
    dryBefore = await snapshot(dry);
    [first, fromWikitext, fromExport, dryRun] = await Promise.all([
      runCli(['import', REAL_PAGE], imported),
      runCli(['import', REAL_WIKITEXT], wiki),
      runCli(['import', EXPORT], xml),
      runCli(['import', '--dry-run', REAL_PAGE], dry),
    ]);
  });

  it('creates the project, two programmes and ten organisations, with a summary line and no warnings', async () => {
    expect(withoutProgress(first.stderr)).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^imported: 1 page read \(1 project\); records: 13 created, 0 updated, 0 unchanged, 0 kept as edited; 0 warnings$/m,
    );
    const recs = await records(path.join(imported, 'data'));
    expect([...recs.keys()].sort()).toEqual(
      [
        PROJECT,
        'programmes/kennis-voor-krachtige-steden.yaml',
        'programmes/verdus.yaml',
        ...[
          'enschede',
          'hengelo',
          'kei',
          'leeuwarden',
          'nicis-institute',
          'nijmegen',
          'nirov',
          'platform31',
          'radboud-universiteit',
          'sev',
        ].map((o) => `organisations/${o}.yaml`),
      ].sort(),
    );
    const project = recs.get(PROJECT) as Record<string, unknown>;
    expect(project.source).toEqual({ title: 'Cluster Governance (KKS 2015) — Netwerk Wiki' });
    expect(project.alternateNameFootnote).toBe(1);
  });

  it('builds to a graph isomorphic to the one built from the hand-made records (minus about and source)', async () => {
    const hand = await emptyWorkspace();
    const handProject = parse(await readFile(path.join(DATA, PROJECT), 'utf8')) as {
      programme: string;
      participants: string[];
    };
    const handFiles = [
      PROJECT,
      `programmes/${handProject.programme}.yaml`,
      'programmes/verdus.yaml',
      ...handProject.participants.map((id) => `organisations/${id}.yaml`),
    ];
    for (const f of handFiles) {
      await mkdir(path.dirname(path.join(hand, 'data', f)), { recursive: true });
      await copyFile(path.join(DATA, f), path.join(hand, 'data', f));
    }
    await withoutFields(path.join(hand, 'data', PROJECT), LEFT_OUT_OF_HAND_PROJECT);
    // The import made exactly the records the hand-made project needs, no more.
    expect([...(await records(path.join(imported, 'data'))).keys()].sort()).toEqual([...handFiles].sort());

    const compared = await emptyWorkspace();
    for (const [f] of await records(path.join(imported, 'data'))) {
      await mkdir(path.dirname(path.join(compared, 'data', f)), { recursive: true });
      await copyFile(path.join(imported, 'data', f), path.join(compared, 'data', f));
    }
    await withoutFields(path.join(compared, 'data', PROJECT), LEFT_OUT_OF_IMPORTED_PROJECT);

    const [a, b] = await Promise.all([runCli(['build'], hand), runCli(['build'], compared)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const handGraph = await parseTurtleFile(path.join(hand, 'output/dataset.nt'), 'application/n-triples');
    const importedGraph = await parseTurtleFile(path.join(compared, 'output/dataset.nt'), 'application/n-triples');
    expect(importedGraph.length).toBe(handGraph.length);
    expect(isomorphic(importedGraph, handGraph)).toBe(true);
  });

  it('imports the same page as wikitext and inside a Special:Export file to byte-identical records, which build', async () => {
    expect(withoutProgress(fromWikitext.stderr)).toBe('');
    expect(withoutProgress(fromExport.stderr)).toBe('');
    expect(fromExport.stdout).toMatch(/imported: 3 pages read \(3 projects\)/);
    const fromText = await snapshot(path.join(imported, 'data'));
    const fromWiki = await snapshot(path.join(wiki, 'data'));
    const fromXml = await snapshot(path.join(xml, 'data'));
    expect(fromWiki).toEqual(fromText);
    for (const [file, text] of fromText) expect(fromXml.get(file), file).toBe(text);
    // The two synthetic pages add their own project, one programme and one organisation they share.
    const extra = [...fromXml.keys()].filter((f) => !fromText.has(f)).sort();
    expect(extra).toEqual([
      'organisations/synthetisch-adviesbureau.yaml',
      'programmes/synthetische-steden.yaml',
      'projects/synthetische-steden-pilot-synthetic.yaml',
      'projects/wijkaanpak-testdorp-synthetic.yaml',
    ]);
    // Built as imported, source and all.
    const b = await runCli(['build'], xml);
    expect(b.code, b.stderr).toBe(0);
  });

  it('takes the links behind bare [url] footnotes and labelled links as publication links (synthetic page)', async () => {
    const p = parse(
      await readFile(path.join(xml, 'data/projects/wijkaanpak-testdorp-synthetic.yaml'), 'utf8'),
    ) as Record<string, unknown>;
    expect(p.alternateNameFootnote).toBe(1);
    expect(p.alternateNameUrl).toBe('https://wiki.example/bron/ondertitel-testdorp');
    expect(p.publications).toEqual([
      {
        id: 'wijken-in-beeld',
        title: 'Wijken in beeld',
        kind: 'report',
        url: 'https://wiki.example/bron/wijken-in-beeld',
        footnote: 2,
      },
      {
        id: 'lessons-from-urban-policy-research-for-the-new-cities',
        title: { en: 'Lessons from urban policy research for the new cities' },
        kind: 'presentation',
        url: 'https://wiki.example/bron/slides',
        event: { place: 'Utrecht', date: '2017-03-03' },
      },
    ]);
    expect(p.status).toBe('ongoing');
    expect([p.startYear, p.endYear]).toEqual([2016, 2019]);
    const q = parse(
      await readFile(path.join(xml, 'data/projects/synthetische-steden-pilot-synthetic.yaml'), 'utf8'),
    ) as Record<string, unknown>;
    expect([q.status, q.startYear, q.endYear, q.programme]).toEqual([
      'planned',
      2020,
      undefined,
      'synthetische-steden',
    ]);
    expect(parse(await readFile(path.join(xml, 'data/programmes/synthetische-steden.yaml'), 'utf8'))).toEqual({
      id: 'synthetische-steden',
      name: 'Synthetische Steden',
      partOf: 'verdus',
    });
  });

  describe('into data that already has the records', () => {
    it('--dry-run writes nothing and says what it would do', async () => {
      expect(dryRun.code).toBe(0);
      expect(dryRun.stdout).toMatch(/^would create data\/projects\/cluster-governance-kks-2015\.yaml$/m);
      expect(dryRun.stdout).toMatch(
        /dry run, nothing was written: 1 page read \(1 project\); records: 13 to create, 0 to update/,
      );
      expect(await snapshot(dry)).toEqual(dryBefore);
    });

    it('keeps a hand-edited record without --force, and with --force shows the change and writes it', async () => {
      const ws = await emptyWorkspace();
      await cp(path.join(imported, 'data'), path.join(ws, 'data'), { recursive: true });
      const file = path.join(ws, 'data', PROJECT);
      const edited = (await readFile(file, 'utf8'))
        .replace('status: completed', 'status: ongoing')
        .replace('startYear: 2008', 'startYear: 2009');
      await writeFile(
        file,
        `${edited}about:\n  - id: health-valley\n    name: Health Valley\n    location: Nijmegen\n`,
      );
      const handEdited = await readFile(file, 'utf8');

      const kept = await runCli(['import', REAL_PAGE], ws);
      expect(kept.code).toBe(0);
      expect(kept.stderr).toMatch(
        /^warning: .*cluster-governance-kks-2015\.txt:1:1: page "Cluster Governance \(KKS 2015\)": data\/projects\/cluster-governance-kks-2015\.yaml differs from the page in startYear, status; kept as it is/m,
      );
      expect(kept.stdout).toMatch(/records: 0 created, 0 updated, 12 unchanged, 1 kept as edited; 1 warning$/m);
      expect(await readFile(file, 'utf8')).toBe(handEdited);

      const forced = await runCli(['import', '--force', REAL_PAGE], ws);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(/^-startYear: 2009$/m);
      expect(forced.stdout).toMatch(/^\+startYear: 2008$/m);
      expect(forced.stdout).toMatch(/^-status: ongoing$/m);
      expect(forced.stdout).toMatch(/^\+status: completed$/m);
      expect(forced.stdout).toMatch(/records: 0 created, 1 updated, 12 unchanged, 0 kept as edited; 0 warnings/);
      const after = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(after.status).toBe('completed');
      expect(after.startYear).toBe(2008);
      // A field the page does not state survives --force.
      expect(after.about).toEqual([{ id: 'health-valley', name: 'Health Valley', location: 'Nijmegen' }]);
    });
  });
});

describe('importing pages with stray characters and character references (real CLI runs)', () => {
  it('a U+202E is removed and reported at its line and column, references are decoded, and the records build', {
    timeout: 120_000,
  }, async () => {
    const ws = await emptyWorkspace();
    const page = (await readFile(REAL_WIKITEXT, 'utf8'))
      .replace(
        'Clusteren wordt',
        'Co&ouml;rdinatie, ge&iuml;nteresseerd&hellip; &euro; 5 en &amp;ouml;. Clus\u202eteren wordt',
      )
      .replace('| kernwoorden        = clusters,', '| kernwoorden        = clusters\u0007,');
    await writeFile(path.join(ws, 'page.wiki'), page);
    const imported = await runCli(['import', 'page.wiki'], ws);
    expect(imported.code, imported.stderr).toBe(0);
    expect(withoutProgress(imported.stderr)).toBe(
      [
        'warning: page.wiki:5:32: page "Cluster Governance (KKS 2015)": removed an invisible control character: U+0007 at column 32',
        'warning: page.wiki:14:75: page "Cluster Governance (KKS 2015)": removed an invisible control character: U+202E at column 75',
        '',
      ].join('\n'),
    );
    expect(imported.stdout).toMatch(/records: 13 created, .*; 2 warnings$/m);
    const p = parse(await readFile(path.join(ws, 'data', PROJECT), 'utf8')) as Record<string, unknown>;
    expect(String(p.background)).toMatch(/^Coördinatie, geïnteresseerd… € 5 en &ouml;\. Clusteren wordt als/u);
    expect((p.keywords as string[])[0]).toBe('clusters');
    const built = await runCli(['build'], ws);
    expect(built.code, built.stderr).toBe(0);
  });
});
