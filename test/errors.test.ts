// The one error model: the catalogue of codes, README's list of them, the exit status each error ends a command with.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CODES,
  DataError,
  InternalError,
  OutputError,
  ProjectgraphError,
  PublishFailure,
  UsageError,
  codeOf,
  exitStatus,
  invariant,
} from '../src/errors.ts';
import { FAILURE_CODE, failureKind } from '../src/push/push.ts';
import { GraphStoreError } from '../src/push/graph-store.ts';
import { OutputDir } from '../src/publish/output-dir.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The rows of README's "Exit codes and error codes" table: code → what it ends with ("exit 1", "HTTP 400"). */
function documentedCodes(): Map<string, string> {
  const start = README.indexOf('\n### Exit codes and error codes\n');
  expect(start, 'README.md has a section "Exit codes and error codes"').toBeGreaterThan(0);
  const rest = README.slice(start + 1);
  const section = rest.slice(0, rest.slice(1).search(/\n#{2,3} /) + 1 || undefined);
  // Cells may be padded to align the table's columns.
  const rows = [...section.matchAll(/^\| +`([A-Z_]+)` +\| ([^|]+) \|/gm)];
  return new Map(rows.map((m) => [m[1] ?? '', (m[2] ?? '').trim()]));
}

describe('the catalogue of codes', () => {
  it('is what README.md lists, code for code, each with its exit status or HTTP status', () => {
    const catalogue = new Map(
      Object.entries(CODES).map(([code, e]) => [code, 'exit' in e ? `exit ${e.exit}` : `HTTP ${e.http}`]),
    );
    expect(Object.fromEntries(documentedCodes())).toEqual(Object.fromEntries(catalogue));
  });

  it('keeps the exit statuses README promises: 1 data, 2 usage, 3 fault, 4 store unreachable', () => {
    expect(README).toMatch(/`1` invalid data.*`2` usage error.*`3` unexpected fault, `4` a store that could not/s);
    const statuses = Object.values(CODES).flatMap((e) => ('exit' in e ? [e.exit] : []));
    expect([...new Set(statuses)].sort()).toEqual([1, 2, 3, 4]);
    expect([
      exitStatus('YAML_SYNTAX'),
      exitStatus('USAGE'),
      exitStatus('FAULT'),
      exitStatus('STORE_UNREACHABLE'),
    ]).toEqual([1, 2, 3, 4]);
  });

  it("gives a server-only code reaching the command line the fault's status", () => {
    expect(exitStatus('QUERY_SYNTAX')).toBe(3);
  });
});

describe('errors carry their code, and the exit status follows from it', () => {
  const at = { file: 'data/projects/a.yaml', line: 3, column: 5 };

  it('a data error: the first problem gives the code, location and field; exit 1', () => {
    const e = new DataError([
      { code: 'UNKNOWN_REFERENCE', message: 'no such programme', location: at, field: 'programme' },
      { code: 'YAML_SYNTAX', message: 'bad', location: { ...at, line: 9 } },
    ]);
    expect([e.code, e.location, e.field, exitStatus(codeOf(e))]).toEqual(['UNKNOWN_REFERENCE', at, 'programme', 1]);
  });

  it('usage 2, an output refused 2, a broken invariant 3, anything else 3', () => {
    const thrown = (f: () => void): unknown => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const broken = thrown(() => invariant(false, 'never'));
    expect(broken).toBeInstanceOf(InternalError);
    const errors = [new UsageError('x'), new OutputError('x'), broken, new RangeError('x'), 'a string'];
    expect(errors.map((e) => [codeOf(e), exitStatus(codeOf(e))])).toEqual([
      ['USAGE', 2],
      ['OUTPUT', 2],
      ['FAULT', 3],
      ['FAULT', 3],
      ['FAULT', 3],
    ]);
  });

  it('a failed build takes the code of its cause: the file system 3, a lock taken over 2', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
    });
    const disk = new PublishFailure(full, 'nothing was published');
    const lock = new PublishFailure(new ProjectgraphError('OUTPUT', 'the lock was taken'), 'nothing was published');
    expect([disk.code, exitStatus(disk.code)]).toEqual(['FILESYSTEM', 3]);
    expect([lock.code, exitStatus(lock.code)]).toEqual(['OUTPUT', 2]);
  });

  it("a store's refusal is coded by its status, and a push ends with the status README gives each failure", () => {
    const byStatus = [401, 403, 408, 502, 400].map((s) => new GraphStoreError('refused', s));
    expect(byStatus.map((e) => e.code)).toEqual([
      'STORE_CREDENTIALS',
      'STORE_FORBIDDEN',
      'STORE_TIMEOUT',
      'STORE_UNREACHABLE',
      'STORE_REFUSED',
    ]);
    const kinds = byStatus.map((e) => failureKind(e));
    expect(kinds).toEqual(['credentials', 'forbidden', 'timeout', 'unreachable', 'refused']);
    const exits = Object.fromEntries(Object.entries(FAILURE_CODE).map(([kind, code]) => [kind, exitStatus(code)]));
    expect(exits).toEqual({ unreachable: 4, timeout: 4, credentials: 2, forbidden: 2, refused: 1, differs: 3 });
  });
});

describe('an output whose lock another process took over while the build ran', () => {
  it('is refused at the switch with code OUTPUT: exit 2, as README says of an output another build holds', async () => {
    const project = await mkdtemp(path.join(tmpdir(), 'projectgraph-errors-'));
    const output = await OutputDir.claim(path.join(project, 'output'), {
      dataDir: path.join(project, 'data'),
      shapesDir: path.join(project, 'shapes'),
    });
    try {
      await output.stage();
      await writeFile(path.join(project, '.output.builds', '.lock'), '{"pid":1,"token":"another build"}\n');
      const e: unknown = await output.publish().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ProjectgraphError);
      expect((e as Error).message).toMatch(/the lock .*\.lock was taken by another process while this build ran/);
      expect([codeOf(e), exitStatus(codeOf(e))]).toEqual(['OUTPUT', 2]);
    } finally {
      await output.release();
    }
  });
});
