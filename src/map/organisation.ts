// Maps an organisation record to the most precise schema.org Organization subtype its kind supports.
import { DataFactory } from 'n3';
import type { OrganisationRecord } from '../ingest/schema.ts';
import { SCHEMA } from '../vocab.ts';
import { fieldNames, SELF, type Emitter } from './emit.ts';
import type { Iris } from './iri.ts';

const { literal, namedNode } = DataFactory;

export const ORGANISATION_CLASSES: Record<OrganisationRecord['type'], string> = {
  municipality: 'GovernmentOrganization',
  government: 'GovernmentOrganization',
  university: 'CollegeOrUniversity',
  'knowledge-institute': 'ResearchOrganization',
  company: 'Corporation',
  organisation: 'Organization',
};

export function mapOrganisation(o: OrganisationRecord, iris: Iris, out: Emitter): void {
  const s = iris.organisation(o.id);
  out.node(
    s,
    [SCHEMA(ORGANISATION_CLASSES[o.type])],
    ['type'],
    fieldNames([
      [SELF, ['id']],
      [SCHEMA('name'), ['name']],
      [SCHEMA('alternateName'), ['alternateNames']],
      [SCHEMA('description'), ['description']],
      [SCHEMA('url'), ['url']],
    ]),
  );
  out.text(s, SCHEMA('name'), o.name, ['name']);
  o.alternateNames?.forEach((n, i) => {
    out.add(s, SCHEMA('alternateName'), literal(n, 'nl'), ['alternateNames', i]);
  });
  out.text(s, SCHEMA('description'), o.description, ['description']);
  if (o.url !== undefined) out.add(s, SCHEMA('url'), namedNode(o.url), ['url']);
}
