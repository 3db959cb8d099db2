// Reconciliation: organisations shared by pages, records already in data/, aliases, configured types and id clashes.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { importPages } from '../../src/import/run-import.ts';
import { DATA } from '../support/project.ts';
import { REAL_PAGE, emptyWorkspace, records, snapshot } from './helpers.ts';

function page(title: string, participants: string, extra = ''): string {
  return `${title}\n\nKernwoorden wonen\nBetrokken partijen ${participants}\nStartjaar 2012\nStatus Lopend\n${extra}\nAanleiding\n\nEen synthetische pagina.\n`;
}

async function importInto(
  ws: string,
  pages: Record<string, string>,
  options: { configFiles?: string[]; force?: boolean } = {},
) {
  const dir = path.join(ws, `pages-${Object.keys(pages).join('-')}`);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(pages)) await writeFile(path.join(dir, name), text);
  return importPages({ inputs: [dir], dataDir: path.join(ws, 'data'), ...options });
}

describe('reconciliation', () => {
  it('gives organisations named on several pages one record each, whatever their spelling, and keeps aliases', async () => {
    const ws = await emptyWorkspace();
    const r = await importInto(ws, {
      'a.txt': page('Eerste project (synthetic)', 'Radboud Universiteit, Platform31, Adviesbureau  Noord'),
      'b.txt': page(
        'Tweede project (synthetic)',
        'radboud universiteit, PLATFORM31, Adviesbureau\u00a0Noord, Radboud Universiteit Nijmegen',
      ),
      'c.txt': page('Derde project (synthetic)', 'Radboud Universiteit Nijmegen; Adviesbureau Noord'),
    });
    expect(r.findings.items).toEqual([]);
    const recs = await records(path.join(ws, 'data'));
    const orgs = [...recs].filter(([f]) => f.startsWith('organisations/')).map(([, v]) => v);
    expect(orgs).toEqual([
      { id: 'adviesbureau-noord', name: 'Adviesbureau Noord', type: 'organisation' },
      { id: 'platform31', name: 'Platform31', type: 'knowledge-institute' },
      {
        id: 'radboud-universiteit',
        name: 'Radboud Universiteit',
        alternateNames: ['Radboud Universiteit Nijmegen'],
        type: 'university',
      },
    ]);
    // The second page names Radboud twice (as itself and by its alias): one participant.
    expect((recs.get('projects/tweede-project-synthetic.yaml') as { participants: string[] }).participants).toEqual([
      'radboud-universiteit',
      'platform31',
      'adviesbureau-noord',
    ]);
    expect(r.actions.filter((a) => a.status === 'create').length).toBe(6);
  });

  it('matches organisations and programmes already in data/ by name, alias or id, and never duplicates them', async () => {
    const ws = await emptyWorkspace();
    await cp(path.join(DATA, 'organisations'), path.join(ws, 'data', 'organisations'), { recursive: true });
    await cp(path.join(DATA, 'programmes'), path.join(ws, 'data', 'programmes'), { recursive: true });
    await writeFile(
      path.join(ws, 'data', 'organisations', 'nijmegen.yaml'),
      'id: nijmegen\nname: Nijmegen\nalternateNames:\n  - Gemeente Nijmegen\ntype: municipality\n',
    );
    const before = await snapshot(path.join(ws, 'data'));
    const r = await importInto(ws, {
      'a.txt': page(
        'Vierde project (synthetic)',
        'Gemeente Nijmegen, NIROV, Kei',
        'Onderdeel van het VerDuS-programma Kennis voor krachtige steden',
      ),
    });
    expect(r.findings.items).toEqual([]);
    const after = await snapshot(path.join(ws, 'data'));
    const added = [...after.keys()].filter((f) => !before.has(f));
    expect(added).toEqual(['projects/', 'projects/vierde-project-synthetic.yaml']);
    for (const [f, text] of before) expect(after.get(f), f).toBe(text);
    const project = (await records(path.join(ws, 'data'))).get('projects/vierde-project-synthetic.yaml') as Record<
      string,
      unknown
    >;
    expect(project.participants).toEqual(['nijmegen', 'nirov', 'kei']);
    expect(project.programme).toBe('kennis-voor-krachtige-steden');
  });

  it('re-importing the real page over the hand-made data keeps every hand-made record', async () => {
    const ws = await emptyWorkspace();
    await cp(DATA, path.join(ws, 'data'), { recursive: true });
    const before = await snapshot(path.join(ws, 'data'));
    const r = await importPages({ inputs: [REAL_PAGE], dataDir: path.join(ws, 'data') });
    const count = (s: string) => r.actions.filter((a) => a.status === s).length;
    // The hand-made project may lack the subtitle's footnote number (the only field the page states that it can
    // lack); if so, that is reported and the record kept, not written.
    const hand = parse(
      await readFile(path.join(DATA, 'projects', 'cluster-governance-kks-2015.yaml'), 'utf8'),
    ) as Record<string, unknown>;
    const lacksFootnote = hand.alternateNameFootnote === undefined;
    expect([count('create'), count('update'), count('unchanged'), count('kept')]).toEqual([
      0,
      0,
      lacksFootnote ? 12 : 13,
      lacksFootnote ? 1 : 0,
    ]);
    expect(r.findings.items.map((p) => [p.code, p.message.replace(/^.*differs/, 'differs')])).toEqual(
      lacksFootnote
        ? [
            [
              'HAND_EDITED',
              'differs from the page in alternateNameFootnote; kept as it is (run with --force to overwrite these fields and see the changes)',
            ],
          ]
        : [],
    );
    expect(await snapshot(path.join(ws, 'data'))).toEqual(before);
  });

  it('gives a new organisation whose id another kind of record has a unique id, and says so', async () => {
    const ws = await emptyWorkspace();
    const r = await importInto(ws, {
      'a.txt': page(
        'Vijfde project (synthetic)',
        'VerDuS',
        'Onderdeel van het VerDuS-programma Kennis voor Krachtige Steden',
      ),
    });
    const recs = await records(path.join(ws, 'data'));
    expect(recs.get('programmes/verdus.yaml')).toEqual({ id: 'verdus', name: 'VerDuS' });
    expect(recs.get('organisations/verdus-2.yaml')).toEqual({ id: 'verdus-2', name: 'VerDuS', type: 'organisation' });
    expect(r.findings.items.map((p) => p.code)).toEqual(['ID_CLASH']);
  });

  it('learns labels, status words and organisation types from an extra label set, without code', async () => {
    const ws = await emptyWorkspace();
    const extra = path.join(ws, 'labels.yaml');
    await writeFile(
      extra,
      'infobox:\n  labels:\n    participants: [deelnemers]\nstatus:\n  in uitvoering: ongoing\norganisations:\n  company:\n    - { name: Adviesbureau Noord, aliases: [ABN] }\n',
    );
    const text =
      'Zesde project (synthetic)\n\nKernwoorden wonen\nDeelnemers ABN, Adviesbureau Noord\nStatus In uitvoering\n';
    const without = await importInto(await emptyWorkspace(), { 'a.txt': text });
    expect(without.findings.items.map((p) => [p.code, p.location.line])).toEqual([
      ['UNKNOWN_LABEL', 4],
      ['BAD_VALUE', 5],
    ]);
    const r = await importInto(ws, { 'a.txt': text }, { configFiles: [extra] });
    expect(r.findings.items).toEqual([]);
    const recs = await records(path.join(ws, 'data'));
    expect(recs.get('organisations/adviesbureau-noord.yaml')).toEqual({
      id: 'adviesbureau-noord',
      name: 'Adviesbureau Noord',
      alternateNames: ['ABN'],
      type: 'company',
    });
    expect((recs.get('projects/zesde-project-synthetic.yaml') as Record<string, unknown>).status).toBe('ongoing');
  });

  it('reads pages with CRLF line ends, non-breaking spaces and other letter case the same', async () => {
    const real = await readFile(REAL_PAGE, 'utf8');
    const messy = real
      .replace('Betrokken partijen', 'betrokken\u00a0 PARTIJEN')
      .replace('Status Afgerond', 'STATUS\u00a0 afgerond ')
      .replace('Startjaar 2008 - 2015', 'Startjaar  2008–2015')
      .replace('Kernwoorden clusters', 'Kernwoorden:\tclusters')
      .replace('\nToelichting\n', '\ntoelichting\n')
      .replace(/\n/g, '\r\n');
    const a = await emptyWorkspace();
    const b = await emptyWorkspace();
    await importPages({ inputs: [REAL_PAGE], dataDir: path.join(a, 'data') });
    const r = await importInto(b, { 'cluster-governance-kks-2015.txt': messy });
    expect(r.findings.items).toEqual([]);
    expect(await records(path.join(b, 'data'))).toEqual(await records(path.join(a, 'data')));
  });

  it('a page read twice gives one record; two different pages of one title are an error', async () => {
    const ws = await emptyWorkspace();
    const real = await readFile(REAL_PAGE, 'utf8');
    const same = await importInto(ws, { 'a.txt': real, 'b.txt': real });
    expect(same.findings.items.map((p) => [p.code, p.severity])).toEqual([['DUPLICATE_PAGE', 'warning']]);
    const different = await importInto(await emptyWorkspace(), {
      'a.txt': real,
      'b.txt': real.replace('Status Afgerond', 'Status Lopend'),
    });
    expect(different.findings.items.map((p) => [p.code, p.severity])).toEqual([['DUPLICATE_PAGE', 'error']]);
  });
});
