// The shape of src/: no import cycles (type-only imports included); IRIs only from vocab.ts and the IRI helpers.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeWithoutComments, importCycles, importGraph, sourceFiles } from './support/source-tree.ts';

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
  it("is read whole: every module, with the CLI's lazy command imports", () => {
    const graph = importGraph(SRC);
    expect(graph.get(path.join(SRC, 'cli.ts'))).toContain(path.join(SRC, 'commands/build.ts'));
    expect(graph.get(path.join(SRC, 'map/map-records.ts'))).toContain(path.join(SRC, 'map/iri.ts'));
  });

  it('has no import cycles', () => {
    expect(cyclesIn(SRC, path.dirname(SRC))).toEqual([]);
  });
});

/** The http(s) addresses written in a module's code (comments aside). */
function addresses(file: string): string[] {
  // An address assembled at run time (`http://${host}`) is kept up to its first substitution.
  return [...codeWithoutComments(file).matchAll(/https?:\/\/[^\s'"`<>)$]*/g)].map((m) => m[0]);
}

/** Places in a module's code that write a path onto a base IRI by hand: `${base}dataset`, base + 'sparql', base + file. */
function baseJoins(file: string): string[] {
  const joined = /\$\{\s*[\w.]*(?:base|Base)\w*\s*\}[\w.]|\b[\w.]*(?:base|Base)\w*\s*\+\s*[\w'"`]/g;
  return [...codeWithoutComments(file).matchAll(joined)].map((m) => m[0]);
}

/** Each module of src/ by its name from the project root ("src/vocab.ts"), with what `find` finds in it. */
function inSrc(find: (file: string) => string[], skip: ReadonlySet<string> = new Set()): string[] {
  return sourceFiles(SRC).flatMap((file) => {
    const name = path.relative(path.dirname(SRC), file);
    return skip.has(name) ? [] : find(file).map((hit) => `${name}: ${hit}`);
  });
}

/**
 * Addresses allowed outside vocab.ts, each for a reason. None of them is a namespace or a resource of the data.
 * The entries marked "moves to vocab.ts" are modules other work on issue 13 owns; they may disappear from here.
 */
const ADDRESSES_OUTSIDE_VOCAB = new Set([
  // Help text: the store addresses a user types, as examples.
  'src/commands/push.ts: http://host:3030/ds/sparql',
  'src/commands/push.ts: http://host:3030/ds/data',
  'src/commands/push.ts: http://host:8890/sparql',
  'src/commands/push.ts: http://host:8890/sparql-graph-crud-auth',
  'src/commands/push.ts: http://host:8890/sparql-auth',
  // The server's own listening address (assembled from host and port), and the base that parses a request's path.
  'src/serve/server.ts: http://',
  'src/serve/server.ts: http://localhost',
  // The base a store without a dataset description is served under (moves to the dataset's IRIs).
  'src/serve/server.ts: http://localhost/',
  // Example addresses in messages that tell an editor what an IRI field must look like.
  'src/ingest/check-iri.ts: https://www.example.nl/',
  'src/ingest/schema.ts: https://www.example.nl/',
  'src/ingest/schema.ts: https://projectgraph.example/',
]);

/** Where the base IRI may be joined to a path: the modules that mint the dataset's IRIs. */
const IRI_HELPERS = new Set(['src/dataset-iris.ts', 'src/map/iri.ts']);

describe('IRIs in src/', () => {
  it('are found where a module writes them, and not in its comments', () => {
    const root = tree({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a module under test, not a template
      'a.ts': "// http://purl.org/dc/terms/ and `${base}void` in a comment\nconst s = 'http://schema.org/';\n",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a module under test, not a template
      'b.ts': "const d = `${base}dataset`;\nconst c = baseIri + 'catalog';\nconst q = `${base}${query}`;\n",
    });
    expect(addresses(path.join(root, 'a.ts'))).toEqual(['http://schema.org/']);
    expect(baseJoins(path.join(root, 'a.ts'))).toEqual([]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a module under test, not a template
    expect(baseJoins(path.join(root, 'b.ts'))).toEqual(['${base}d', "baseIri + '"]);
  });

  it('come from vocab.ts: no other module writes a namespace or a vocabulary term', () => {
    const outside = inSrc(addresses, new Set(['src/vocab.ts']));
    expect(outside.filter((a) => !ADDRESSES_OUTSIDE_VOCAB.has(a))).toEqual([]);
  });

  it('of the dataset come from the IRI helpers: no other module joins the base IRI to a path', () => {
    expect(inSrc(baseJoins, IRI_HELPERS)).toEqual([]);
  });
});

/** Places in a module's code that make an error without a code: `new Error(`, thrown or handed to reject(). */
function bareErrors(file: string): string[] {
  return [...codeWithoutComments(file).matchAll(/\bnew Error\(/g)].map((m) => m[0]);
}

/**
 * Modules another branch of issue 13 rewrites (the worker threads of pages and SHACL), left as they are here;
 * each must still hold the bare error it is listed for, so the list empties as that work lands.
 */
const BARE_ERRORS_ELSEWHERE = new Set<string>([]);

describe('errors in src/', () => {
  it('are found where a module makes one, and not in its comments or in coded errors', () => {
    const root = tree({
      'a.ts': "// throw new Error('x')\nthrow new InternalError('y');\nreject(new Error('z'));\nthrow new Error(`w`);",
    });
    expect(bareErrors(path.join(root, 'a.ts'))).toEqual(['new Error(', 'new Error(']);
  });

  it('carry a code: no module throws a bare Error (an invariant of our own is an InternalError, code FAULT)', () => {
    const found = inSrc(bareErrors);
    expect(found.filter((hit) => !BARE_ERRORS_ELSEWHERE.has(hit))).toEqual([]);
    expect([...BARE_ERRORS_ELSEWHERE].filter((hit) => !found.includes(hit))).toEqual([]);
  });

  it("derive from ProjectgraphError; only HttpError, the protocol's own, extends Error itself", () => {
    const subclasses = (file: string) =>
      [...codeWithoutComments(file).matchAll(/class (\w+) extends Error\b/g)].map((m) => m[1] ?? '');
    const direct = inSrc(subclasses);
    expect(direct.sort()).toEqual(['src/errors.ts: ProjectgraphError', 'src/serve/http-error.ts: HttpError']);
  });
});
