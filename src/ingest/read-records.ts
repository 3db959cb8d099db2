// Ingest: reads data/ (dataset.yaml and one YAML file per record) into checked records, each with its source locator.
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { DataError, type Problem } from '../errors.ts';
import { MAX_RECORD_FILE_BYTES, decodeUtf8, parseYaml, readYaml, rereadingSource } from './read-yaml.ts';
import { checkRecord } from './check-record.ts';
import type { OutlinedRecord, Records, Sourced, SourcedRecord } from './records.ts';
import { outlineOf } from './records.ts';
import { RECORD_KINDS, datasetRecord, type DatasetRecord, type RecordKind } from './schema.ts';
import { checkReferences } from './check-references.ts';

export type { Records, Sourced, SourcedRecord } from './records.ts';

/**
 * Reads and checks everything under `dataDir`; throws one DataError listing every problem found. `onFile` is told
 * after each record file is read: how many of how many (progress of long builds).
 */
export async function readRecords(dataDir: string, onFile?: (done: number, total: number) => void): Promise<Records> {
  const problems: Problem[] = [];
  const display = (abs: string) => displayPath(abs);

  const datasetFile = path.join(dataDir, 'dataset.yaml');
  let dataset: Sourced<DatasetRecord> | undefined;
  try {
    dataset = await readChecked(datasetFile, display(datasetFile), datasetRecord, 'dataset description');
  } catch (e) {
    collect(e, problems, display(datasetFile));
  }

  const records: SourcedRecord[] = [];
  const folders = new Map<string, RecordKind>(
    Object.entries(RECORD_KINDS).map(([kind, def]) => [def.folder, kind as RecordKind]),
  );
  const files = await listYamlFiles(dataDir, problems);
  // Files are read and parsed a few at a time ahead of use (I/O overlaps parsing); results are taken in file order.
  const reads = new Map<number, Promise<Sourced<unknown>>>();
  const readAt = (i: number): Promise<Sourced<unknown>> | undefined => {
    const file = files[i];
    if (file === undefined) return undefined;
    const rel = path.relative(dataDir, file);
    const kind = folders.get(rel.split(path.sep)[0] ?? '');
    if (rel === 'dataset.yaml' || !kind || rel.split(path.sep).length !== 2) return undefined;
    const p = readChecked(file, display(file), RECORD_KINDS[kind].schema as z.ZodType, `${kind} record`);
    p.catch(() => {}); // awaited below in order; this only keeps an early rejection from counting as unhandled
    return p;
  };
  const AHEAD = 32;
  for (let i = 0; i < Math.min(AHEAD, files.length); i++) {
    const p = readAt(i);
    if (p) reads.set(i, p);
  }
  for (const [index, file] of files.entries()) {
    const ahead = readAt(index + AHEAD);
    if (ahead) reads.set(index + AHEAD, ahead);
    const rel = path.relative(dataDir, file);
    const folder = rel.split(path.sep)[0] ?? '';
    if (rel === 'dataset.yaml') continue;
    const kind = folders.get(folder);
    if (!kind || rel.split(path.sep).length !== 2) {
      problems.push(misplaced(display(file), folders));
      continue;
    }
    const pending = reads.get(index);
    reads.delete(index);
    try {
      const sourced = await (pending ??
        readChecked(file, display(file), RECORD_KINDS[kind].schema as z.ZodType, `${kind} record`));
      records.push({ kind, ...(sourced as Sourced<never>) });
    } catch (e) {
      collect(e, problems, display(file));
    }
    onFile?.(index + 1, files.length);
  }
  if (!dataset || problems.length > 0) throw new DataError(problems);

  records.sort((a, b) => cmp(a.kind, b.kind) || cmp(a.data.id, b.data.id) || cmp(a.source.file, b.source.file));
  const result: Records = { dataset, records };
  problems.push(...checkReferences(result));
  if (problems.length > 0) throw new DataError(problems);
  return result;
}

/** One record file of `kind`, read and checked (the build reads a file again when its cached outline is not enough). */
export async function readRecordFile(abs: string, kind: RecordKind): Promise<SourcedRecord> {
  const sourced = await readChecked(abs, displayPath(abs), RECORD_KINDS[kind].schema as z.ZodType, `${kind} record`);
  return { kind, ...(sourced as Sourced<never>) };
}

/** The dataset description, read and checked. */
export function readDatasetFile(abs: string): Promise<Sourced<DatasetRecord>> {
  return readChecked(abs, displayPath(abs), datasetRecord, 'dataset description');
}

/** A record of the index: its outline, where its file is, and the SHA-256 of the file's bytes. */
export type IndexedRecord = OutlinedRecord & { file: string; digest: string };

export interface RecordIndex {
  dataset: Sourced<DatasetRecord>;
  /** Sorted by kind, then id, as Records' records are. */
  records: IndexedRecord[];
}

export interface IndexOptions {
  onFile?: (done: number, total: number) => void;
  /** The outline an earlier build kept for a file of `kind` with these bytes: that file is not parsed again. */
  remembered?: (kind: RecordKind, digest: string) => OutlinedRecord['data'] | undefined;
  /** Each record that was parsed, in file order, with its bytes' digest and the dataset description (when valid). */
  onParsed?: (record: SourcedRecord, digest: string, dataset: Sourced<DatasetRecord> | undefined) => void;
}

