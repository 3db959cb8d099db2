// Maps dataset.yaml: the schema:Dataset itself, its keyword set and the project-status list our records point to.
import { DataFactory } from 'n3';
import type { DatasetRecord } from '../ingest/schema.ts';
import { STATUSES } from '../ingest/schema.ts';
import { SCHEMA, SKOS, ownTerms } from '../vocab.ts';
import { fieldNames, SELF, type Emitter } from './emit.ts';
import type { Iris } from './iri.ts';

const { literal, namedNode } = DataFactory;

/** Labels of the project-status list; the codes are what records use. */
export const STATUS_LABELS: Record<(typeof STATUSES)[number], { nl: string; en: string }> = {
  planned: { nl: 'gepland', en: 'planned' },
  ongoing: { nl: 'lopend', en: 'ongoing' },
  completed: { nl: 'afgerond', en: 'completed' },
  discontinued: { nl: 'gestopt', en: 'discontinued' },
};

export function mapDataset(d: DatasetRecord, iris: Iris, out: Emitter): void {
  const s = iris.dataset;
  out.node(
    s,
    [SCHEMA('Dataset')],
    [],
    fieldNames([
      [SELF, ['baseIri']],
      [SCHEMA('name'), ['title']],
      [SCHEMA('description'), ['description']],
      [SCHEMA('license'), ['licence']],
      [SCHEMA('publisher'), ['publisher']],
      [SCHEMA('hasPart'), ['keywordSet']],
    ]),
  );
  out.text(s, SCHEMA('name'), d.title, ['title']);
  out.text(s, SCHEMA('description'), d.description, ['description']);
  out.add(s, SCHEMA('license'), namedNode(d.licence), ['licence']);
  out.add(s, SCHEMA('publisher'), iris.publisher, ['publisher']);
  out.add(s, SCHEMA('hasPart'), iris.keywordSet, ['keywordSet']);
  out.node(
    iris.publisher,
    [SCHEMA('Organization')],
    ['publisher'],
    fieldNames([
      [SCHEMA('name'), ['publisher', 'name']],
      [SCHEMA('url'), ['publisher', 'url']],
    ]),
  );
  out.add(iris.publisher, SCHEMA('name'), literal(d.publisher.name, 'nl'), ['publisher', 'name']);
  if (d.publisher.url !== undefined)
    out.add(iris.publisher, SCHEMA('url'), namedNode(d.publisher.url), ['publisher', 'url']);

  const set = iris.keywordSet;
  out.node(set, [SCHEMA('DefinedTermSet'), SKOS('ConceptScheme')], ['keywordSet']);
  out.text(set, SCHEMA('name'), d.keywordSet, ['keywordSet']);
  out.text(set, SKOS('prefLabel'), d.keywordSet, ['keywordSet']);
  out.add(set, SCHEMA('isPartOf'), s, ['keywordSet']);

  const pg = ownTerms(iris.base);
  // The status list is no field of the record: it is minted under the base IRI, which a report about it names.
  const minted = fieldNames([[SELF, ['baseIri']]]);
  out.node(pg.statusScheme, [SKOS('ConceptScheme')], [], minted);
  out.add(pg.statusScheme, SKOS('prefLabel'), literal('projectstatus', 'nl'), []);
  out.add(pg.statusScheme, SKOS('prefLabel'), literal('project status', 'en'), []);
  for (const code of STATUSES) {
    const c = pg.statusConcept(code);
    out.node(c, [SKOS('Concept')], [], minted);
    out.add(c, SKOS('prefLabel'), literal(STATUS_LABELS[code].nl, 'nl'), []);
    out.add(c, SKOS('prefLabel'), literal(STATUS_LABELS[code].en, 'en'), []);
    out.add(c, SKOS('notation'), literal(code), []);
    out.add(c, SKOS('inScheme'), pg.statusScheme, []);
  }
}
