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
import { publishedGraphs } from './published-graphs.ts';
import { inVocabularyDocument } from '../publish/vocabulary.ts';
import { noProgress, type Progress } from '../progress.ts';
import { ValidationSession, sortProblems, type ShapesBundle } from '../validate/shacl.ts';
import { RDF } from '../vocab.ts';
import { CacheKeyBuilder, cacheKey, noCache, type PieceCache } from './build-cache.ts';
import { codeVersion } from './code-version.ts';
import { GraphSpill, detached, lineSubject, type SpilledGraph, type SpilledText } from './graph-spill.ts';
import { SubjectIndex } from './subject-index.ts';

const TYPE = RDF('type').value;
/** The statements about subjects several records describe are validated in this many calls, cut by subject. */
const POOL_PARTS = 8;
/**
 * Records validated per call by default: each call cuts them into batches for the worker threads, and the next
 * part is read while one is validated, so what validation holds is about twice a part's statements.
 */
const VALIDATE_PART = 2_000;

export interface FlowOptions {
  dataDir: string;
  /** The shapes, for the dataset's base IRI. */
  shapes: (base: string) => Promise<ShapesBundle>;
  /** Our vocabulary's definitions for the base IRI: they join the dataset's graph. */
  definitions: (base: string) => Quad[];
  progress?: Progress;
  onStage?: (stage: string) => void;
  /** Worker threads for SHACL (ValidationSession's default when absent). */
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
  /**
   * Every named graph, sorted by name: the dataset's graph, one per record and one per shared subject that is not a
   * record (a keyword, a place), each statement in one of them (published-graphs.ts).
   */
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

/**
 * What the build keeps of a record's mapping once the subject index has its facts: where its lines are in the
 * spill, its statements about our vocabulary, and its number in the subject index.
 */
interface Kept {
  graph: SpilledGraph;
  vocabulary: string[];
  described: number;
}

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
  const subjectIndex = new SubjectIndex();
  /** Numbers for the subject index, given as records are described (in file order while reading). */
  let described = 0;
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
    // Described as read back from its JSON, as a cached entry is: the mapping's strings are views of the record
    // file's text, which the index would otherwise keep in memory for the rest of the build.
    return kept(JSON.parse(facts) as Omit<MapEntry, 'lines'>, spill.addText(name, text, entry.hash, entry.triples));
  };
  const kept = (entry: Omit<MapEntry, 'lines'>, graph: SpilledGraph): Kept => {
    subjectIndex.describe(described, entry);
    return { graph, vocabulary: entry.vocabulary, described: described++ };
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
  const vocabulary = new Map<string, Quad>();
  for (const q of options.definitions(base)) vocabulary.set(sortedGraph([q]).lines[0]!, q);
  const graphs: SpilledGraph[] = [];
  const spilled: SpilledGraph[] = [];
  /** Per record: its cache key, and its number in the subject index. */
  const keys: string[] = [];
  const numbers: number[] = [];
  let datasetQuads: Quad[] = [];
  let reusedMaps = 0;
  for (let i = 0; i < count; i++) {
    let k: Omit<Kept, 'graph'>;
    if (i === 0) {
      const out = new Emitter();
      mapDataset(index.dataset.data, mintIris(base), out);
      const m = { source: index.dataset.source, quads: out.quads, origins: out.origins };
      datasetMapped = withProvenance(m, relative(m.source.file), base);
      const { quads, lines } = sortedGraph(datasetMapped.quads);
      datasetQuads = quads;
      const entry = mapEntry(quads, lines, base);
      subjectIndex.describe(described, entry);
      k = { vocabulary: entry.vocabulary, described: described++ };
      keys.push('');
    } else {
      const r = records[i - 1]!;
      const key = mapKey(base, r.source.file, r.digest);
      keys.push(key);
      let got = parsed.get(path.resolve(r.file));
      parsed.delete(path.resolve(r.file));
      if (got === undefined) {
        const hit = cache.get(key);
        const text = hit === undefined ? undefined : cache.get(`${key}:lines`);
        if (hit !== undefined && text !== undefined) {
          const entry = JSON.parse(hit) as Omit<MapEntry, 'lines'>;
          got = kept(entry, spill.addText(graphIris.record(r.kind, r.data.id), text, entry.hash, entry.triples));
          reusedMaps++;
        } else got = keep(await readRecordFile(r.file, r.kind), base, key);
      }
      k = got;
      graphs.push(got.graph);
      spilled[i] = got.graph;
    }
    numbers.push(k.described);
    for (const line of k.vocabulary) vocabulary.set(line, parseLine(line));
    mapping.add();
  }
  // The dataset graph holds our vocabulary too, which the records' statements add to: it is written last.
  const vocabularyQuads = [...vocabulary.values()];
  const datasetGraph = sortedGraph([...datasetQuads, ...vocabularyQuads]);
  // The vocabulary's subjects the records do not describe belong to the dataset's graph alone.
  subjectIndex.describe(numbers[0]!, mapEntry(datasetGraph.quads, datasetGraph.lines, base));
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
  const outside = (iri: string) => subjectIndex.typesOf(iri);
  const shared = (key: string) => subjectIndex.isShared(key);
  // The shapes files as written: a key of their parsed statements would change with the parser's blank node labels.
  const shapesKey = shapes.version;
  const violations: Problem[] = [];
  const warnings: Problem[] = [];
  /** The records that describe shared subjects; their statements about them are validated together at the end. */
  const pool: number[] = [];
  /** The digests of the shared lines gathered so far. */
  const pooled = new Set<string>();
  let reusedChecks = 0;
  const session = new ValidationSession(shapes, options.workers);
  try {
    const validationKey = (i: number) => {
      const n = numbers[i]!;
      const sharedSubjects = JSON.stringify(subjectIndex.sharedSubjects(n));
      return cacheKey('shacl', version, shapesKey, keys[i]!, sharedSubjects, JSON.stringify(subjectIndex.pointed(n)));
    };
    const check = async (part: { i: number; key: string; m: MappedRecord }[]) => {
      if (part.length === 0) return;
      const outcome = await session.validate(
        part.map((p) => p.m),
        { types: outside },
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
        if (!subjectIndex.sharedTerms.has(lineSubject(l))) return false;
        // A line's digest stands for it: the set holds about a line per record, and digests are a fifth the size.
        const seen = createHash('sha1').update(l).digest().toString('latin1');
        if (pooled.has(seen)) return false;
        pooled.add(seen);
        return true;
      });
    };
    /** A record's origins about shared subjects, from the cache or its mapping (either path gives the same). */
    const sharedOrigins = async (i: number): Promise<Origin[]> => {
      const text = i > 0 ? cache.get(`${keys[i]!}:origins`) : undefined;
      const all = text !== undefined ? (JSON.parse(text) as Origin[]) : (await mappedAt(i)).origins;
      return all.filter((o) => shared(o.subject));
    };
    const sourceAt = (i: number) => (i === 0 ? index.dataset.source : records[i - 1]!.source);
    // The shared subjects' results depend on their statements, where each came from, the types of what they
    // point to and the shapes (a result's line also on its file, checked below): the pool's key is made of
    // those as the records go by, and the pool itself is only gathered when that key is not in the cache.
    const poolKey = new CacheKeyBuilder().add('shared').add(version).add(shapesKey);
    const pointed = new Set<string>();
    let part: { i: number; key: string; m: MappedRecord }[] = [];
    let inFlight: Promise<void> = Promise.resolve();
    for (let i = 0; i < count; i++) {
      const key = validationKey(i);
      const known = i === 0 ? undefined : cache.get(key);
      if (known === undefined) {
        const m = await mappedAt(i);
        const own = m.quads.filter((q) => !shared(q.subject.value));
        const origins = m.origins.filter((o) => !shared(o.subject));
        part.push({ i, key, m: { source: m.source, quads: own, origins } });
      } else {
        const results = JSON.parse(known) as { violations: Problem[]; warnings: Problem[] };
        violations.push(...results.violations);
        warnings.push(...results.warnings);
        reusedChecks++;
      }
      // Its statements about shared subjects join the pool, read back from its spilled graph on either path, so
      // the pool's key is the same whichever records were validated again.
      if (subjectIndex.describesShared(numbers[i]!)) {
        pool.push(i);
        const lines = sharedLines(i);
        poolKey
          .add(sourceAt(i).file)
          .add(JSON.stringify(await sharedOrigins(i)))
          .add(lines.join(''));
        for (const l of lines) {
          const o = lineObjectIri(l);
          if (o !== undefined && !pointed.has(o)) pointed.add(detached(o));
        }
      }
      if (part.length >= (options.partRecords ?? VALIDATE_PART)) {
        await inFlight;
        inFlight = check(part);
        // Handled when awaited; until then a failure must not count as unhandled.
        inFlight.catch(() => {});
        part = [];
      }
      validating.add();
    }
    await inFlight;
    await check(part);
    pooled.clear();
    if (pool.length > 0) {
      for (const o of [...pointed].sort()) poolKey.add(`${o} ${(subjectIndex.typesOf(o) ?? []).join(' ')}`);
      pointed.clear();
      const key = poolKey.key();
      const digests = new Map(records.map((r) => [r.source.file, r.digest]));
      const known = cache.get(key);
      const kept = known === undefined ? undefined : (JSON.parse(known) as PoolResults);
      if (kept && Object.entries(kept.files).every(([file, digest]) => digests.get(file) === digest)) {
        violations.push(...kept.violations);
        warnings.push(...kept.warnings);
      } else {
        // The pool is validated in POOL_PARTS calls, each with every statement about its share of the shared
        // subjects (so a focus node still sees all of its statements) and the origins about them: it is cut once,
        // kept in the spill until its turn, and never in memory whole. Every origin about a shared subject stays,
        // in record order, so a result about it names its first record.
        const cut = Array.from(
          { length: POOL_PARTS },
          () => [] as { i: number; lines: SpilledText; origins: SpilledText }[],
        );
        for (const i of pool) {
          const lines = Array.from({ length: POOL_PARTS }, () => [] as string[]);
          const origins = Array.from({ length: POOL_PARTS }, () => [] as Origin[]);
          for (const l of sharedLines(i)) lines[poolPart(lineKey(l))]!.push(l);
          for (const o of await sharedOrigins(i)) origins[poolPart(o.subject)]!.push(o);
          for (let k = 0; k < POOL_PARTS; k++) {
            if (lines[k]!.length === 0 && origins[k]!.length === 0) continue;
            const kept = {
              lines: spill.addScratch(lines[k]!.join('')),
              origins: spill.addScratch(JSON.stringify(origins[k])),
            };
            cut[k]!.push({ i, ...kept });
          }
        }
        pooled.clear();
        const outcome = { violations: [] as Problem[], warnings: [] as Problem[] };
        for (const part of cut) {
          const mapped = part.map(({ i, lines, origins }) => ({
            source: sourceAt(i),
            quads: parse(spill.text(lines)),
            origins: JSON.parse(spill.text(origins)) as Origin[],
          }));
          const results = await session.validate(mapped, { types: outside });
          outcome.violations.push(...results.violations);
          outcome.warnings.push(...results.warnings);
        }
        violations.push(...outcome.violations);
        warnings.push(...outcome.warnings);
        const files: Record<string, string> = {};
        let placed = true;
        for (const p of [...outcome.violations, ...outcome.warnings]) {
          const digest = p.location ? digests.get(p.location.file) : undefined;
          if (digest === undefined) placed = false;
          else files[p.location!.file] = digest;
        }
        if (placed)
          cache.set(key, JSON.stringify({ violations: outcome.violations, warnings: outcome.warnings, files }));
      }
    }
  } finally {
    await session.close();
  }
  validating.end();
  const grouping = progress.stage('grouping the named graphs', { unit: 'graphs', total: graphs.length });
  const published = publishedGraphs(spill, graphs, subjectIndex.sharedTerms, base, graphIris.prefix, () =>
    grouping.add(),
  );
  grouping.end();
  return {
    index,
    shapes,
    spill,
    graphs: published,
    shared: subjectIndex.sharedTerms,
    documents: subjectIndex.documents,
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

/** The subject of an N-Triples line as the subject index and origins name it: an IRI, or `_:label`. */
function lineKey(line: string): string {
  const s = lineSubject(line);
  return s.startsWith('<') ? s.slice(1, -1) : s;
}

/** Which of the pool's parts a subject's statements are validated in (FNV-1a of its name). */
function poolPart(key: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < key.length; k++) h = Math.imul(h ^ key.charCodeAt(k), 0x01000193);
  return (h >>> 0) % POOL_PARTS;
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
