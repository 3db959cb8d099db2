// Property: whatever lines are added to a real page, each one ends up in the record or in a finding at its line — never lost, never a crash.
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ImportConfig } from '../../src/import/config.ts';
import { pageToDraft, type ProjectDraft } from '../../src/import/page-to-record.ts';
import { Findings } from '../../src/import/problems.ts';
import { chromeSite, readRenderedPage } from '../../src/import/rendered-page.ts';
import { readWikitext } from '../../src/import/wikitext.ts';
import { REAL_PAGE, REAL_WIKITEXT } from './helpers.ts';

let config: ImportConfig;
let rendered: string[];
let wikitext: string[];
beforeAll(async () => {
  config = await loadConfig();
  rendered = (await readFile(REAL_PAGE, 'utf8')).split('\n');
  wikitext = (await readFile(REAL_WIKITEXT, 'utf8')).split('\n');
});

/** How an added line starts: labels known and unknown, bullets, kind words, headings, plain text, wiki markup. */
const RENDERED_STARTS = [
  '',
  '  • ',
  'Kernwoorden ',
  'Status ',
  'Startjaar ',
  'Projectleider ',
  'Publicatie ',
  'Verslag bijeenkomst ‘',
  'Aanleiding',
  'Onderdeel van ',
  '* ',
];
const WIKITEXT_STARTS = [
  '',
  '* ',
  '== ',
  '| status = ',
  '| trefwoorden = ',
  '| onbekend = ',
  "'''",
  '[[',
  '{{Citaat|',
  ': ',
  '[[Categorie:',
];
const ENDS = ['', ' [9]', ' (Utrecht, mei 2016)', '’', ' ==', ']]', '}}', '.'];

function check(
  lines: string[],
  inserted: { at: number; line: string }[],
  read: (text: string, findings: Findings) => unknown,
): void {
  const page = [...lines];
  const placed: { line: number; token: string }[] = [];
  // Insert from the bottom up so earlier positions stay valid; then compute each token's final line.
  for (const ins of [...inserted].sort((a, b) => b.at - a.at)) page.splice(ins.at, 0, ins.line);
  page.forEach((text, i) => {
    const token = /ZQ\d+X/.exec(text)?.[0];
    if (token) placed.push({ line: i + 1, token });
  });
  const findings = new Findings();
  const result = read(page.join('\n'), findings);
  // Ids are lower-case slugs, so a name that became an id is found case-insensitively.
  const json = JSON.stringify(result ?? null).toLowerCase();
  for (const { line, token } of placed) {
    const inRecord = json.includes(token.toLowerCase());
    const covers = (message: string) => {
      const range = /lines (\d+)–(\d+)/.exec(message);
      return range !== null && Number(range[1]) <= line && line <= Number(range[2]);
    };
    const reported = findings.items.some(
      (f) => f.location.line === line || f.message.includes(token) || covers(f.message),
    );
    // A page-level error (no title, no status) or skip (no infobox) stops the page; that finding stands for every line.
    const pageError = findings.items.some((f) => f.severity === 'error' || f.code === 'NOT_A_PAGE');
    // Lines the label set declares as the wiki's chrome (categories, "Ga naar: …") are recognised and dropped by design.
    const chrome = chromeSite(page[line - 1] ?? '', config) !== undefined;
    expect(
      inRecord || reported || pageError || chrome,
      `line ${line} ${JSON.stringify(page[line - 1])} was dropped silently`,
    ).toBe(true);
  }
  for (const f of findings.items) expect(f.location.line).toBeGreaterThanOrEqual(1);
  for (const f of findings.items) expect(f.location.line).toBeLessThanOrEqual(page.length);
}

/** What a page gives: the record and the names reconciliation turns into records of their own (not the raw page). */
function outcome(draft: ProjectDraft | undefined) {
  return (
    draft && { record: draft.record, programme: draft.programme, participants: draft.participants.map((p) => p.name) }
  );
}

function insertions(starts: string[], max: () => number) {
  return fc.array(
    fc
      .record({ at: fc.nat(), start: fc.constantFrom(...starts), end: fc.constantFrom(...ENDS), n: fc.nat(9999) })
      .map((r) => ({ at: r.at % (max() + 1), line: `${r.start}woord ZQ${r.n}X${r.end}` })),
    { minLength: 1, maxLength: 4 },
  );
}

describe('every line of a page is mapped or reported', () => {
  it('rendered pages', () => {
    fc.assert(
      fc.property(
        insertions(RENDERED_STARTS, () => rendered.length),
        (inserted) => {
          check(rendered, inserted, (text, findings) => {
            const page = readRenderedPage(text, 'page.txt', config, findings);
            return outcome(page && pageToDraft(page, config, findings));
          });
        },
      ),
      { numRuns: 150, seed: 20151 },
    );
  });

  it('wikitext pages', () => {
    fc.assert(
      fc.property(
        insertions(WIKITEXT_STARTS, () => wikitext.length),
        (inserted) => {
          check(wikitext, inserted, (text, findings) => {
            const page = readWikitext({ text, file: 'page.wiki', firstLine: 1 }, config, findings);
            return outcome(page && pageToDraft(page, config, findings));
          });
        },
      ),
      { numRuns: 150, seed: 20152 },
    );
  });
});
