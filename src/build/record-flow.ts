// Read, map and validate the records: each record is mapped as soon as it is parsed and its named graph goes to
// the spill, and SHACL sees the records in parts, so no step holds every record or every statement at once.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Quad } from '@rdfjs/types';
import { Parser } from 'n3';
import { datasetIris } from '../dataset-iris.ts';
import { invariant, type Problem } from '../errors.ts';
import { indexRecords, readRecordFile, type RecordIndex } from '../ingest/read-records.ts';
import { outlineOf, type OutlinedRecord, type SourcedRecord } from '../ingest/records.ts';
import { mapDataset } from '../map/dataset.ts';
import { Emitter, type Origin } from '../map/emit.ts';
import { mintIris } from '../map/iri.ts';
import { mapRecord, type MappedRecord } from '../map/map-records.ts';
import { withProvenance } from '../map/provenance.ts';
import { sortedGraph } from '../publish/graph.ts';
import { inVocabularyDocument } from '../publish/vocabulary.ts';
import { noProgress, type Progress } from '../progress.ts';
import { sortProblems, validateRecords, type ShapesBundle } from '../validate/shacl.ts';
import { RDF } from '../vocab.ts';
import { CacheKeyBuilder, cacheKey, noCache, type PieceCache } from './build-cache.ts';
import { codeVersion } from './code-version.ts';
import { GraphSpill, detached, lineSubject, type SpilledGraph } from './graph-spill.ts';

const TYPE = RDF('type').value;
/** An owner for a subject that more than one record describes. */
const SEVERAL = -1;
/** Records validated per call by default: each call cuts them into batches for the worker threads. */
const VALIDATE_PART = 5_000;

export interface FlowOptions {
  dataDir: string;
  /** The shapes, for the dataset's base IRI. */
  shapes: (base: string) => Promise<ShapesBundle>;
  /** Our vocabulary's definitions for the base IRI: they join the dataset's graph. */
  definitions: (base: string) => Quad[];
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
  /** What was read: the dataset description whole, each record as its outline. */
  index: RecordIndex;
  shapes: ShapesBundle;
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
  /** Records whose mapping and SHACL results came from the cache; records parsed (no outline was cached). */
  reused: { mapped: number; validated: number };
  parsed: number;
}

/**
 * Reads, maps and validates the records of `options.dataDir`. The caller closes the result's `spill`; on a
 * throw it is already closed.
 */
export async function flowRecords(options: FlowOptions): Promise<Flowed> {
  const spill = GraphSpill.open();
  try {
    return await flow(options, spill);
  } catch (e) {
    spill.close();
    throw e;
  }
}

/** What pass 1 keeps of a record's mapping: all but its lines, which are in the spill. */
type Kept = Omit<MapEntry, 'lines'> & { graph: SpilledGraph };

