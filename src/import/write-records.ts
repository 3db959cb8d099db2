// The record writer: decides per record create / update / unchanged / kept, shows --force diffs, and writes all records or none.
import { lstat, mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { z } from 'zod';
import { DataError, type Problem } from '../errors.ts';
import { checkReferences } from '../ingest/check-references.ts';
import { checkRecord, type Sourced } from '../ingest/check-record.ts';
import { cmp, displayPath, type Records, type SourcedRecord } from '../ingest/read-records.ts';
import { parseYaml } from '../ingest/read-yaml.ts';
import { RECORD_KINDS, type RecordKind } from '../ingest/schema.ts';
import { plain } from './page-to-record.ts';
import type { Findings } from './problems.ts';
import { sortKeys, type AnyRecord, type PlannedRecord } from './reconcile.ts';
import { recordToYaml } from './yaml-out.ts';

export type WriteStatus = 'create' | 'update' | 'unchanged' | 'kept';

export interface WriteAction {
  kind: RecordKind;
  id: string;
  status: WriteStatus;
  /** Absolute path of the record file. */
  target: string;
  shown: string;
  /** The page line the record comes from, where findings about it are reported. */
  from: PlannedRecord['from'];
  /** The YAML to write (create and update). */
  text?: string;
  /** That YAML as the build reads it back (create and update), for the checks across records. */
  checked?: SourcedRecord;
  /** A unified diff of the existing record against what --force writes (update). */
  diff?: string;
}

const KIND_ORDER: RecordKind[] = ['project', 'programme', 'organisation'];

/**
 * Compares each planned record with the record in data/. A record counts as unchanged when everything the
 * page states is already in it (fields added by hand, such as `about`, do not count as a change). Otherwise,
 * without `force` it is kept as it is and reported; with `force` the page's fields replace those in the
 * record (fields only the record has are kept) and the change is shown as a diff.
 *
 * Every text to be written is first read back exactly as the build reads a record file (YAML, record schema,
 * IRI checks); a record the build would refuse becomes an error at its page line and is not written.
 */
export function planWrites(
  planned: PlannedRecord[],
  dataDir: string,
  force: boolean,
  findings: Findings,
): WriteAction[] {
  const actions: WriteAction[] = [];
  const sorted = [...planned].sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0),
  );
  for (const p of sorted) {
    const newTarget = path.resolve(dataDir, RECORD_KINDS[p.kind].folder, `${p.record.id}.yaml`);
    const target = p.existing ? path.resolve(p.existing.source.file) : newTarget;
    const shown = displayPath(target);
    // The page's record as the build would read it: normalised (trimmed, NFC) by the schema, or refused.
    const asRead = readBack(p, recordToYaml(p.kind, p.record), shown, findings);
    if (!asRead) continue;
    const record = asRead.data as AnyRecord;
    const { from } = p;
    const base = { kind: p.kind, id: record.id, target, shown, from };
    if (!p.existing) {
      const text = recordToYaml(p.kind, record, `Imported by projectgraph import from the wiki page "${p.from.page}".`);
      const checked = readBack(p, text, shown, findings);
      if (checked) actions.push({ ...base, status: 'create', text, checked });
      continue;
    }
    const before = p.existing.data as AnyRecord;
    const differing = Object.keys(record).filter(
      (k) => !sameValue((record as Record<string, unknown>)[k], (before as Record<string, unknown>)[k]),
    );
    if (differing.length === 0) {
      actions.push({ ...base, status: 'unchanged' });
      continue;
    }
    if (!force) {
      findings.warn(
        'HAND_EDITED',
        `${shown} differs from the page in ${differing.join(', ')}; kept as it is (run with --force to overwrite these fields and see the changes)`,
        p.from.file,
        p.from.line,
        p.from.page,
      );
      actions.push({ ...base, status: 'kept' });
      continue;
    }
    const merged = { ...before, ...record };
    const oldText = recordToYaml(p.kind, before);
    const newText = recordToYaml(p.kind, merged);
    const text = recordToYaml(
      p.kind,
      merged,
      `Updated by projectgraph import --force from the wiki page "${p.from.page}" (${plain(record.name)}).`,
    );
    const checked = readBack(p, text, shown, findings);
    if (!checked) continue;
    actions.push({
      ...base,
      status: 'update',
      text,
      checked,
      diff: createTwoFilesPatch(shown, shown, oldText, newText, 'in data/', 'from the page', { context: 2 }),
    });
  }
  return actions;
}

