// Change sets: a manifest of each named graph's content hash (graphs.json) and, per build that changes something, changes/<sequence>.trig with an index.
import { ProjectgraphError, invariant } from '../errors.ts';
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser } from 'n3';
import type { NamedNode, Quad } from '@rdfjs/types';
import { DATASET_PATHS, datasetIris } from '../dataset-iris.ts';
import {
  compare,
  nquadsLayout,
  nquadsPieces,
  toTriG,
  trigPieces,
  type GraphSummary,
  type NamedGraph,
  type NQuadsLayout,
} from './named-graphs.ts';

export const MANIFEST_FILE = 'graphs.json';
export const CHANGES_DIR = DATASET_PATHS.changes;
export const INDEX_FILE = `${CHANGES_DIR}/index.json`;
/** How many change sets are kept; a consumer further behind reloads the dump. */
export const KEPT_CHANGE_SETS = 100;

export interface GraphEntry {
  /** sha256 (hex) of the graph's sorted N-Triples lines. */
  hash: string;
  triples: number;
  /** Where the graph's lines sit in dataset.nq (bytes), so one graph is read without parsing the whole dump. */
  offset: number;
  length: number;
}

/** graphs.json: the state of the build as named graphs. */
export interface Manifest {
  format: 'projectgraph-graphs/1';
  /** Goes up by one with each build that changes any graph; 1 for a build with no usable previous output. */
  sequence: number;
  /** sha256 over every graph's IRI and hash: two builds with the same state have the same value. */
  state: string;
  /** Every graph name starts with this; a store holding other graphs under it holds stale ones. */
  graphPrefix: string;
  dump: 'dataset.nq';
  /** The date of the first build of this sequence line and of the last change (YYYY-MM-DD), when the build has a date. */
  issued?: string;
  modified?: string;
  graphs: Record<string, GraphEntry>;
}

export interface ChangeSetEntry {
  sequence: number;
  file: string;
  /** The state this change set applies to, and the state it leads to. */
  from: string;
  to: string;
  modified?: string;
  graphs: {
    graph: string;
    change: 'added' | 'updated' | 'removed';
    /** The graph in the change-set file that holds the statements added to / removed from `graph`. */
    added?: { graph: string; triples: number };
    removed?: { graph: string; triples: number };
  }[];
}

/** changes/index.json: which change sets exist, oldest first. */
export interface ChangeIndex {
  format: 'projectgraph-changes/1';
  /** The sequence of the dumps beside this index. */
  latest: number;
  state: string;
  changes: ChangeSetEntry[];
}

export interface ChangeSetResult {
  manifest: Manifest;
  /** The file (relative to output/) that this build added, if it changed anything. */
  written?: string;
  /** Every file to put in the new output: graphs.json, the index and the change sets kept. */
  files: Map<string, string>;
  /** Why the previous output could not be compared, when it could not. */
  restarted?: string;
}

/**
 * Compares the new graphs with the previous build in `previousDir` (the current output/, read before the
 * staged output replaces it) and returns the manifest, the index and the change sets to publish. Pure apart
 * from reading the previous output: the same previous output and graphs always give the same files.
 */