async function flow(options: FlowOptions, spill: GraphSpill): Promise<Flowed> {
  const stage = options.onStage ?? (() => {});
  const progress = options.progress ?? noProgress;
  const cache = options.cache ?? noCache;
  const version = codeVersion();
  const dataDir = path.resolve(options.dataDir);
  const relative = (file: string) => path.relative(dataDir, path.resolve(file)).split(path.sep).join('/');
  // A record's outline depends on its bytes alone; its graph also on where it is and the base IRI.
  const outlineKey = (kind: string, digest: string) => cacheKey('outline', version, kind, digest);
  const mapKey = (base: string, shown: string, digest: string) =>
    cacheKey('map', version, base, shown, relative(shown), digest);
  let irisOf: { base: string; iris: ReturnType<typeof mintIris> } | undefined;
  const mapOne = (record: SourcedRecord, base: string): MappedRecord => {
    if (irisOf?.base !== base) irisOf = { base, iris: mintIris(base) };
    return withProvenance(mapRecord(record, irisOf.iris), relative(record.source.file), base);
  };
  /** A record mapped: its lines to the spill, its entry and origins to the cache. */
  const keep = (record: SourcedRecord, base: string, key: string): Kept => {
    const m = mapOne(record, base);
    const { quads, lines } = sortedGraph(m.quads);
    const entry = mapEntry(quads, lines, base);
    const { lines: text, ...rest } = entry;
    // The lines apart from the rest: what pass 1 keeps of a parsed entry then points into that entry's text
    // alone (V8 keeps strings cut from a text as views of it), not into every record's lines.
    const facts = JSON.stringify(rest);
    cache.set(key, facts);
    cache.set(`${key}:lines`, text);
    cache.set(`${key}:origins`, JSON.stringify(m.origins));
    const name = datasetIris(base).graphs.record(record.kind, record.data.id);
    // Kept as read back from its JSON, as a cached entry is: the mapping's strings are views of the record
    // file's text, which this would otherwise keep in memory for the rest of the build.
    const kept = JSON.parse(facts) as Omit<MapEntry, 'lines'>;
    return { ...kept, graph: spill.addText(name, text, entry.hash, entry.triples) };
  };

  // Ingest. A file whose bytes an earlier build checked is not parsed again (its outline is cached); a file that
  // is parsed is mapped at once, so no whole record outlives its turn in this loop.
  stage('ingest');
  const reading = progress.stage('reading records', { unit: 'files' });
  const parsed = new Map<string, Kept>();
  let parsedCount = 0;
  const index = await indexRecords(options.dataDir, {
    onFile: (done, total) => {
      reading.total(total);
      reading.set(done);
    },
    remembered: (kind, digest) => {
      const hit = cache.get(outlineKey(kind, digest));
      return hit === undefined ? undefined : (JSON.parse(hit) as OutlinedRecord['data']);
    },
    onParsed: (record, digest, dataset) => {
      parsedCount++;
      cache.set(outlineKey(record.kind, digest), JSON.stringify(outlineOf(record)));
      // Without a valid dataset description the build stops once every file is read.
      if (dataset === undefined) return;
      const base = dataset.data.baseIri;
      try {
        parsed.set(path.resolve(record.source.file), keep(record, base, mapKey(base, record.source.file, digest)));
      } catch {
        // What mapping cannot take (a place name without letters) the checks across records report, with its
        // location, once every file is read; a record they pass is mapped again in pass 1.
      }
    },
  });
  reading.end();
  const records = index.records;
  const base = index.dataset.data.baseIri;
  const graphIris = datasetIris(base).graphs;
  const shapes = await options.shapes(base);
  const count = records.length + 1;
  let datasetMapped: MappedRecord | undefined;
  /** The mapped record at `i` (0 is dataset.yaml, i + 1 is records[i]) for SHACL: from the spill and the cache. */
  const mappedAt = async (i: number): Promise<MappedRecord> => {
    if (i === 0) {
      invariant(datasetMapped, 'the dataset description is mapped first');
      return datasetMapped;
    }
    const r = records[i - 1]!;
    const origins = cache.get(`${keys[i]!}:origins`);
    if (origins !== undefined) {
      return { source: r.source, quads: parse(spill.text(spilled[i]!)), origins: JSON.parse(origins) as Origin[] };
    }
    return mapOne(await readRecordFile(r.file, r.kind), base);
  };

  // Pass 1: each record's graph to the spill; who describes each subject, and the types of every node.
  stage('map');
  const mapping = progress.stage('mapping to RDF', { unit: 'records', total: count });
  const owner = new Map<string, number>();
  const sharedTerms = new Set<string>();
  const types = new Map<string, string[]>();
  const vocabulary = new Map<string, Quad>();
  for (const q of options.definitions(base)) vocabulary.set(sortedGraph([q]).lines[0]!, q);
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
    let kept: Omit<MapEntry, 'lines'>;
    if (i === 0) {
      const out = new Emitter();
      mapDataset(index.dataset.data, mintIris(base), out);
      const m = { source: index.dataset.source, quads: out.quads, origins: out.origins };
      datasetMapped = withProvenance(m, relative(m.source.file), base);
      const { quads, lines } = sortedGraph(datasetMapped.quads);
      datasetQuads = quads;
      kept = mapEntry(quads, lines, base);
      keys.push('');
    } else {
      const r = records[i - 1]!;
      const key = mapKey(base, r.source.file, r.digest);
      keys.push(key);
      let k = parsed.get(path.resolve(r.file));
      parsed.delete(path.resolve(r.file));
      if (k === undefined) {
        const hit = cache.get(key);
        const text = hit === undefined ? undefined : cache.get(`${key}:lines`);
        if (hit !== undefined && text !== undefined) {
          const entry = JSON.parse(hit) as Omit<MapEntry, 'lines'>;
          k = { ...entry, graph: spill.addText(graphIris.record(r.kind, r.data.id), text, entry.hash, entry.triples) };
          reusedMaps++;
        } else k = keep(await readRecordFile(r.file, r.kind), base, key);
      }
      kept = k;
      graphs.push(k.graph);
      spilled[i] = k.graph;
    }
    const f: RecordFacts = { subjects: kept.subjects, types: kept.types, objects: kept.objects };
    facts.push(f);
    describe(i, f);
    for (const line of kept.vocabulary) vocabulary.set(line, parseLine(line));
    mapping.add();
  }
  // The dataset graph holds our vocabulary too, which the records' statements add to: it is written last.
  const vocabularyQuads = [...vocabulary.values()];
  const datasetGraph = sortedGraph([...datasetQuads, ...vocabularyQuads]);
  // The vocabulary's subjects the records do not describe belong to the dataset's graph alone.
  describe(0, mapEntry(datasetGraph.quads, datasetGraph.lines, base));
  graphs.push(spill.add(graphIris.dataset, datasetGraph.lines));
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
  // The shapes files as written: a key of their parsed statements would change with the parser's blank node labels.
  const shapesKey = shapes.version;
  const violations: Problem[] = [];
  const warnings: Problem[] = [];
  /** The records that describe shared subjects; their statements about them are validated together at the end. */
  const pool: number[] = [];
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
      shapes,
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
  /** A record's lines about shared subjects, each statement once (the first record that makes it keeps it). */
  const sharedLines = (i: number): string[] => {
    const lines = i === 0 ? sortedGraph(datasetMapped!.quads).lines : spill.lines(spilled[i]!);
    return lines.filter((l) => {
      if (!sharedTerms.has(lineSubject(l)) || pooled.has(l)) return false;
      pooled.add(detached(l));
      return true;
    });
  };
  /** A record's origins about shared subjects, from the cache or its mapping (either path gives the same). */
  const sharedOrigins = async (i: number): Promise<Origin[]> => {
    const text = i > 0 ? cache.get(`${keys[i]!}:origins`) : undefined;
    const all = text !== undefined ? (JSON.parse(text) as Origin[]) : (await mappedAt(i)).origins;
    return all.filter((o) => owner.get(o.subject) === SEVERAL);
  };
  const sourceAt = (i: number) => (i === 0 ? index.dataset.source : records[i - 1]!.source);
  // The shared subjects' results depend on their statements, where each came from, the types of what they
  // point to and the shapes (a result's line also on its file, checked below): the pool's key is made of
  // those as the records go by, and the pool itself is only gathered when that key is not in the cache.
  const poolKey = new CacheKeyBuilder().add('shared').add(version).add(shapesKey);
  const pointed = new Set<string>();
  let part: { i: number; key: string; m: MappedRecord }[] = [];
  for (let i = 0; i < count; i++) {
    const key = validationKey(i);
    const known = i === 0 ? undefined : cache.get(key);
    if (known === undefined) {
      const m = await mappedAt(i);
      const own = m.quads.filter((q) => owner.get(q.subject.value) !== SEVERAL);
      const origins = m.origins.filter((o) => owner.get(o.subject) !== SEVERAL);
      part.push({ i, key, m: { source: m.source, quads: own, origins } });
    } else {
      const results = JSON.parse(known) as { violations: Problem[]; warnings: Problem[] };
      violations.push(...results.violations);
      warnings.push(...results.warnings);
      reusedChecks++;
    }
    // Its statements about shared subjects join the pool, read back from its spilled graph on either path, so
    // the pool's key is the same whichever records were validated again.
    if (facts[i]!.subjects.some(([s]) => owner.get(s) === SEVERAL)) {
      pool.push(i);
      const lines = sharedLines(i);
      poolKey
        .add(sourceAt(i).file)
        .add(JSON.stringify(await sharedOrigins(i)))
        .add(lines.join(''));
      for (const l of lines) {
        const o = lineObjectIri(l);
        if (o !== undefined) pointed.add(o);
      }
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
    for (const o of [...pointed].sort()) poolKey.add(`${o} ${(types.get(o) ?? []).join(' ')}`);
    pointed.clear();
    const key = poolKey.key();
    const digests = new Map(records.map((r) => [r.source.file, r.digest]));
    const known = cache.get(key);
    const kept = known === undefined ? undefined : (JSON.parse(known) as PoolResults);
    if (kept && Object.entries(kept.files).every(([file, digest]) => digests.get(file) === digest)) {
      violations.push(...kept.violations);
      warnings.push(...kept.warnings);
    } else {
      // Every origin about a shared subject stays, so a result about it names its first record.
      const mapped: MappedRecord[] = [];
      for (const i of pool) {
        mapped.push({ source: sourceAt(i), quads: parse(sharedLines(i).join('')), origins: await sharedOrigins(i) });
      }
      pooled.clear();
      const outcome = await validateRecords(mapped, shapes, {
        types: outside,
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
      });
      violations.push(...outcome.violations);
      warnings.push(...outcome.warnings);
      const files: Record<string, string> = {};
      let placed = true;
      for (const p of [...outcome.violations, ...outcome.warnings]) {
        const digest = p.location ? digests.get(p.location.file) : undefined;
        if (digest === undefined) placed = false;
        else files[p.location!.file] = digest;
      }
      if (placed) cache.set(key, JSON.stringify({ violations: outcome.violations, warnings: outcome.warnings, files }));
    }
  }
  validating.end();
  return {
    index,
    shapes,
    spill,
    graphs,
    shared: sharedTerms,
    documents,
    vocabulary: vocabularyQuads,
    violations: sortProblems(violations),
    warnings: sortProblems(warnings),
    reused: { mapped: reusedMaps, validated: reusedChecks },
    parsed: parsedCount,
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

/** The shared subjects' results, with the bytes (SHA-256) of each file a result is located in. */
interface PoolResults {
  violations: Problem[];
  warnings: Problem[];
  files: Record<string, string>;
}

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
    if (!subjects.has(s)) subjects.set(s, detached(lineSubject(line)));
    if (q.predicate.value === TYPE) {
      const list = typed.get(s) ?? [];
      if (!list.includes(q.object.value)) list.push(q.object.value);
      typed.set(s, list);
    }
    if (q.object.termType === 'NamedNode') objects.add(q.object.value);
    if (inVocabularyDocument(base, q.subject.value)) vocabulary.push(detached(line));
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

/** The object of an N-Triples line when it is an IRI (subjects and predicates hold no spaces). */
function lineObjectIri(line: string): string | undefined {
  const afterSubject = line.indexOf(' ');
  const at = line.indexOf(' ', afterSubject + 1) + 1;
  return line[at] === '<' ? line.slice(at + 1, line.indexOf('>', at)) : undefined;
}

/** Statements from spilled lines, blank nodes keeping their labels (origins name them). */
function parse(text: string): Quad[] {
  return new Parser({ format: 'N-Triples', blankNodePrefix: '' }).parse(text);
}

function parseLine(line: string): Quad {
  const [q] = new Parser({ format: 'N-Triples' }).parse(line);
  invariant(q, () => `a cached statement is not N-Triples: ${line}`);
  return q;
}