/** `text` read as the build reads the record file `shown`; each problem becomes an error at the page line. */
function readBack(p: PlannedRecord, text: string, shown: string, findings: Findings): SourcedRecord | undefined {
  try {
    const { value, source } = parseYaml(text, shown);
    const sourced = checkRecord(value, source, RECORD_KINDS[p.kind].schema as z.ZodType, `${p.kind} record`);
    return { kind: p.kind, ...(sourced as Sourced<never>) };
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    for (const problem of e.problems) refused(findings, p.from, shown, problem);
    return undefined;
  }
}

function refused(findings: Findings, from: PlannedRecord['from'], shown: string, problem: Problem): void {
  const field = problem.field ? `${problem.field}: ` : '';
  const value = problem.value !== undefined ? ` (got ${JSON.stringify(problem.value)})` : '';
  findings.error(
    'BAD_VALUE',
    `${shown} would be refused by the build: ${field}${problem.message}${value}`,
    from.file,
    from.line,
    from.page,
  );
}

/**
 * The checks across records that the build runs (unique ids, references, names that must give an IRI),
 * on data/ as it will be after the planned writes. A problem in a record to be written is reported at its
 * page line; one in a record already in data/ (an id the import would duplicate) at that record.
 */
export function checkAcrossRecords(actions: WriteAction[], existing: Records, findings: Findings): void {
  const written = actions.filter((a) => a.checked !== undefined);
  const replaced = new Set(written.map((a) => a.target));
  const records = [
    ...existing.records.filter((r) => !replaced.has(path.resolve(r.source.file))),
    ...written.map((a) => a.checked as SourcedRecord),
  ];
  // The build's order, so the same record is called the first of two duplicates.
  records.sort((a, b) => cmp(a.kind, b.kind) || cmp(a.data.id, b.data.id) || cmp(a.source.file, b.source.file));
  const byFile = new Map(written.map((a) => [a.shown, a]));
  for (const problem of checkReferences({ dataset: existing.dataset, records })) {
    const file = problem.location?.file;
    const action = file === undefined ? undefined : byFile.get(file);
    if (action) refused(findings, action.from, action.shown, problem);
    else {
      findings.error(
        'BAD_VALUE',
        `after this import the build would refuse this record: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`,
        file ?? 'data',
        problem.location?.line ?? 1,
      );
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/**
 * Writes every created or updated record, or none: all files are first written into a staging directory
 * beside data/ (same file system, so renames are atomic), then renamed into place; if any step fails,
 * the files already moved are put back and the error is raised.
 */
export async function applyWrites(actions: WriteAction[], dataDir: string): Promise<void> {
  const writes = actions.filter((a) => a.text !== undefined && (a.status === 'create' || a.status === 'update'));
  if (writes.length === 0) return;
  const absData = path.resolve(dataDir);
  const stage = await mkdtemp(path.join(path.dirname(absData), `.${path.basename(absData)}-import-`));
  const done: { target: string; backup?: string }[] = [];
  const madeDirs: string[] = [];
  try {
    for (const [i, w] of writes.entries()) await writeFile(path.join(stage, `${i}.yaml`), w.text ?? '', { flag: 'wx' });
    try {
      for (const [i, w] of writes.entries()) {
        const made = await mkdir(path.dirname(w.target), { recursive: true });
        if (made !== undefined) madeDirs.push(made);
        const step: { target: string; backup?: string } = { target: w.target };
        if (await isFile(w.target)) {
          step.backup = path.join(stage, `${i}.before`);
          await rename(w.target, step.backup);
        }
        try {
          await rename(path.join(stage, `${i}.yaml`), w.target);
        } catch (e) {
          if (step.backup) await rename(step.backup, w.target);
          throw e;
        }
        done.push(step);
      }
    } catch (e) {
      for (const step of done.reverse()) {
        if (step.backup) await rename(step.backup, step.target);
        else await unlink(step.target);
      }
      // Folders this run made (the first of each new chain) go too, so data/ looks exactly as before.
      for (const dir of madeDirs.reverse()) await rm(dir, { recursive: true, force: true });
      throw e;
    }
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isFile();
  } catch {
    return false;
  }
}
