// The checked records of a data folder, as ingest hands them on: each with the source it was read from.
import type { Sourced } from './check-record.ts';
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
