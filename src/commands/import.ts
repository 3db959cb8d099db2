// `projectgraph import`: wiki pages (rendered text, wikitext, Special:Export XML) into YAML records under data/.
import { importPages, type ImportResult } from '../import/run-import.ts';
import { formatImportProblem } from '../import/problems.ts';
import { DataError, UsageError, formatProblem } from '../errors.ts';
import type { Command } from './command.ts';
import { progressOn } from '../progress.ts';

export const importCommand: Command = {
  usage: `projectgraph import <file|dir>... [--data DIR] [--dry-run] [--force] [--config FILE]

  <file|dir>     page files: rendered page text (.txt), wikitext (.wiki), Special:Export XML (.xml);
                 a directory is searched for such files
  --data DIR     the records to add to (default: data); must hold dataset.yaml
  --dry-run      report what would be written, write nothing
  --force        overwrite records that differ from the page (fields the page does not state are kept),
                 showing each change as a diff
  --config FILE  an extra label set (YAML) merged onto the Netwerk Wiki one; may be repeated

Writes all records or none. Exit codes: 0 done (warnings are printed), 1 errors in the pages or data (nothing written).`,
  options: {
    data: { type: 'string', default: 'data' },
    'dry-run': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    config: { type: 'string', multiple: true },
  },
  positionals: true,
  async run(v, positionals) {
    if (positionals.length === 0) throw new UsageError('name at least one page file or directory to import');
    const dryRun = v['dry-run'] === true;
    const reading = progressOn().stage('reading pages', { unit: 'pages' });
    let result: ImportResult;
    try {
      result = await importPages({
        inputs: positionals,
        dataDir: String(v.data),
        dryRun,
        force: v.force === true,
        configFiles: Array.isArray(v.config) ? v.config.map(String) : [],
        onPage: (pages, total) => {
          if (total !== undefined) reading.total(total);
          reading.set(pages);
        },
      });
      reading.end();
    } catch (e) {
      // A label set that cannot be read or checked: nothing was read or written.
      if (!(e instanceof DataError)) throw e;
      for (const p of e.problems) process.stderr.write(`error: ${formatProblem(p)}\n`);
      process.stdout.write(
        `import failed, nothing was written: the label set has ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}\n`,
      );
      return e.code;
    }
    const { findings, actions } = result;
    for (const p of findings.items) process.stderr.write(`${formatImportProblem(p)}\n`);
    const failed = findings.errors.length > 0;
    const would = failed || dryRun;
    for (const a of failed ? [] : actions) {
      if (a.status === 'create' || a.status === 'update') {
        process.stdout.write(
          `${would ? `would ${a.status}` : a.status === 'create' ? 'created' : 'updated'} ${a.shown}\n`,
        );
      }
      if (a.diff !== undefined) process.stdout.write(a.diff);
    }
    const count = (s: string) => actions.filter((a) => a.status === s).length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const counts = would
      ? `${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged, ${count('kept')} kept as edited`
      : `${count('create')} created, ${count('update')} updated, ${count('unchanged')} unchanged, ${count('kept')} kept as edited`;
    const tail = `${plural(findings.warnings.length, 'warning')}${failed ? `, ${plural(findings.errors.length, 'error')}` : ''}`;
    const lead = failed ? 'import failed, nothing was written' : dryRun ? 'dry run, nothing was written' : 'imported';
    process.stdout.write(
      `${lead}: ${plural(result.pagesRead, 'page')} read (${result.projectPages} project${result.projectPages === 1 ? '' : 's'}); records: ${counts}; ${tail}\n`,
    );
    return findings.errors[0]?.code;
  },
};
