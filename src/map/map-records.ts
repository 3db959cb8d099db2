// Map: turns checked records into quads, one Emitter per record so each statement stays traceable to its source.
import type { Quad } from '@rdfjs/types';
import type { Records, SourcedRecord } from '../ingest/read-records.ts';
import type { YamlSource } from '../ingest/read-yaml.ts';
import { Emitter, type Origin } from './emit.ts';
import { mintIris, type Iris } from './iri.ts';
import { mapDataset } from './dataset.ts';
import { mapOrganisation } from './organisation.ts';
import { mapProgramme } from './programme.ts';
import { mapProject } from './project.ts';

/** The quads of one record (or of dataset.yaml), with the source they came from. */
export interface MappedRecord {
  source: YamlSource;
  quads: Quad[];
  origins: Origin[];
}

export function mapRecord(record: SourcedRecord, iris: Iris): MappedRecord {
  const out = new Emitter();
  if (record.kind === 'project') mapProject(record.data, iris, out);
  else if (record.kind === 'programme') mapProgramme(record.data, iris, out);
  else mapOrganisation(record.data, iris, out);
  return { source: record.source, quads: out.quads, origins: out.origins };
}

/** Maps the dataset description first, then every record in the (sorted) order ingest gave them. */
export function* mapRecords({ dataset, records }: Records): Generator<MappedRecord> {
  const iris = mintIris(dataset.data.baseIri);
  const out = new Emitter();
  mapDataset(dataset.data, iris, out);
  yield { source: dataset.source, quads: out.quads, origins: out.origins };
  for (const r of records) yield mapRecord(r, iris);
}
