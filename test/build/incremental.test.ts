// A build that reuses its cache writes exactly what a build without one writes, under any sequence of edits.
import { appendFile, cp, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generate } from '../../bench/generate.ts';
import { DEFAULT_SHAPES_DIR, build, type BuildSummary } from '../../src/pipeline.ts';
import { EPOCH } from '../publish/support.ts';

const PROJECTS = 16;

/** Every file under `dir` (links followed), by relative path. */
async function files(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const abs = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, abs), await readFile(abs));
  }
  return out;
}

async function expectSameFiles(a: string, b: string): Promise<void> {
  const [x, y] = [await files(a), await files(b)];
  expect([...x.keys()].sort()).toEqual([...y.keys()].sort());
  for (const [name, bytes] of x) expect(bytes.equals(y.get(name)!), name).toBe(true);
}

type Edit =
  | { kind: 'rename-project'; pick: number; words: string }
  | { kind: 'keyword'; pick: number; keyword: string }
  | { kind: 'delete-project'; pick: number }
  | { kind: 'add-project'; pick: number; id: string }
  | { kind: 'change-id'; pick: number; id: string }
  | { kind: 'organisation-name'; pick: number; words: string }
  | { kind: 'comment'; pick: number };

const word = fc.constantFrom('wijk', 'regio', 'groen', 'data', 'water', 'Zwolle', 'cultuur', 'ïngang', 'x');
const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const id = fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/).map((s) => `new-${s}`);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('rename-project' as const), pick: fc.nat(), words }),
  fc.record({ kind: fc.constant('keyword' as const), pick: fc.nat(), keyword: words }),
  fc.record({ kind: fc.constant('delete-project' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('add-project' as const), pick: fc.nat(), id }),
  fc.record({ kind: fc.constant('change-id' as const), pick: fc.nat(), id }),
  fc.record({ kind: fc.constant('organisation-name' as const), pick: fc.nat(), words }),
  fc.record({ kind: fc.constant('comment' as const), pick: fc.nat() }),
);

async function apply(data: string, e: Edit): Promise<void> {
  const folder = e.kind === 'organisation-name' ? 'organisations' : 'projects';
  const names = (await readdir(path.join(data, folder))).sort();
  if (names.length === 0) return;
  const file = path.join(data, folder, names[e.pick % names.length]!);
  const record = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const save = (r: Record<string, unknown>, to = file) => writeFile(to, stringify(r));
  switch (e.kind) {
    case 'rename-project':
    case 'organisation-name':
      return save({ ...record, name: e.words });
    case 'keyword':
      return save({ ...record, keywords: [...((record.keywords as string[]) ?? []), e.keyword] });
    case 'delete-project':
      return names.length > 1 ? unlink(file) : undefined;
    case 'comment':
      return writeFile(file, `# edited\n${await readFile(file, 'utf8')}`);
    case 'add-project':
    case 'change-id': {
      const target = path.join(data, folder, `${e.id}.yaml`);
      if (names.includes(`${e.id}.yaml`)) return;
      // Publication and subject ids are unique across records: they follow the project's, so no two share one.
      const publications = ((record.publications as { id: string }[]) ?? []).map((p, i) => ({
        ...p,
        id: `${e.id}-pub-${i}`,
      }));
      const about = ((record.about as { id: string }[]) ?? []).map((a, i) => ({ ...a, id: `${e.id}-over-${i}` }));
      await save({ ...record, id: e.id, publications, ...(record.about ? { about } : {}) }, target);
      if (e.kind === 'change-id') await rm(file);
      return;
    }
  }
}

