// Provenance with PROV-O: every resource a record introduces says which YAML file it came from and, where the record names one, which wiki page.
import { DataFactory } from 'n3';
import type { NamedNode, Quad } from '@rdfjs/types';
import { PROV, RDF, RDFS, ownVocabulary } from '../vocab.ts';
import type { Origin } from './emit.ts';
import type { MappedRecord } from './map-records.ts';

const { literal, namedNode, quad } = DataFactory;

/** The entity that stands for a record's YAML file: a fragment of the record's own IRI, so it resolves to the record's page. */
export function recordFileIri(recordIri: string): NamedNode {
  return namedNode(`${recordIri}#record`);
}

/** Whether an IRI is the entity of a record's YAML file: its label is a path in data/, which readers are not shown. */
export function isRecordFileIri(iri: string): boolean {
  return iri.endsWith('#record');
}

/**
 * Adds the provenance statements of one mapped record. `relativeFile` is the record's path relative to
 * the data directory with forward slashes ("projects/x.yaml"), so the statement is the same wherever the
 * build runs. Pure: the same record and path always give the same quads.
 *
 * - `<record>#record` is a prov:Entity labelled with the file path; where the record has a wiki source
 *   (`<record>#source`, made by the project mapping) the file was derived from that page.
 * - Every resource the record introduces (not fragments, not our vocabulary) was derived from the file,
 *   and had the wiki page as its primary source. A resource that the mapping already derives from
 *   something (a project from its wiki page; the shapes allow one prov:wasDerivedFrom) is linked to the
 *   file with prov:wasInfluencedBy, the super-property, instead.
 */
export function withProvenance(mapped: MappedRecord, relativeFile: string, baseIri: string): MappedRecord {
  const introduced = introducedResources(mapped.origins, baseIri);
  const recordIri = introduced[0];
  if (recordIri === undefined) return mapped;
  const file = recordFileIri(recordIri);
  const wiki = namedNode(`${recordIri}#source`);
  const hasWiki = mapped.quads.some((q) => q.subject.equals(wiki));
  const derived = new Set(
    mapped.quads.filter((q) => q.predicate.equals(PROV('wasDerivedFrom'))).map((q) => q.subject.value),
  );

  const quads: Quad[] = [];
  const origins: Origin[] = [];
  const add = (s: NamedNode, p: NamedNode, o: NamedNode | ReturnType<typeof literal>) => {
    quads.push(quad(s, p, o));
    origins.push({ subject: s.value, predicate: p.value, field: [] });
  };
  quads.push(quad(file, RDF('type'), PROV('Entity')));
  origins.push({ subject: file.value, field: [] });
  add(file, RDFS('label'), literal(relativeFile));
  if (hasWiki) add(file, PROV('wasDerivedFrom'), wiki);
  for (const iri of introduced) {
    const s = namedNode(iri);
    add(s, derived.has(iri) ? PROV('wasInfluencedBy') : PROV('wasDerivedFrom'), file);
    if (hasWiki) add(s, PROV('hadPrimarySource'), wiki);
  }
  return { source: mapped.source, quads: [...mapped.quads, ...quads], origins: [...mapped.origins, ...origins] };
}

/** The resources a record introduces (its rdf:type statements), in first-seen order, the record's own first. */
function introducedResources(origins: Origin[], baseIri: string): string[] {
  const vocabulary = ownVocabulary(baseIri).iri;
  const seen = new Set<string>();
  for (const o of origins) {
    if (o.predicate !== undefined || o.subject.includes('#')) continue;
    if (!o.subject.startsWith(baseIri) || o.subject.startsWith(vocabulary)) continue;
    seen.add(o.subject);
  }
  return [...seen];
}
