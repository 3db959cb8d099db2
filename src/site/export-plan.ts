// Which resources an export into a folder it exported before must render again: from the build's change sets, the
// resources whose statements changed and those whose pages show them; undefined (render all) whenever unsure.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as RDF from '@rdfjs/types';
import { Parser, Writer } from 'n3';
import { CHANGES_DIR, INDEX_FILE, type ChangeIndex } from '../publish/change-sets.ts';
import { LABELS, TYPE } from '../store/describe.ts';
import type { MemoryGraph } from '../store/memory-describe.ts';

/** What an export was made from, kept in its manifest: a later export with the same code and documents can follow. */
export interface ExportSource {
  /** graphs.json `state` of the build exported. */
  state: string;
  /** SHA-256 of the code that rendered it (every module of projectgraph). */
  code: string;
  /** SHA-256 of the catalogue's and VoID's statements every page's index holds (all but counts and sizes). */
  shown: string;
  /** The resources the catalogue and VoID name (an example resource), sorted: their pages show those documents. */
  named: string[];
}

const CODE_DIR = fileURLToPath(new URL('../', import.meta.url));
let codeHash: Promise<string> | undefined;

/** A hash of every file of the running projectgraph's code: another version may render other bytes. */
export function codeVersion(): Promise<string> {
  codeHash ??= (async () => {
    const hash = createHash('sha256');
    const entries = await readdir(CODE_DIR, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
    for (const f of files) hash.update(`${path.relative(CODE_DIR, f)}\0`).update(await readFile(f));
    return hash.digest('hex');
  })();
  return codeHash;
}

/** The documents' statements whose change could show on any page: their types and labels. */
export function shownHash(after: readonly RDF.Quad[]): string {
  const writer = new Writer({ format: 'N-Triples' });
  const lines = after
    .filter((q) => q.predicate.value === TYPE || LABELS.has(q.predicate.value))
    .map((q) => writer.quadToString(q.subject, q.predicate, q.object))
    .sort();
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** The resources (of `resources`) that the documents' statements `after` name, sorted. */
export function namedResources(after: readonly RDF.Quad[], resources: ReadonlySet<string>): string[] {
  const named = new Set<string>();
  for (const q of after) {
    for (const t of [q.subject, q.object]) {
      const doc = t.value.split('#')[0]!;
      if (t.termType === 'NamedNode' && resources.has(doc)) named.add(doc);
    }
  }
  return [...named].sort();
}

/**
 * The statements added and removed between state `from` and the build in `build` (state `to`), from the change sets
 * the build keeps; undefined when they do not lead from `from` to `to`, or when the dataset's own graph changed (its
 * name, licence and publisher are on every page).
 */
export async function changedStatements(
  build: string,
  from: string,
  to: string,
  datasetGraph: string,
): Promise<RDF.Quad[] | undefined> {
  if (from === to) return [];
  let index: ChangeIndex;
  try {
    index = JSON.parse(await readFile(path.join(build, INDEX_FILE), 'utf8')) as ChangeIndex;
  } catch {
    return undefined;
  }
  if (index.state !== to || !Array.isArray(index.changes)) return undefined;
  const start = index.changes.findIndex((c) => c.from === from);
  if (start < 0) return undefined;
  const chain = index.changes.slice(start);
  if (chain.at(-1)?.to !== to) return undefined;
  for (let i = 1; i < chain.length; i++) if (chain[i]!.from !== chain[i - 1]!.to) return undefined;
  const quads: RDF.Quad[] = [];
  for (const c of chain) {
    if (c.graphs.some((g) => g.graph === datasetGraph)) return undefined;
    try {
      quads.push(
        ...new Parser({ format: 'TriG' }).parse(await readFile(path.join(build, CHANGES_DIR, c.file), 'utf8')),
      );
    } catch {
      return undefined;
    }
  }
  return quads;
}

/**
 * The resources (of `resources`) whose page, .ttl or .jsonld can differ after the `changed` statements, found in the
 * new graph: the resource each statement is about or links to; for a type or label, or any statement of a fragment,
 * also every resource linking to or linked from its subject (their pages show it), and for a type or label of a
 * folder (`keyword`) every resource under it (their crumbs name it).
 */
export function affectedResources(
  changed: readonly RDF.Quad[],
  graph: MemoryGraph,
  resources: ReadonlySet<string>,
): Set<string> {
  const affected = new Set<string>();
  const doc = (iri: string) => {
    const hash = iri.indexOf('#');
    return hash === -1 ? iri : iri.slice(0, hash);
  };
  const mark = (t: RDF.Term) => {
    if (t.termType === 'NamedNode' && resources.has(doc(t.value))) affected.add(doc(t.value));
  };
  const folders = new Set<string>();
  for (const q of changed) {
    mark(q.subject);
    mark(q.object);
    const shown = q.predicate.value === TYPE || LABELS.has(q.predicate.value);
    if (q.subject.termType !== 'NamedNode' || !(shown || q.subject.value.includes('#'))) continue;
    for (const l of graph.objectOf(q.subject.value)) mark(l.subject);
    for (const l of graph.subjectOf(q.subject.value)) mark(l.object);
    if (shown) folders.add(`${q.subject.value}/`);
  }
  if (folders.size > 0) {
    for (const r of resources) for (const f of folders) if (r.startsWith(f)) affected.add(r);
  }
  return affected;
}
