// One resource page from a hand-made graph: incoming links are capped on the page, while the description keeps them all.
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import type { Quad } from '@rdfjs/types';
import { ResourceIndex } from '../../src/publish/resource-index.ts';
import { resourcePage } from '../../src/publish/resource-page.ts';
import { siteOf } from '../../src/publish/site.ts';
import { RDF, SCHEMA } from '../../src/vocab.ts';
import type { DatasetRecord } from '../../src/ingest/schema.ts';

const { literal, namedNode, quad } = DataFactory;
const BASE = 'https://example.org/';
const dataset: DatasetRecord = {
  baseIri: BASE,
  title: { nl: 'Proef', en: 'Test' },
  description: { nl: 'Een proef.', en: 'A test.' },
  publisher: { name: 'Uitgever' },
  licence: 'http://creativecommons.org/publicdomain/zero/1.0/',
  contact: { name: 'Redactie', email: 'r@example.org' },
  keywordSet: { nl: 'Kernwoorden' },
};

/** The page of `iri` over `quads`, with the JSON-LD it embeds parsed. */
function pageOf(quads: Quad[], iri: string) {
  const site = siteOf({ base: BASE, dataset, quads, downloads: [], date: undefined });
  const index = new ResourceIndex(quads, site.paths);
  const page = resourcePage(index, site, iri, { data: [] });
  const json = JSON.parse(page.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/)![1]!) as {
    '@graph': Record<string, unknown>[];
  };
  return { index, page, main: json['@graph'][0]! };
}

describe('a resource page', () => {
  it('lists at most 200 incoming links per relation and says how many more there are', () => {
    const keyword = namedNode(`${BASE}keyword/k`);
    const quads: Quad[] = [
      quad(keyword, RDF('type'), SCHEMA('DefinedTerm')),
      quad(keyword, SCHEMA('name'), literal('k', 'nl')),
    ];
    for (let i = 0; i < 205; i++) {
      const p = namedNode(`${BASE}project/p${String(i).padStart(4, '0')}`);
      quads.push(
        quad(p, RDF('type'), SCHEMA('ResearchProject')),
        quad(p, SCHEMA('name'), literal(`Project ${i}`, 'nl')),
        quad(p, SCHEMA('keywords'), keyword),
      );
    }
    const { index, page, main } = pageOf(quads, keyword.value);
    expect(page.match(/<li><a href="\/project\//g)).toHaveLength(200);
    expect(page).toContain('En nog 5;');
    expect((main['@reverse'] as { keywords: unknown[] }).keywords).toHaveLength(200);
    expect(index.describe(keyword.value).filter((q) => q.predicate.equals(SCHEMA('keywords')))).toHaveLength(205);
  });

  it("lists at most 200 values of one of its own relations (the keyword set's terms), in the page and its JSON-LD", () => {
    const set = namedNode(`${BASE}keyword`);
    const quads: Quad[] = [
      quad(set, RDF('type'), SCHEMA('DefinedTermSet')),
      quad(set, SCHEMA('name'), literal('Kernwoorden', 'nl')),
    ];
    for (let i = 0; i < 230; i++) {
      const k = namedNode(`${BASE}keyword/k${String(i).padStart(4, '0')}`);
      quads.push(
        quad(k, RDF('type'), SCHEMA('DefinedTerm')),
        quad(k, SCHEMA('name'), literal(`k${i}`, 'nl')),
        quad(set, SCHEMA('hasDefinedTerm'), k),
      );
    }
    const { page, main } = pageOf(quads, set.value);
    expect(page.match(/<li><a href="\/keyword\//g)).toHaveLength(200);
    expect(page).toContain('En nog 30;');
    expect(main.hasDefinedTerm).toHaveLength(200);
  });
});
