// Maps a programme record: a schema:Project of our Programme class, linked to the programme it is part of.
import { DataFactory } from 'n3';
import type { ProgrammeRecord } from '../ingest/schema.ts';
import { SCHEMA, ownVocabulary } from '../vocab.ts';
import { fieldNames, SELF, type Emitter } from './emit.ts';
import type { Iris } from './iri.ts';

const { namedNode } = DataFactory;

export function mapProgramme(p: ProgrammeRecord, iris: Iris, out: Emitter): void {
  const s = iris.programme(p.id);
  out.node(
    s,
    [SCHEMA('Project'), ownVocabulary(iris.base)('Programme')],
    [],
    fieldNames([
      [SELF, ['id']],
      [SCHEMA('name'), ['name']],
      [SCHEMA('alternateName'), ['alternateName']],
      [SCHEMA('description'), ['description']],
      [SCHEMA('parentOrganization'), ['partOf']],
      [SCHEMA('url'), ['url']],
    ]),
  );
  out.text(s, SCHEMA('name'), p.name, ['name']);
  out.text(s, SCHEMA('alternateName'), p.alternateName, ['alternateName']);
  out.text(s, SCHEMA('description'), p.description, ['description']);
  if (p.partOf !== undefined) {
    out.add(s, SCHEMA('parentOrganization'), iris.programme(p.partOf), ['partOf']);
    out.add(iris.programme(p.partOf), SCHEMA('subOrganization'), s, ['partOf']);
  }
  if (p.url !== undefined) out.add(s, SCHEMA('url'), namedNode(p.url), ['url']);
}
