// The build, top to bottom: ingest → map → validate → publish. Nothing reaches output/ unless every step succeeded.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError, type Problem } from './errors.ts';
import { readRecords, type Records } from './ingest/read-records.ts';
import { mapRecords, type MappedRecord } from './map/map-records.ts';
import { loadShapes, validateRecords } from './validate/shacl.ts';
import { sortedGraph } from './publish/graph.ts';
import { toNTriples } from './publish/ntriples.ts';
import { toTurtle } from './publish/turtle.ts';
import { toJsonLd } from './publish/jsonld.ts';
import { jsonldContext } from './publish/context.ts';
import { StagedOutput } from './publish/output-dir.ts';
import { prefixes } from './vocab.ts';

/** The shapes that ship with projectgraph. */
export const DEFAULT_SHAPES_DIR = fileURLToPath(new URL('../shapes/', import.meta.url));

export interface PipelineOptions {
  dataDir: string;
  shapesDir?: string;
  /** Called at the start of each stage; the CLI shows it once a build runs longer than a second. */
  onStage?: (stage: string) => void;
}

export interface Checked {
  records: Records;
  mapped: MappedRecord[];
  warnings: Problem[];
}

/** Ingest, map and validate; throws a DataError with every located problem when the data is invalid. */
export async function check(options: PipelineOptions): Promise<Checked> {
  const stage = options.onStage ?? (() => {});
  stage('ingest');
  const records = await readRecords(options.dataDir);
  stage('map');
  const mapped = [...mapRecords(records)];
  stage('validate');
  const shapes = await loadShapes(options.shapesDir ?? DEFAULT_SHAPES_DIR, records.dataset.data.baseIri);
  const { violations, warnings } = await validateRecords(mapped, shapes);
  if (violations.length > 0) throw new DataError(violations);
  return { records, mapped, warnings };
}

export interface BuildSummary {
  records: number;
  triples: number;
  files: string[];
  warnings: Problem[];
}

export async function build(options: PipelineOptions & { outDir: string }): Promise<BuildSummary> {
  const stage = options.onStage ?? (() => {});
  const { records, mapped, warnings } = await check(options);
  const base = records.dataset.data.baseIri;
  stage('publish');
  const graph = sortedGraph(mapped.flatMap((m) => m.quads));
  const out = await StagedOutput.open(options.outDir);
  const files: string[] = [];
  const write = async (name: string, content: string) => {
    await out.write(name, content);
    files.push(name);
  };
  try {
    await write('dataset.nt', toNTriples(graph));
    await write('dataset.ttl', await toTurtle(graph.quads, prefixes(base)));
    await write('dataset.jsonld', await toJsonLd(graph.quads, jsonldContext(base)));
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  return { records: records.records.length, triples: graph.quads.length, files, warnings };
}

export function resolveDir(dir: string): string {
  return path.resolve(dir);
}
