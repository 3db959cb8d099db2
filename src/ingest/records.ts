// The checked records of a data folder, as ingest hands them on: each with the source it was read from.
import type { Sourced } from './check-record.ts';
import type { YamlSource } from './read-yaml.ts';
import type { DatasetRecord, OrganisationRecord, ProgrammeRecord, ProjectRecord } from './schema.ts';

export type { Sourced } from './check-record.ts';

export type SourcedRecord =
  | ({ kind: 'project' } & Sourced<ProjectRecord>)
  | ({ kind: 'programme' } & Sourced<ProgrammeRecord>)
  | ({ kind: 'organisation' } & Sourced<OrganisationRecord>);

export interface Records {
  dataset: Sourced<DatasetRecord>;
  /** Sorted by kind, then id, so everything downstream is deterministic. */
  records: SourcedRecord[];
}

/** What the checks across records and the catalogue read of a project: its id and the fields that name others. */
export type ProjectOutline = Pick<
  ProjectRecord,
  'id' | 'programme' | 'keywords' | 'participants' | 'startYear' | 'endYear'
> & {
  publications?: { id: string; event?: { place: string } }[];
  about?: { id: string; location?: string }[];
};

/**
 * A record as far as anything beyond its own file needs it. A whole record is one (its data has these fields
 * and more); the build keeps only these between its passes, so its memory does not hold every record's text.
 */
export type OutlinedRecord =
  | { kind: 'project'; data: ProjectOutline; source: YamlSource }
  | { kind: 'programme'; data: Pick<ProgrammeRecord, 'id' | 'partOf'>; source: YamlSource }
  | { kind: 'organisation'; data: Pick<OrganisationRecord, 'id'>; source: YamlSource };

/**
 * The outline of a checked record: the same fields as it has, nothing else. Its strings are copies: a parser's
 * strings are views of the file's whole text in V8, which a kept outline would otherwise hold in memory.
 */
export function outlineOf(record: SourcedRecord): OutlinedRecord['data'] {
  return JSON.parse(JSON.stringify(outlineFields(record))) as OutlinedRecord['data'];
}

function outlineFields(record: SourcedRecord): OutlinedRecord['data'] {
  const d = record.data;
  if (record.kind === 'organisation') return { id: d.id };
  if (record.kind === 'programme') {
    const p = record.data;
    return { id: p.id, ...(p.partOf !== undefined ? { partOf: p.partOf } : {}) };
  }
  const p = record.data;
  return {
    id: p.id,
    ...(p.programme !== undefined ? { programme: p.programme } : {}),
    ...(p.keywords !== undefined ? { keywords: p.keywords } : {}),
    ...(p.participants !== undefined ? { participants: p.participants } : {}),
    ...(p.startYear !== undefined ? { startYear: p.startYear } : {}),
    ...(p.endYear !== undefined ? { endYear: p.endYear } : {}),
    ...(p.publications !== undefined
      ? {
          publications: p.publications.map((pub) => ({
            id: pub.id,
            ...(pub.event !== undefined ? { event: { place: pub.event.place } } : {}),
          })),
        }
      : {}),
    ...(p.about !== undefined
      ? {
          about: p.about.map((a) => ({ id: a.id, ...(a.location !== undefined ? { location: a.location } : {}) })),
        }
      : {}),
  };
}
