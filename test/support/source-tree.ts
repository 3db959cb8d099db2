// A source tree as the architecture test reads it: its import graph and cycles, and its code without comments.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseSync } from 'oxc-parser';

const SOURCE = /\.(ts|mts|js|mjs)$/;

/** Every source file under `root` (declaration files included: they import too), as absolute paths, sorted. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root).sort()) {
    const full = path.join(root, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (SOURCE.test(name)) out.push(full);
  }
  return out;
}

/**
 * Each file's relative imports (static, `import type`, `export … from`, dynamic `import()` of a string), resolved
 * to files. oxc's parser reads the module records, so imports in comments or strings are not taken for real
 * ones. A file that does not parse, or a relative specifier that names no file, is an error: a graph with a hole
 * in it would hide cycles.
 */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const { module, errors } = parseSync(file, text);
    if (errors.length > 0) throw new Error(`${file}: ${errors[0]?.message ?? 'does not parse'}`);
    const specifiers = [
      ...module.staticImports.map((i) => i.moduleRequest.value),
      ...module.staticExports.flatMap((e) =>
        e.entries.flatMap((x) => (x.moduleRequest ? [x.moduleRequest.value] : [])),
      ),
      // A dynamic import of a computed name cannot be followed; src/ has none (its lazy commands name their modules).
      ...module.dynamicImports.flatMap((d) => {
        const literal = /^(['"`])([^'"`$]*)\1$/.exec(text.slice(d.moduleRequest.start, d.moduleRequest.end))?.[2];
        return literal === undefined ? [] : [literal];
      }),
    ];
    const targets = specifiers
      .filter((spec) => spec.startsWith('./') || spec.startsWith('../'))
      .map((spec) => resolve(file, spec));
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** The file's text with every comment blanked out (same offsets), so what is left is code and strings. */
export function codeWithoutComments(file: string): string {
  const text = readFileSync(file, 'utf8');
  const { comments, errors } = parseSync(file, text);
  if (errors.length > 0) throw new Error(`${file}: ${errors[0]?.message ?? 'does not parse'}`);
  let code = '';
  let at = 0;
  for (const c of comments) {
    code += text.slice(at, c.start) + text.slice(c.start, c.end).replace(/[^\n]/g, ' ');
    at = c.end;
  }
  return code + text.slice(at);
}

function resolve(from: string, spec: string): string {
  const target = path.resolve(path.dirname(from), spec);
  // Specifiers name the file as written (`./x.ts`); `./x.js` for a TypeScript source is the other common form.
  for (const candidate of [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${from}: the import "${spec}" names no file`);
}

/**
 * The import cycles: each strongly connected component of more than one file (or a file importing itself),
 * written as one closed path through it, e.g. ["a.ts", "b.ts", "a.ts"]. Tarjan's algorithm, so every file
 * on some cycle is reported once, however many cycles run through it.
 */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const seen = new Map<string, { index: number; low: number }>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): { index: number; low: number } => {
    const node = { index: seen.size, low: seen.size };
    seen.set(v, node);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      const known = seen.get(w);
      if (known === undefined) node.low = Math.min(node.low, visit(w).low);
      else if (onStack.has(w)) node.low = Math.min(node.low, known.index);
    }
    if (node.low === node.index) {
      const component = stack.splice(stack.lastIndexOf(v));
      for (const w of component) onStack.delete(w);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
    return node;
  };
  for (const v of [...graph.keys()].sort()) if (!seen.has(v)) visit(v);
  return components.map((c) => closedPath(graph, new Set(c))).sort((a, b) => compare(a[0] ?? '', b[0] ?? ''));
}

/** A shortest path from the component's first file (in sort order) back to itself, inside the component. */
function closedPath(graph: Map<string, string[]>, component: Set<string>): string[] {
  const start = [...component].sort(compare)[0] ?? '';
  const previous = new Map<string, string>();
  const queue = [start];
  for (let v = queue.shift(); v !== undefined; v = queue.shift()) {
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        // Walk back from v to start, then read the walk forwards and close it.
        const back: string[] = [];
        for (let at: string | undefined = v; at !== undefined && at !== start; at = previous.get(at)) back.push(at);
        return [start, ...back.reverse(), start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