export async function changeSets(options: {
  previousDir: string;
  graphs: readonly GraphSummary[];
  /** The sorted N-Triples lines of one of `graphs`: read only for the graphs that changed. */
  linesOf: (name: string) => readonly string[];
  layout: NQuadsLayout;
  graphPrefix: string;
  base: string;
  prefixes: Record<string, string>;
  /** issued/modified to record (see changeDates()). */
  dates: Dates;
}): Promise<ChangeSetResult> {
  const { graphs, layout, graphPrefix } = options;
  const entries: Record<string, GraphEntry> = {};
  for (const g of graphs) {
    const range = layout.ranges.get(g.name.value);
    invariant(range, () => `named graph ${g.name.value} is missing from dataset.nq`);
    entries[g.name.value] = { hash: g.hash, triples: g.triples, ...range };
  }
  const state = stateHash(entries);
  const fresh = (restarted?: string): ChangeSetResult => {
    const manifest = withDates(
      { format: 'projectgraph-graphs/1', sequence: 1, state, graphPrefix, dump: 'dataset.nq', graphs: entries },
      options.dates,
    );
    const index: ChangeIndex = { format: 'projectgraph-changes/1', latest: 1, state, changes: [] };
    return { manifest, files: files(manifest, index, new Map()), ...(restarted ? { restarted } : {}) };
  };

  const previous = await readPrevious(options.previousDir);
  if (previous.problem !== undefined) return fresh(previous.problem);
  if (previous.manifest === undefined) return fresh();
  const old = previous.manifest;
  const oldIndex = previous.index;
  const kept = previous.changeFiles;

  if (old.state === state && old.graphPrefix === graphPrefix) {
    // Nothing changed: the same sequence, dates and change sets as before.
    const manifest = withDates(
      {
        format: 'projectgraph-graphs/1',
        sequence: old.sequence,
        state,
        graphPrefix,
        dump: 'dataset.nq',
        graphs: entries,
      },
      old,
    );
    return { manifest, files: files(manifest, oldIndex, kept) };
  }

  const sequence = old.sequence + 1;
  const names = [...new Set([...Object.keys(old.graphs), ...Object.keys(entries)])].sort(compare);
  const changed = names.filter((n) => old.graphs[n]?.hash !== entries[n]?.hash);
  let oldLines: Map<string, string[]>;
  try {
    oldLines = await readGraphLines(
      path.join(options.previousDir, old.dump),
      old,
      changed.filter((n) => old.graphs[n]),
    );
  } catch (e) {
    return fresh(`the previous ${old.dump} does not match its ${MANIFEST_FILE} (${(e as Error).message})`);
  }
  const iris = datasetIris(options.base);
  const changeIri = (kind: 'added' | 'removed', graph: string) =>
    iris.change(
      sequence,
      kind,
      graph.startsWith(graphPrefix) ? graph.slice(graphPrefix.length) : encodeURIComponent(graph),
    );

  const trigGraphs: { name: NamedNode; quads: Quad[] }[] = [];
  const entry: ChangeSetEntry = { sequence, file: `${sequence}.trig`, from: old.state, to: state, graphs: [] };
  if (options.dates.modified !== undefined) entry.modified = options.dates.modified;
  for (const name of changed) {
    const before = oldLines.get(name) ?? [];
    const after = entries[name] ? options.linesOf(name) : [];
    const beforeSet = new Set(before);
    const afterSet = new Set(after);
    const removed = before.filter((l) => !afterSet.has(l));
    const added = after.filter((l) => !beforeSet.has(l));
    const item: ChangeSetEntry['graphs'][number] = {
      graph: name,
      change:
        before.length === 0 && !old.graphs[name]
          ? 'added'
          : after.length === 0 && !entries[name]
            ? 'removed'
            : 'updated',
    };
    if (added.length > 0) {
      const g = changeIri('added', name);
      item.added = { graph: g.value, triples: added.length };
      trigGraphs.push({ name: g, quads: parseLines(added) });
    }
    if (removed.length > 0) {
      const g = changeIri('removed', name);
      item.removed = { graph: g.value, triples: removed.length };
      trigGraphs.push({ name: g, quads: parseLines(removed) });
    }
    entry.graphs.push(item);
  }
  const header =
    `# projectgraph change set ${sequence}: from state ${old.state} to ${state}.\n` +
    `# For each changed graph G, ${iris.change(sequence, 'added', '…').value} and …/removed/… hold the statements to insert into and delete from G;\n` +
    `# ${INDEX_FILE} names G for each of them.\n`;
  const trig = await toTriG(
    trigGraphs.sort((a, b) => compare(a.name.value, b.name.value)),
    options.prefixes,
    header,
  );

  const index: ChangeIndex = {
    format: 'projectgraph-changes/1',
    latest: sequence,
    state,
    changes: [...oldIndex.changes, entry].slice(-KEPT_CHANGE_SETS),
  };
  const keptFiles = new Map<string, string>();
  for (const c of index.changes) {
    const content = c.sequence === sequence ? trig : kept.get(c.file);
    if (content !== undefined) keptFiles.set(c.file, content);
  }
  const manifest = withDates(
    { format: 'projectgraph-graphs/1', sequence, state, graphPrefix, dump: 'dataset.nq', graphs: entries },
    options.dates,
  );
  return { manifest, written: `${CHANGES_DIR}/${entry.file}`, files: files(manifest, index, keptFiles) };
}

