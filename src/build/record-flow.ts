// Map and validate the records a part at a time: each record's named graph goes to the spill as soon as it is
// mapped, and SHACL sees the records in parts, so no step holds every statement of the build at once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Quad } from '@rdfjs/types';
import { Parser, Writer } from 'n3';
import { datasetIris } from '../dataset-iris.ts';
import { invariant, type Problem } from '../errors.ts';
import type { Records } from '../ingest/read-records.ts';
import { mapDataset } from '../map/dataset.ts';
import { Emitter, type Origin } from '../map/emit.ts';
import { mintIris } from '../map/iri.ts';
import { mapRecord, type MappedRecord } from '../map/map-records.ts';
import { withProvenance } from '../map/provenance.ts';
import { sortedGraph } from '../publish/graph.ts';
import { inVocabularyDocument } from '../publish/vocabulary.ts';
import { noProgress, type Progress } from '../progress.ts';
import { sortProblems, validateRecords, type ShapesBundle } from '../validate/shacl.ts';
import { tripleId } from '../terms.ts';
import { RDF } from '../vocab.ts';
import { cacheKey, noCache, type PieceCache } from './build-cache.ts';
import { codeVersion } from './code-version.ts';
import { GraphSpill, lineSubject, type SpilledGraph } from './graph-spill.ts';

const TYPE = RDF('type').value;
/** An owner for a subject that more than one record describes. */
const SEVERAL = -1;
/** Records validated per call by default: each call cuts them into batches for the worker threads. */
const VALIDATE_PART = 5_000;

export interface FlowOptions {
  dataDir: string;
  shapes: ShapesBundle;
  /** Our vocabulary's definitions: they join the dataset's graph. */
  definitions: Quad[];
  progress?: Progress;
  onStage?: (stage: string) => void;
  /** Worker threads for SHACL (validateRecords' default when absent). */
  workers?: number;
  /** Records per SHACL call (default 5,000): what validation holds at once grows with it. */
  partRecords?: number;
  /** Where the mapping and the SHACL results of unchanged records are kept between builds. */
  cache?: PieceCache;
}

export interface Flowed {
  spill: GraphSpill;
  /** Every named graph, sorted by name: the dataset's graph and one per record. */
  graphs: SpilledGraph[];
  /** Subjects (as N-Triples terms) that more than one graph describes: the dumps write their statements once. */
  shared: Set<string>;
  /** The documents of every subject (IRIs without their fragment): the pages there are, for the sitemap. */
  documents: Set<string>;
  /** The dataset graph's statements about our vocabulary (def.ttl): definitions and what the records say of it. */
  vocabulary: Quad[];
  violations: Problem[];
  warnings: Problem[];
  /** Records whose mapping and SHACL results came from the cache. */
  reused: { mapped: number; validated: number };
}

/**
 * Maps every record into the spill, then validates the records in parts. The caller closes `spill`; on a
 * throw it is already closed.
 */
export async function flowRecords(records: Records, options: FlowOptions): Promise<Flowed> {
  const spill = GraphSpill.open();
  try {
    return await flow(records, options, spill);
  } catch (e) {
    spill.close();
    throw e;
  }
}