/**
 * readRecords for the build: every file is read and checked as there, with the same problems, but only the
 * outline of each record is kept, and a file whose bytes an earlier build checked is not parsed again.
 */
export async function indexRecords(dataDir: string, options: IndexOptions = {}): Promise<RecordIndex> {
  const problems: Problem[] = [];
  const datasetFile = path.join(dataDir, 'dataset.yaml');
  let dataset: Sourced<DatasetRecord> | undefined;
  try {
    dataset = await readDatasetFile(datasetFile);
  } catch (e) {
    collect(e, problems, displayPath(datasetFile));
  }
  const folders = new Map<string, RecordKind>(
    Object.entries(RECORD_KINDS).map(([kind, def]) => [def.folder, kind as RecordKind]),
  );
  const files = await listYamlFiles(dataDir, problems);
  type Read = { digest: string; outline: OutlinedRecord['data'] } | { digest: string; record: SourcedRecord };
  const kindOf = (file: string) => {
    const rel = path.relative(dataDir, file);
    const kind = folders.get(rel.split(path.sep)[0] ?? '');
    return rel === 'dataset.yaml' || !kind || rel.split(path.sep).length !== 2 ? undefined : kind;
  };
  const readOne = async (file: string, kind: RecordKind): Promise<Read> => {
    // A file too large to read is refused by readRecordFile, with its size.
    if ((await stat(file)).size > MAX_RECORD_FILE_BYTES)
      return { digest: '', record: await readRecordFile(file, kind) };
    const bytes = await readFile(file);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const outline = options.remembered?.(kind, digest);
    if (outline !== undefined) return { digest, outline };
    const shown = displayPath(file);
    const { value, source } = parseYaml(decodeUtf8(bytes, shown), shown, () => decodeUtf8(bytes, shown));
    const checked = checkRecord(value, source, RECORD_KINDS[kind].schema as z.ZodType, `${kind} record`);
    return { digest, record: { kind, ...(checked as Sourced<never>) } };
  };
  const reads = new Map<number, Promise<Read>>();
  const start = (i: number) => {
    const file = files[i];
    const kind = file === undefined ? undefined : kindOf(file);
    if (file === undefined || kind === undefined) return;
    const p = readOne(file, kind);
    p.catch(() => {}); // awaited below in order; this only keeps an early rejection from counting as unhandled
    reads.set(i, p);
  };
  const AHEAD = 32;
  for (let i = 0; i < Math.min(AHEAD, files.length); i++) start(i);
  const records: IndexedRecord[] = [];
  for (const [index, file] of files.entries()) {
    start(index + AHEAD);
    const rel = path.relative(dataDir, file);
    if (rel === 'dataset.yaml') continue;
    const kind = kindOf(file);
    if (kind === undefined) {
      problems.push(misplaced(displayPath(file), folders));
      continue;
    }
    const pending = reads.get(index);
    reads.delete(index);
    try {
      const read = await (pending ?? readOne(file, kind));
      const source = rereadingSource(file, displayPath(file));
      if ('record' in read) {
        options.onParsed?.(read.record, read.digest, problems.length === 0 ? dataset : undefined);
        records.push({ kind, data: outlineOf(read.record), source, file, digest: read.digest } as IndexedRecord);
      } else records.push({ kind, data: read.outline, source, file, digest: read.digest } as IndexedRecord);
    } catch (e) {
      collect(e, problems, displayPath(file));
    }
    options.onFile?.(index + 1, files.length);
  }
  if (!dataset || problems.length > 0) throw new DataError(problems);
  records.sort((a, b) => cmp(a.kind, b.kind) || cmp(a.data.id, b.data.id) || cmp(a.source.file, b.source.file));
  problems.push(...checkReferences({ dataset, records }));
  if (problems.length > 0) throw new DataError(problems);
  return { dataset, records };
}

function misplaced(file: string, folders: Map<string, RecordKind>): Problem {
  return {
    code: 'RECORD_SCHEMA',
    message: `a record file belongs directly in one of ${[...folders.keys()].map((f) => `${f}/`).join(', ')}`,
    location: { file, line: 1, column: 1 },
  };
}

async function readChecked<T>(abs: string, shown: string, schema: z.ZodType<T>, what: string): Promise<Sourced<T>> {
  const { value, source } = await readYaml(abs, shown);
  return checkRecord(value, source, schema, what);
}

function collect(e: unknown, problems: Problem[], file: string): void {
  if (e instanceof DataError) problems.push(...e.problems);
  else if (isNodeError(e) && e.code === 'ENOENT') {
    problems.push({ code: 'IO', message: 'file not found', location: { file, line: 1, column: 1 } });
  } else throw e;
}

async function listYamlFiles(dir: string, problems: Problem[]): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (e) {
    if (isNodeError(e) && e.code === 'ENOENT') {
      problems.push({ code: 'IO', message: `data directory not found: ${dir}` });
      return [];
    }
    throw e;
  }
  return entries
    .filter((d) => d.isFile() && /\.ya?ml$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name))
    .sort(cmp);
}

export function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

function isNodeError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && 'code' in e;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