export interface Dates {
  issued?: string;
  modified?: string;
}

function withDates(m: Manifest, { issued, modified }: Dates): Manifest {
  const { issued: _i, modified: _m, graphs, ...rest } = m;
  return {
    ...rest,
    ...(issued !== undefined ? { issued } : {}),
    ...(modified !== undefined ? { modified } : {}),
    graphs,
  };
}

/**
 * The dates the catalogue states: `modified` is the build date of the last build whose data graphs
 * changed and `issued` that of the first build of the sequence line; both carry over unchanged while the
 * data stays the same, so a rebuild with a later SOURCE_DATE_EPOCH or commit date changes nothing.
 */
export async function changeDates(
  previousDir: string,
  graphs: readonly GraphSummary[],
  date: string | undefined,
): Promise<Dates> {
  const now: Dates = date === undefined ? {} : { issued: date, modified: date };
  let text: string;
  try {
    text = await readFile(path.join(path.resolve(previousDir), MANIFEST_FILE), 'utf8');
  } catch {
    return now;
  }
  const old = parseManifest(text);
  if (typeof old === 'string') return now;
  const same =
    Object.keys(old.graphs).length === graphs.length && graphs.every((g) => old.graphs[g.name.value]?.hash === g.hash);
  const issued = old.issued ?? date;
  if (same)
    return {
      ...(old.issued !== undefined ? { issued: old.issued } : {}),
      ...(old.modified !== undefined ? { modified: old.modified } : {}),
    };
  return { ...(issued !== undefined ? { issued } : {}), ...(date !== undefined ? { modified: date } : {}) };
}

