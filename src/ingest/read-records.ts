// Ingest: reads data/ (dataset.yaml and one YAML file per record) into checked records, each with its source locator.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { DataError, type Problem } from '../errors.ts';
import { readYaml } from './read-yaml.ts';
import { checkRecord } from './check-record.ts';
import type { Records, Sourced, SourcedRecord } from './records.ts';
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
      problems.push({
        code: 'RECORD_SCHEMA',
        message: `a record file belongs directly in one of ${[...folders.keys()].map((f) => `${f}/`).join(', ')}`,
        location: { file: display(file), line: 1, column: 1 },
      });
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
