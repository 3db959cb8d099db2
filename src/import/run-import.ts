// The import, top to bottom: read page files → interpret pages → reconcile with data/ → plan → write all records or none.
import { DataError } from '../errors.ts';
import { readRecords, type Records } from '../ingest/read-records.ts';
import { loadConfig } from './config.ts';
import { pageToDraft, type ProjectDraft } from './page-to-record.ts';
import { Findings } from './problems.ts';
import { expandInputs, readPageFile } from './read-input.ts';
import { reconcile } from './reconcile.ts';
import { applyWrites, checkAcrossRecords, planWrites, type WriteAction } from './write-records.ts';

export interface ImportOptions {
  inputs: string[];
  dataDir: string;
  dryRun?: boolean;
  force?: boolean;
  /** Extra label sets merged onto the Netwerk Wiki one. */
  configFiles?: string[];
  /**
   * Told after each page is read: pages so far, and how many there are when that is known (every input is one page;
   * a Special:Export file holds an unknown number): progress of long imports.
   */
  onPage?: (pages: number, total: number | undefined) => void;
}

export interface ImportResult {
  pagesRead: number;
  projectPages: number;
  actions: WriteAction[];
  findings: Findings;
  /** True when records were written (not a dry run, no errors, something to write). */
  wrote: boolean;
}

export async function importPages(options: ImportOptions): Promise<ImportResult> {
  const findings = new Findings();
  const config = await loadConfig(options.configFiles ?? []);
  const drafts: ProjectDraft[] = [];
  let pagesRead = 0;
  const files = await expandInputs(options.inputs, findings);
  const total = files.some((f) => f.toLowerCase().endsWith('.xml')) ? undefined : files.length;
  for (const file of files) {
    await readPageFile(file, config, findings, (page) => {
      pagesRead++;
      const draft = pageToDraft(page, config, findings);
      if (draft) drafts.push(draft);
      options.onPage?.(pagesRead, total);
    });
  }

  let existing: Records | undefined;
  try {
    existing = await readRecords(options.dataDir);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    for (const p of e.problems) {
      findings.error(
        'IO',
        `the data directory must be valid before importing into it: ${p.field ? `${p.field}: ` : ''}${p.message}`,
        p.location?.file ?? options.dataDir,
        p.location?.line ?? 1,
      );
    }
  }
  const planned = reconcile(drafts, existing?.records ?? [], config, findings);
  const actions = planWrites(planned, options.dataDir, options.force ?? false, findings);
  // The same checks the build runs across records, so an import never writes what the build then refuses.
  if (existing) checkAcrossRecords(actions, existing, findings);
  const result: ImportResult = { pagesRead, projectPages: drafts.length, actions, findings, wrote: false };
  if (findings.errors.length > 0 || options.dryRun) return result;
  try {
    await applyWrites(actions, options.dataDir);
    result.wrote = actions.some((a) => a.status === 'create' || a.status === 'update');
  } catch (e) {
    findings.error(
      'WRITE_FAILED',
      `writing the records failed, so none were written: ${(e as Error).message}`,
      options.dataDir,
      1,
    );
  }
  return result;
}