async function flow(records: Records, options: FlowOptions, spill: GraphSpill): Promise<Flowed> {
  const stage = options.onStage ?? (() => {});
  const progress = options.progress ?? noProgress;
  const base = records.dataset.data.baseIri;
  const iris = mintIris(base);
  const graphIris = datasetIris(base).graphs;
  const dataDir = path.resolve(options.dataDir);
  const count = records.records.length + 1;
  /** The mapped record at `i`: 0 is dataset.yaml, i + 1 the record records.records[i]; pure, so it can be redone. */
  const mappedAt = (i: number): MappedRecord => {
    let m: MappedRecord;
    if (i === 0) {
      const out = new Emitter();
      mapDataset(records.dataset.data, iris, out);
      m = { source: records.dataset.source, quads: out.quads, origins: out.origins };
    } else m = mapRecord(records.records[i - 1]!, iris);
    const file = path.relative(dataDir, path.resolve(m.source.file)).split(path.sep).join('/');
    return withProvenance(m, file, base);
  };
  const nameAt = (i: number) => {
    const r = records.records[i - 1];
    return i === 0 || r === undefined ? graphIris.dataset : graphIris.record(r.kind, r.data.id);
  };

  // Pass 1: each record's graph to the spill; who describes each subject, and the types of every node.
  stage('map');
  const cache = options.cache ?? noCache;
  const version = codeVersion();
  const mapping = progress.stage('mapping to RDF', { unit: 'records', total: count });
  const owner = new Map<string, number>();
  const sharedTerms = new Set<string>();
  const types = new Map<string, string[]>();
  const vocabulary = new Map<string, Quad>();
  for (const q of options.definitions) vocabulary.set(sortedGraph([q]).lines[0]!, q);
  const documents = new Set<string>();
  const graphs: SpilledGraph[] = [];
  const spilled: SpilledGraph[] = [];
  /** Per record: its cache key and what its graph says that other records' keys depend on. */
  const keys: string[] = [];
  const facts: RecordFacts[] = [];
  let datasetQuads: Quad[] = [];
  let reusedMaps = 0;
  const describe = (i: number, f: RecordFacts) => {
    for (const [s, text] of f.subjects) {
      const o = owner.get(s);
      if (o === undefined) owner.set(s, i);
      else if (o !== i && o !== SEVERAL) {
        owner.set(s, SEVERAL);
        sharedTerms.add(text);
      }
      const hash = s.indexOf('#');
      if (!s.startsWith('_:')) documents.add(hash === -1 ? s : s.slice(0, hash));
    }
    for (const [s, list] of f.types) {
      const known = types.get(s);
      if (!known) types.set(s, [...list]);
      else for (const t of list) if (!known.includes(t)) known.push(t);
    }
  };
  for (let i = 0; i < count; i++) {
    const source = i === 0 ? records.dataset.source : records.records[i - 1]!.source;
    const file = path.resolve(source.file);
    const key = cacheKey('map', version, base, source.file, path.relative(dataDir, file), readFileSync(file));
    keys.push(key);
    let entry: MapEntry;
    const hit = i === 0 ? undefined : cache.get(key);
    if (hit !== undefined) {
      entry = JSON.parse(hit) as MapEntry;
      reusedMaps++;
    } else {
      const m = mappedAt(i);
      const { quads, lines } = sortedGraph(m.quads);
      entry = mapEntry(quads, lines, base);
      if (i === 0) datasetQuads = quads;
      else {
        cache.set(key, JSON.stringify(entry));
        cache.set(`${key}:origins`, JSON.stringify(m.origins));
      }
    }
    const f: RecordFacts = { subjects: entry.subjects, types: entry.types, objects: entry.objects };
    facts.push(f);
    describe(i, f);
    for (const line of entry.vocabulary) vocabulary.set(line, parseLine(line));
    if (i > 0) {
      const g = spill.addText(nameAt(i), entry.lines, entry.hash, entry.triples);
      graphs.push(g);
      spilled[i] = g;
    }
    mapping.add();
  }
  // The dataset graph holds our vocabulary too, which the records' statements add to: it is written last.
  const vocabularyQuads = [...vocabulary.values()];
  const datasetGraph = sortedGraph([...datasetQuads, ...vocabularyQuads]);
  // The vocabulary's subjects the records do not describe belong to the dataset's graph alone.
  describe(0, mapEntry(datasetGraph.quads, datasetGraph.lines, base));
  graphs.push(spill.add(nameAt(0), datasetGraph.lines));
  graphs.sort((a, b) => (a.name.value < b.name.value ? -1 : a.name.value > b.name.value ? 1 : 0));
  mapping.end();

  // Pass 2: SHACL over parts of the records. A part holds the statements about subjects only its records
  // describe; the subjects several records describe are validated together at the end, each statement once,
  // so every focus node sees what it would in the whole graph (as validateRecords does within one call). A
  // record's own results depend on its statements, the shapes, which of its subjects others describe too and
  // the types of what it points to: under a key of those, unchanged records keep their results.
  stage('validate');
  const validating = progress.stage('checking the shapes (SHACL)', { unit: 'records', total: count });
  const outside = (iri: string) => types.get(iri);
  const shapesKey = shapesVersion(options.shapes);
  const violations: Problem[] = [];
  const warnings: Problem[] = [];
  const pool: MappedRecord[] = [];
  const pooled = new Set<string>();
  let reusedChecks = 0;
  const validationKey = (i: number) => {
    const f = facts[i]!;
    const shared = f.subjects.filter(([s]) => owner.get(s) === SEVERAL).map(([s]) => s);
    const pointed = f.objects.filter((o) => owner.get(o) !== i).map((o) => `${o} ${(types.get(o) ?? []).join(' ')}`);
    return cacheKey('shacl', version, shapesKey, keys[i]!, JSON.stringify(shared), JSON.stringify(pointed));
  };
  const check = async (part: { i: number; key: string; m: MappedRecord }[]) => {
    if (part.length === 0) return;
    const outcome = await validateRecords(
      part.map((p) => p.m),
      options.shapes,
      { types: outside, ...(options.workers !== undefined ? { workers: options.workers } : {}) },
    );
    violations.push(...outcome.violations);
    warnings.push(...outcome.warnings);
    // Each result is about a subject of one record and located in its file: that record's entry holds it.
    const byFile = new Map<string, { violations: Problem[]; warnings: Problem[] }>();
    for (const p of part) byFile.set(p.m.source.file, { violations: [], warnings: [] });
    let unplaced = false;
    const place = (kind: 'violations' | 'warnings', problem: Problem) => {
      const entry = problem.location ? byFile.get(problem.location.file) : undefined;
      if (entry) entry[kind].push(problem);
      else unplaced = true;
    };
    for (const v of outcome.violations) place('violations', v);
    for (const w of outcome.warnings) place('warnings', w);
    if (unplaced) return;
    for (const p of part) if (p.i > 0) cache.set(p.key, JSON.stringify(byFile.get(p.m.source.file)));
  };
  let part: { i: number; key: string; m: MappedRecord }[] = [];
  for (let i = 0; i < count; i++) {
    const key = validationKey(i);
    const known = i === 0 ? undefined : cache.get(key);
    const shares = facts[i]!.subjects.some(([s]) => owner.get(s) === SEVERAL);
    if (known === undefined) {
      const m = mappedAt(i);
      const own: Quad[] = [];
      const shared: Quad[] = [];
      for (const q of m.quads) {
        if (owner.get(q.subject.value) !== SEVERAL) own.push(q);
        else if (!pooled.has(tripleId(q))) {
          pooled.add(tripleId(q));
          shared.push(q);
        }
      }
      const mine = (o: Origin) => owner.get(o.subject) !== SEVERAL;
      // Every origin about a shared subject stays, so a result about it names its first record, as before.
      const origins = m.origins.filter((o) => !mine(o));
      if (shared.length > 0 || origins.length > 0) pool.push({ source: m.source, quads: shared, origins });
      part.push({ i, key, m: { source: m.source, quads: own, origins: m.origins.filter(mine) } });
    } else if (shares) {
      // Its statements about shared subjects, from its cached graph; where they came from, from its cached origins.
      const g = spilled[i]!;
      const shared = parse(
        spill
          .lines(g)
          .filter((l) => sharedTerms.has(lineSubject(l)))
          .join(''),
      ).filter((q) => {
        const id = tripleId(q);
        if (pooled.has(id)) return false;
        pooled.add(id);
        return true;
      });
      const cachedOrigins = cache.get(`${keys[i]!}:origins`);
      const all = cachedOrigins !== undefined ? (JSON.parse(cachedOrigins) as Origin[]) : mappedAt(i).origins;
      const origins = all.filter((o) => owner.get(o.subject) === SEVERAL);
      pool.push({ source: records.records[i - 1]!.source, quads: shared, origins });
    }
    if (known !== undefined) {
      const results = JSON.parse(known) as { violations: Problem[]; warnings: Problem[] };
      violations.push(...results.violations);
      warnings.push(...results.warnings);
      reusedChecks++;
    }
    if (part.length >= (options.partRecords ?? VALIDATE_PART)) {
      await check(part);
      part = [];
    }
    validating.add();
  }
  await check(part);
  pooled.clear();
  if (pool.length > 0) {
    const outcome = await validateRecords(pool, options.shapes, {
      types: outside,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
    });
    violations.push(...outcome.violations);
    warnings.push(...outcome.warnings);
  }
  validating.end();
  return {
    spill,
    graphs,
    shared: sharedTerms,
    documents,
    vocabulary: vocabularyQuads,
    violations: sortProblems(violations),
    warnings: sortProblems(warnings),
    reused: { mapped: reusedMaps, validated: reusedChecks },
  };
}

