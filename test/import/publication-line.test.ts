// The publication-line parser: kind words, quoted titles, Dutch dates, footnotes and the title's language.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ImportConfig } from '../../src/import/config.ts';
import { parseDutchDate, parsePublicationLine, tagLanguage } from '../../src/import/publication-line.ts';
import { parseYears } from '../../src/import/page-to-record.ts';

let config: ImportConfig;
beforeAll(async () => {
  config = await loadConfig();
});

describe('publication lines', () => {
  it('parses the three lines of the real page as the hand-made records have them', () => {
    const none = new Map<number, string>();
    expect(parsePublicationLine('Publicatie Cluster Governance. Lessen voor de praktijk [2]', config, none)).toEqual({
      kind: 'report',
      title: 'Cluster Governance. Lessen voor de praktijk',
      footnote: 2,
      notes: [],
    });
    expect(
      parsePublicationLine(
        'Verslag bijeenkomst ‘Clusters, lessen voor de praktijk’ (Eindhoven, september 2015) [3]',
        config,
        none,
      ),
    ).toEqual({
      kind: 'meeting-report',
      title: 'Clusters, lessen voor de praktijk',
      footnote: 3,
      event: { name: 'Clusters, lessen voor de praktijk', place: 'Eindhoven', date: '2015-09' },
      notes: [],
    });
    expect(
      parsePublicationLine(
        'Presentatie VerDuS congres ‘What’s next in cluster policy research: cluster governance for effective cluster policy’ (Rotterdam, juni 2014) [4]',
        config,
        none,
      ),
    ).toEqual({
      kind: 'presentation',
      title: { en: 'What’s next in cluster policy research: cluster governance for effective cluster policy' },
      footnote: 4,
      event: { name: 'VerDuS congres', place: 'Rotterdam', date: '2014-06' },
      notes: [],
    });
  });

  it('takes the footnote link as the publication URL where the source has it', () => {
    const p = parsePublicationLine(
      'Rapport "Wijken in beeld" [7]',
      config,
      new Map([[7, 'https://wiki.example/w.pdf']]),
    );
    expect(p).toMatchObject({
      kind: 'report',
      title: 'Wijken in beeld',
      footnote: 7,
      url: 'https://wiki.example/w.pdf',
    });
  });

  it('imports a line without a known kind word as a publication, with a note', () => {
    const p = parsePublicationLine('Boekje over steden', config, new Map());
    expect(p?.kind).toBe('publication');
    expect(p?.title).toBe('Boekje over steden');
    expect(p?.notes[0]).toMatch(/no known kind word/);
  });

  it('keeps a parenthesis that is not a place and date in the title', () => {
    expect(parsePublicationLine('Publicatie Eindrapport (pdf)', config, new Map())?.title).toBe('Eindrapport (pdf)');
  });

  it('notes an event name without place and date instead of dropping it', () => {
    const p = parsePublicationLine('Presentatie Slotcongres ‘Steden van morgen’', config, new Map());
    expect(p?.event).toBeUndefined();
    expect(p?.notes).toEqual(['"Slotcongres" names an event without place and date; only the title is imported']);
  });

  it('uses the first of several footnote markers and says so', () => {
    const p = parsePublicationLine('Publicatie Titel [2] [3]', config, new Map());
    expect(p?.footnote).toBe(2);
    expect(p?.notes).toEqual(['more than one footnote marker; [2] is kept']);
  });
});

describe('Dutch dates', () => {
  it.each([
    ['september 2015', '2015-09'],
    ['Juni 2014', '2014-06'],
    ['mrt. 2010', '2010-03'],
    ['sept 2011', '2011-09'],
    ['3 maart 2017', '2017-03-03'],
    ['14-15 juni 2014', '2014-06'],
    ['14-06-2014', '2014-06-14'],
    ['2013', '2013'],
  ])('%s → %s', (text, date) => expect(parseDutchDate(text, config)).toBe(date));

  it.each(['30 februari 2015', 'smarch 2015', 'volgend jaar', '31-04-2015'])('refuses %s', (text) =>
    expect(parseDutchDate(text, config)).toBeUndefined(),
  );
});

describe('year ranges', () => {
  it.each([
    ['2008 - 2015', { start: 2008, end: 2015 }],
    ['2008–2015', { start: 2008, end: 2015 }],
    ['2008-2015', { start: 2008, end: 2015 }],
    ['2008 — 2015', { start: 2008, end: 2015 }],
    ['2008 t/m 2015', { start: 2008, end: 2015 }],
    ['2008\u00a0-\u00a02015', { start: 2008, end: 2015 }],
    ['2008', { start: 2008 }],
    ['2008 -', { start: 2008 }],
  ])('%s', (text, years) => expect(parseYears(text)).toEqual(years));

  it('calls an inverted range inverted, and other text no years', () => {
    expect(parseYears('2015 - 2008')).toBe('inverted');
    expect(parseYears('ca. 2008')).toBeUndefined();
  });
});

describe('language of titles', () => {
  it('tags English titles and leaves Dutch ones plain', () => {
    expect(tagLanguage('Lessons from urban policy research', config)).toEqual({
      en: 'Lessons from urban policy research',
    });
    expect(tagLanguage('Clusters, lessen voor de praktijk', config)).toBe('Clusters, lessen voor de praktijk');
    expect(tagLanguage('Health Valley', config)).toBe('Health Valley');
  });
});
