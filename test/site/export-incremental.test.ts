// An export into a folder it exported before renders only what can have changed: after any edits, the same bytes as a
// full export into a new folder, and far fewer resources rendered.
import { mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generate } from '../../bench/generate.ts';
import { build, DEFAULT_SHAPES_DIR } from '../../src/pipeline.ts';
import { EXPORT_MANIFEST } from '../../src/site/export-dir.ts';
import { exportSite } from '../../src/site/export-site.ts';
import { EPOCH } from '../publish/support.ts';

/** Every file under `dir` but the export's manifest, by relative path. */
async function files(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name === EXPORT_MANIFEST) continue;
    const abs = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, abs), await readFile(abs));
  }
  return out;
}

type Edit =
  | { kind: 'rename-project' | 'organisation-name'; pick: number; words: string }
  | { kind: 'keyword'; pick: number; keyword: string }
  | { kind: 'delete-project' | 'drop-keywords'; pick: number }
  | { kind: 'add-project'; pick: number; id: string };

const words = fc
  .array(fc.constantFrom('wijk', 'regio', 'groen', 'water', 'Zwolle', 'ïngang'), { minLength: 1, maxLength: 3 })
  .map((w) => w.join(' '));
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('rename-project' as const, 'organisation-name' as const), pick: fc.nat(), words }),
  fc.record({ kind: fc.constant('keyword' as const), pick: fc.nat(), keyword: words }),
  fc.record({ kind: fc.constantFrom('delete-project' as const, 'drop-keywords' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('add-project' as const),
    pick: fc.nat(),
    id: fc.stringMatching(/^[a-z][a-z0-9]{2,6}$/).map((s) => `new-${s}`),
  }),
);

async function apply(data: string, e: Edit): Promise<void> {
  const folder = e.kind === 'organisation-name' ? 'organisations' : 'projects';
  const names = (await readdir(path.join(data, folder))).sort();
  const file = path.join(data, folder, names[e.pick % names.length]!);
  const record = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const save = (r: Record<string, unknown>, to = file) => writeFile(to, stringify(r));
  switch (e.kind) {
    case 'rename-project':
    case 'organisation-name':
      return save({ ...record, name: e.words });
    case 'keyword':
      return save({ ...record, keywords: [...((record.keywords as string[]) ?? []), e.keyword] });
    case 'drop-keywords': {
      const { keywords: _, ...rest } = record;
      return save(rest);
    }
    case 'delete-project':
      return names.length > 1 ? unlink(file) : undefined;
    case 'add-project': {
      if (names.includes(`${e.id}.yaml`)) return;
      // Publication and subject ids follow the project's, so no two records share one.
      const publications = ((record.publications as { id: string }[]) ?? []).map((p, i) => ({
        ...p,
        id: `${e.id}-pub-${i}`,
      }));
      const about = ((record.about as { id: string }[]) ?? []).map((a, i) => ({ ...a, id: `${e.id}-over-${i}` }));
      return save(
        { ...record, id: e.id, publications, ...(record.about ? { about } : {}) },
        path.join(path.dirname(file), `${e.id}.yaml`),
      );
    }
  }
}

describe('an export after edits', () => {
  it('equals a full export byte for byte, after any sequence of edits', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'projectgraph-export-incremental-'));
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
          const ws = path.join(root, String(run++));
          const data = path.join(ws, 'data');
          const out = path.join(ws, 'output');
          await generate(data, 20, 5);
          const exportInto = (dir: string) =>
            exportSite({ from: out, out: path.join(ws, dir), dataDir: data, shapesDir: DEFAULT_SHAPES_DIR });
          await build({ dataDir: data, outDir: out, sourceDateEpoch: EPOCH });
          const first = await exportInto('site');
          for (const e of edits) {
            await apply(data, e);
            await build({ dataDir: data, outDir: out, sourceDateEpoch: EPOCH });
            const again = await exportInto('site');
            // Only what the edit can have changed was rendered (the documents and their neighbours always are).
            expect(again.rendered, JSON.stringify(e)).toBeLessThan(first.rendered / 2);
          }
          await exportInto(`full-${run}`);
          const [a, b] = [await files(path.join(ws, 'site')), await files(path.join(ws, `full-${run}`))];
          expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
          const differ = [...a].filter(([name, bytes]) => !bytes.equals(b.get(name)!)).map(([name]) => name);
          expect(differ, JSON.stringify(edits)).toEqual([]);
        }),
        // A new project that sorts first becomes the catalogue's example resource: the one it was loses it.
        { numRuns: 3, examples: [[[{ kind: 'add-project', pick: 11, id: 'new-aaa' }]]] },
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 300_000);
});