/** What pass 1 keeps of a record's graph, from the mapping or from the cache. */
interface MapEntry {
  hash: string;
  triples: number;
  /** The graph's sorted N-Triples lines, joined. */
  lines: string;
  /** Each subject once: its IRI (or `_:label`) and its N-Triples term. */
  subjects: [string, string][];
  /** The rdf:type IRIs of each typed subject. */
  types: [string, string[]][];
  /** Every IRI the graph has as an object, once. */
  objects: string[];
  /** The lines about our vocabulary's terms, which the dataset graph holds too. */
  vocabulary: string[];
}

type RecordFacts = Pick<MapEntry, 'subjects' | 'types' | 'objects'>;

function mapEntry(quads: readonly Quad[], lines: readonly string[], base: string): MapEntry {
  const subjects = new Map<string, string>();
  const typed = new Map<string, string[]>();
  const objects = new Set<string>();
  const vocabulary: string[] = [];
  const hash = createHash('sha256');
  quads.forEach((q, k) => {
    const line = lines[k]!;
    hash.update(line);
    const s = q.subject.termType === 'BlankNode' ? `_:${q.subject.value}` : q.subject.value;
    if (!subjects.has(s)) subjects.set(s, lineSubject(line));
    if (q.predicate.value === TYPE) {
      const list = typed.get(s) ?? [];
      if (!list.includes(q.object.value)) list.push(q.object.value);
      typed.set(s, list);
    }
    if (q.object.termType === 'NamedNode') objects.add(q.object.value);
    if (inVocabularyDocument(base, q.subject.value)) vocabulary.push(line);
  });
  return {
    hash: hash.digest('hex'),
    triples: lines.length,
    lines: lines.join(''),
    subjects: [...subjects],
    types: [...typed],
    objects: [...objects],
    vocabulary,
  };
}

function parse(text: string): Quad[] {
  return new Parser({ format: 'N-Triples' }).parse(text);
}

function parseLine(line: string): Quad {
  const [q] = new Parser({ format: 'N-Triples' }).parse(line);
  invariant(q, () => `a cached statement is not N-Triples: ${line}`);
  return q;
}

/** A key for the shapes: their statements, which decide every result. */
function shapesVersion(bundle: ShapesBundle): string {
  const w = new Writer({ format: 'N-Triples' });
  const lines = [...bundle.shapes.getQuads(null, null, null, null), ...bundle.axioms].map((q) =>
    w.quadToString(q.subject, q.predicate, q.object, q.graph),
  );
  return cacheKey('shapes', ...lines.sort());
}
