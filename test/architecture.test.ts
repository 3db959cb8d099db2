// The shape of src/: no module imports itself back, through any chain of imports (type-only ones included).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './support/import-graph.ts';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'import-graph-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

function cyclesIn(root: string, from = root): string[] {
  return importCycles(importGraph(root)).map((c) => c.map((f) => path.relative(from, f)).join(' → '));
}

describe('the import graph', () => {
  it('finds cycles through type-only imports, re-exports and dynamic imports, and none through comments', () => {
    const root = tree({
      'a.ts': "import type { B } from './b.ts';\nexport type A = B;\n",
      'b.ts': "export { a } from './lib/c.ts';\nexport type B = string;\n",
      'lib/c.ts': "export const a = () => import('../a.ts');\n",
      'd.ts': "// import { e } from './e.ts';\nexport const d = 'import \"./e.ts\"';\n",
      'e.ts': "import { d } from './d.ts';\nexport const e = d;\n",
      'f.ts': "import { f as g } from './f.ts';\nexport const f = 1;\n",
    });
    expect(cyclesIn(root)).toEqual(['a.ts → b.ts → lib/c.ts → a.ts', 'f.ts → f.ts']);
  });

  it('refuses a relative import that names no file, so no cycle hides behind it', () => {
    const root = tree({ 'a.ts': "import { b } from './missing.ts';\n" });
    expect(() => importGraph(root)).toThrow(/the import "\.\/missing\.ts" names no file/);
  });
});

describe('src/', () => {
  it('is read whole: every module, with the CLI\'s lazy command imports', () => {
    const graph = importGraph(SRC);
    expect(graph.get(path.join(SRC, 'cli.ts'))).toContain(path.join(SRC, 'commands/build.ts'));
    expect(graph.get(path.join(SRC, 'map/map-records.ts'))).toContain(path.join(SRC, 'map/iri.ts'));
  });

  it('has no import cycles', () => {
    expect(cyclesIn(SRC, path.dirname(SRC))).toEqual([]);
  });
});