describe('the build cache', () => {
  it('gives byte-identical output to a build without it, after any sequence of edits', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'projectgraph-incremental-'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const ws = path.join(root, String(run++));
        const data = path.join(ws, 'data');
        await generate(data, PROJECTS, 11);
        const warm = path.join(ws, 'warm');
        const cold = path.join(ws, 'cold');
        const both = async (): Promise<BuildSummary> => {
          const w = await build({ dataDir: data, outDir: warm, sourceDateEpoch: EPOCH });
          // The same previous outputs, so the change sets agree; only the cache is gone.
          await rm(path.join(ws, '.cold.builds', 'cache'), { recursive: true, force: true });
          const c = await build({ dataDir: data, outDir: cold, sourceDateEpoch: EPOCH });
          expect(c.reused.mapped).toBe(0);
          expect(c.parsed).toBe(c.records);
          await expectSameFiles(warm, cold);
          // SHACL warnings too, with their lines (a comment-only edit moves them).
          expect(w.warnings).toEqual(c.warnings);
          return w;
        };
        await both();
        for (const e of edits) {
          await apply(data, e);
          const w = await both();
          // The warm build did reuse: at most the edited records (two for a renamed one) were mapped again.
          expect(w.reused.mapped, JSON.stringify(e)).toBeGreaterThanOrEqual(w.records - 2);
          // and only the files whose bytes changed were parsed; most records kept their SHACL results.
          expect(w.parsed, JSON.stringify(e)).toBeLessThanOrEqual(2);
          expect(w.reused.validated, JSON.stringify(e)).toBeGreaterThan(w.records / 2);
        }
      }),
      { numRuns: 3 },
    );
  }, 240_000);

  it('moves a kept warning about a shared subject to its new line when the file it names changes', async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-shared-warning-'));
    const data = path.join(ws, 'data');
    await generate(data, 8, 5);
    // One keyword every project has: its subject is described by all of them and validated with the shared ones.
    for (const f of await readdir(path.join(data, 'projects'))) {
      const file = path.join(data, 'projects', f);
      const record = parse(await readFile(file, 'utf8')) as { keywords?: string[] };
      await writeFile(file, stringify({ ...record, keywords: [...(record.keywords ?? []), 'gedeeld'] }));
    }
    // A shape of the user's own that warns about keywords.
    const shapesDir = path.join(ws, 'shapes');
    await cp(DEFAULT_SHAPES_DIR, shapesDir, { recursive: true });
    await appendFile(
      path.join(shapesDir, 'projectgraph.ttl'),
      `\npgs:KeywordDescribed a sh:NodeShape ;\n  sh:targetClass schema:DefinedTerm ;\n  sh:property [\n` +
        `    sh:path schema:description ; sh:minCount 1 ; sh:severity sh:Warning ;\n` +
        `    sh:message "a keyword should have a description"@en\n  ] .\n`,
    );
    const warm = path.join(ws, 'warm');
    const first = await build({ dataDir: data, outDir: warm, shapesDir, sourceDateEpoch: EPOCH });
    const lineOf = async (w: BuildSummary['warnings'][number]) =>
      (await readFile(w.location!.file, 'utf8')).split('\n')[w.location!.line - 1] ?? '';
    const about = first.warnings.filter((w) => w.message.includes('a keyword should have a description'));
    const shared: BuildSummary['warnings'] = [];
    for (const w of about) if ((await lineOf(w)).includes('gedeeld')) shared.push(w);
    expect(shared).toHaveLength(1);
    const named = shared[0]!.location!;
    const file = path.resolve(named.file);
    await writeFile(file, `# moved\n${await readFile(file, 'utf8')}`);
    const again = await build({ dataDir: data, outDir: warm, shapesDir, sourceDateEpoch: EPOCH });
    const cold = await build({ dataDir: data, outDir: path.join(ws, 'cold'), shapesDir, sourceDateEpoch: EPOCH });
    expect(cold.reused.validated).toBe(0);
    expect(again.warnings).toEqual(cold.warnings);
    const moved = again.warnings.filter((w) => w.message === shared[0]!.message && w.location?.file === named.file);
    expect(moved.map((w) => w.location?.line)).toContain(named.line + 1);
    expect(await lineOf(moved.find((w) => w.location?.line === named.line + 1)!)).toContain('gedeeld');
  }, 120_000);

  it('finds a corrupt entry, makes it again, and still writes the same files', async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-corrupt-'));
    const data = path.join(ws, 'data');
    await generate(data, 12, 3);
    const out = path.join(ws, 'output');
    await build({ dataDir: data, outDir: out, sourceDateEpoch: EPOCH });
    const before = await files(out);
    const cache = path.join(ws, '.output.builds', 'cache');
    for (const f of await readdir(cache)) {
      if (!f.endsWith('.bin')) continue;
      const bytes = await readFile(path.join(cache, f));
      // Flip a byte every 997: every entry larger than that is damaged.
      for (let i = 500; i < bytes.length; i += 997) bytes[i] = bytes[i]! ^ 0x20;
      await writeFile(path.join(cache, f), bytes);
    }
    const again = await build({ dataDir: data, outDir: out, sourceDateEpoch: EPOCH });
    expect(again.reused.corrupt).toBeGreaterThan(0);
    const after = await files(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
    // A cache whose index was cut short is an empty cache, not a failed build.
    const index = await readFile(path.join(cache, 'index'), 'utf8');
    await writeFile(path.join(cache, 'index'), index.slice(0, Math.floor(index.length / 2)));
    const third = await build({ dataDir: data, outDir: out, sourceDateEpoch: EPOCH });
    expect(third.reused.mapped).toBe(0);
  }, 120_000);
});