function files(manifest: Manifest, index: ChangeIndex, changeFiles: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>([
    [MANIFEST_FILE, json(manifest)],
    [INDEX_FILE, json(index)],
  ]);
  for (const [file, content] of [...changeFiles].sort((a, b) => compare(a[0], b[0])))
    out.set(`${CHANGES_DIR}/${file}`, content);
  return out;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 1)}\n`;
}

export function stateHash(graphs: Record<string, { hash: string }>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(graphs).sort(compare)) h.update(`${name} ${graphs[name]!.hash}\n`);
  return h.digest('hex');
}

interface Previous {
  manifest?: Manifest;
  index: ChangeIndex;
  changeFiles: Map<string, string>;
  problem?: string;
}

/** Reads graphs.json, the index and the change sets of the previous output; a missing output is no problem. */
export async function readPrevious(dir: string): Promise<Previous> {
  const emptyIndex: ChangeIndex = { format: 'projectgraph-changes/1', latest: 0, state: '', changes: [] };
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { index: emptyIndex, changeFiles: new Map() };
    throw e;
  }
  const manifest = parseManifest(text);
  if (typeof manifest === 'string')
    return { index: emptyIndex, changeFiles: new Map(), problem: `the previous ${MANIFEST_FILE} ${manifest}` };
  let index = emptyIndex;
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, INDEX_FILE), 'utf8')) as ChangeIndex;
    if (parsed.format === 'projectgraph-changes/1' && Array.isArray(parsed.changes)) index = parsed;
  } catch {
    // No index: the change sets start again from this build; the manifest is still good for comparing.
  }
  const changeFiles = new Map<string, string>();
  for (const c of index.changes) {
    if (!/^\d+\.trig$/.test(c.file)) continue;
    try {
      changeFiles.set(c.file, await readFile(path.join(dir, CHANGES_DIR, c.file), 'utf8'));
    } catch {
      // A change set deleted by hand is dropped from the index below.
    }
  }
  index = { ...index, changes: index.changes.filter((c) => changeFiles.has(c.file)) };
  return { manifest, index, changeFiles };
}

/** Checks the shape of graphs.json; returns what is wrong as text. */
export function parseManifest(text: string): Manifest | string {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    return `is not JSON (${(e as Error).message})`;
  }
  const v = m as Partial<Manifest> | null;
  if (v?.format !== 'projectgraph-graphs/1') return 'is not a projectgraph-graphs/1 manifest';
  if (!Number.isInteger(v.sequence) || (v.sequence ?? 0) < 1) return 'has no valid sequence';
  if (typeof v.state !== 'string' || typeof v.graphPrefix !== 'string' || v.dump !== 'dataset.nq')
    return 'lacks state, graphPrefix or dump';
  if (!v.graphs || typeof v.graphs !== 'object') return 'lists no graphs';
  for (const [name, g] of Object.entries(v.graphs)) {
    if (
      typeof g?.hash !== 'string' ||
      !Number.isInteger(g.offset) ||
      !Number.isInteger(g.length) ||
      !Number.isInteger(g.triples)
    ) {
      return `has a malformed entry for ${name}`;
    }
  }
  return v as Manifest;
}

/**
 * Reads the N-Triples lines of the named graphs from an N-Quads dump laid out as nquadsPieces() writes it,
 * by the byte ranges of the manifest, and checks each against its hash.
 */
export async function readGraphLines(
  nqFile: string,
  manifest: Manifest,
  names: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (names.length === 0) return out;
  const handle = await open(nqFile, 'r');
  try {
    for (const name of names) {
      const entry = manifest.graphs[name];
      if (!entry) throw damaged(`no entry for ${name}`);
      const buffer = Buffer.alloc(entry.length);
      const { bytesRead } = await handle.read(buffer, 0, entry.length, entry.offset);
      if (bytesRead !== entry.length) throw damaged(`${name} runs past the end of the file`);
      const lines = toTripleLines(buffer.toString('utf8'), name);
      const h = createHash('sha256');
      for (const l of lines) h.update(l);
      if (h.digest('hex') !== entry.hash || lines.length !== entry.triples) {
        throw damaged(`the statements of ${name} do not match their hash`);
      }
      out.set(name, lines);
    }
  } finally {
    await handle.close();
  }
  return out;
}

/** A dump that does not match its manifest: an output changed or cut short after its build. */
const damaged = (message: string) => new ProjectgraphError('BUILD_DAMAGED', message);

/** N-Quads lines of one graph back to the N-Triples lines they were made from (the graph term dropped). */
function toTripleLines(text: string, graph: string): string[] {
  const suffix = ` <${graph}> .`;
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (!line.endsWith(suffix)) throw damaged(`a line of ${graph} is not in that graph`);
    lines.push(`${line.slice(0, -suffix.length)} .\n`);
  }
  return lines;
}

function parseLines(lines: readonly string[]): Quad[] {
  return new Parser({ format: 'N-Triples' }).parse(lines.join(''));
}

/**
 * The publish step for named graphs: writes dataset.nq and dataset.trig (in pieces, through `writeLarge`),
 * graphs.json and the change sets (through `write`), comparing with the output in `previousDir` before the
 * staged output replaces it.
 */
export async function publishNamedGraphs(options: {
  graphs: readonly NamedGraph[];
  previousDir: string;
  base: string;
  graphPrefix: string;
  prefixes: Record<string, string>;
  dates: Dates;
  write: (name: string, content: string) => Promise<void>;
  writeLarge: (name: string, pieces: Iterable<string> | AsyncIterable<string>) => Promise<unknown>;
}): Promise<ChangeSetResult> {
  const layout = nquadsLayout(options.graphs);
  const byName = new Map(options.graphs.map((g) => [g.name.value, g.lines]));
  const linesOf = (name: string) => byName.get(name) ?? [];
  const result = await changeSets({ ...options, layout, linesOf, previousDir: path.resolve(options.previousDir) });
  await options.writeLarge('dataset.nq', nquadsPieces(options.graphs));
  await options.writeLarge('dataset.trig', trigPieces(options.graphs, options.prefixes));
  for (const [name, content] of result.files) await options.write(name, content);
  return result;
}
