// The record writer: decides per record create / update / unchanged / kept, shows --force diffs, and writes all records or none.
import { lstat, mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { displayPath } from '../ingest/read-records.ts';
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
  /** The YAML to write (create and update). */
  text?: string;
  /** A unified diff of the existing record against what --force writes (update). */
  diff?: string;
}

const KIND_ORDER: RecordKind[] = ['project', 'programme', 'organisation'];

/**
 * Compares each planned record with the record in data/. A record counts as unchanged when everything the
 * page states is already in it (fields added by hand, such as `about`, do not count as a change). Otherwise,
 * without `force` it is kept as it is and reported; with `force` the page's fields replace those in the
 * record (fields only the record has are kept) and the change is shown as a diff.
 */
export function planWrites(planned: PlannedRecord[], dataDir: string, force: boolean, findings: Findings): WriteAction[] {
  const actions: WriteAction[] = [];
  const sorted = [...planned].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
  for (const p of sorted) {
    const schema = RECORD_KINDS[p.kind].schema;
    const parsed = schema.safeParse(p.record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        findings.error('BAD_VALUE', `the ${p.kind} record "${p.record.id}" would be invalid: ${issue.path.join('.') || '(record)'}: ${issue.message}`, p.from.file, p.from.line, p.from.page);
      }
      continue;
    }
    const record = parsed.data as AnyRecord;
    const comment = `Imported by projectgraph import from the wiki page "${p.from.page}".`;
    if (!p.existing) {
      const target = path.resolve(dataDir, RECORD_KINDS[p.kind].folder, `${record.id}.yaml`);
      actions.push({ kind: p.kind, id: record.id, status: 'create', target, shown: displayPath(target), text: recordToYaml(p.kind, record, comment) });
      continue;
    }
    const before = p.existing.data as AnyRecord;
    const target = path.resolve(p.existing.source.file);
    const shown = displayPath(target);
    const differing = Object.keys(record).filter((k) => !sameValue((record as Record<string, unknown>)[k], (before as Record<string, unknown>)[k]));
    if (differing.length === 0) {
      actions.push({ kind: p.kind, id: record.id, status: 'unchanged', target, shown });
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
      actions.push({ kind: p.kind, id: record.id, status: 'kept', target, shown });
      continue;
    }
    const merged = { ...before, ...record };
    const oldText = recordToYaml(p.kind, before);
    const newText = recordToYaml(p.kind, merged);
    actions.push({
      kind: p.kind,
      id: record.id,
      status: 'update',
      target,
      shown,
      text: recordToYaml(p.kind, merged, `Updated by projectgraph import --force from the wiki page "${p.from.page}" (${plain(record.name)}).`),
      diff: createTwoFilesPatch(shown, shown, oldText, newText, 'in data/', 'from the page', { context: 2 }),
    });
  }
  return actions;
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
