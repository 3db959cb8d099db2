// Map and validate the records a part at a time: each record's named graph goes to the spill as soon as it is
// mapped, and SHACL sees the records in parts, so no step holds every statement of the build at once.
import path from 'node:path';
import type { Quad } from '@rdfjs/types';
import { datasetIris } from '../dataset-iris.ts';
import type { Problem } from '../errors.ts';
import type { Records } from '../ingest/read-records.ts';
import { mapDataset } from '../map/dataset.ts';
import { Emitter } from '../map/emit.ts';
import { mintIris } from '../map/iri.ts';
import { mapRecord, type MappedRecord } from '../map/map-records.ts';
import { withProvenance } from '../map/provenance.ts';
import { sortedGraph } from '../publish/graph.ts';
import { inVocabularyDocument } from '../publish/vocabulary.ts';
import { noProgress, type Progress } from '../progress.ts';
import { sortProblems, validateRecords, type ShapesBundle } from '../validate/shacl.ts';
import { tripleId } from '../terms.ts';
import { RDF } from '../vocab.ts';
import { GraphSpill, lineSubject, type SpilledGraph } from './graph-spill.ts';

const TYPE = RDF('type').value;
/** An owner for a subject that more than one record describes. */
const SEVERAL = -1;
/** Records validated per call: each call cuts them into batches for the worker threads. */
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
  const mapping = progress.stage('mapping to RDF', { unit: 'records', total: count });
  const owner = new Map<string, number>();
  const sharedTerms = new Set<string>();
  const types = new Map<string, string[]>();
  const vocabulary = new Map<string, Quad>();
  const documents = new Set<string>();
  const see = (q: Quad) => {
    if (q.subject.termType !== 'NamedNode') return;
    const s = q.subject.value;
    const hash = s.indexOf('#');
    documents.add(hash === -1 ? s : s.slice(0, hash));
  };
  for (const q of options.definitions) vocabulary.set(sortedGraph([q]).lines[0]!, q);
  const graphs: SpilledGraph[] = [];
  let datasetQuads: Quad[] = [];
  for (let i = 0; i < count; i++) {
    const m = mappedAt(i);
    const { quads, lines } = sortedGraph(m.quads);
    quads.forEach((q, k) => {
      see(q);
      const s = q.subject.value;
      const o = owner.get(s);
      if (o === undefined) owner.set(s, i);
      else if (o !== i && o !== SEVERAL) {
        owner.set(s, SEVERAL);
        sharedTerms.add(lineSubject(lines[k]!));
      }
      if (q.predicate.value === TYPE) {
        const list = types.get(s);
        if (!list) types.set(s, [q.object.value]);
        else if (!list.includes(q.object.value)) list.push(q.object.value);
      }
      if (inVocabularyDocument(base, s)) vocabulary.set(lines[k]!, q);
    });
    if (i === 0) datasetQuads = quads;
    else graphs.push(spill.add(nameAt(i), lines));
    mapping.add();
  }
  // The dataset graph holds our vocabulary too, which the records' statements add to: it is written last.
  const vocabularyQuads = [...vocabulary.values()];
  const datasetGraph = sortedGraph([...datasetQuads, ...vocabularyQuads]);
  for (const [k, q] of datasetGraph.quads.entries()) {
    // The vocabulary's subjects the records do not describe belong to the dataset's graph alone.
    see(q);
    const s = q.subject.value;
    const o = owner.get(s);
    if (o === undefined) owner.set(s, 0);
    else if (o !== 0 && o !== SEVERAL) {
      owner.set(s, SEVERAL);
      sharedTerms.add(lineSubject(datasetGraph.lines[k]!));
    }
  }
  graphs.push(spill.add(nameAt(0), datasetGraph.lines));
  graphs.sort((a, b) => (a.name.value < b.name.value ? -1 : a.name.value > b.name.value ? 1 : 0));
  mapping.end();

  // Pass 2: SHACL over parts of the records. A part holds the statements about subjects only its records
  // describe; the subjects several records describe are validated together at the end, each statement once,
  // so every focus node sees what it would in the whole graph (as validateRecords does within one call).
  stage('validate');
  const validating = progress.stage('checking the shapes (SHACL)', { unit: 'records', total: count });
  const outside = (iri: string) => types.get(iri);
  const violations: Problem[] = [];
  const warnings: Problem[] = [];
  const pool: MappedRecord[] = [];
  const pooled = new Set<string>();
  const check = async (part: MappedRecord[]) => {
    const outcome = await validateRecords(part, options.shapes, {
      types: outside,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
    });
    violations.push(...outcome.violations);
    warnings.push(...outcome.warnings);
  };
  for (let from = 0; from < count; from += VALIDATE_PART) {
    const part: MappedRecord[] = [];
    for (let i = from; i < Math.min(count, from + VALIDATE_PART); i++) {
      const m = mappedAt(i);
      const own: Quad[] = [];
      const shared: Quad[] = [];
      for (const q of m.quads) {
        if (owner.get(q.subject.value) !== SEVERAL) own.push(q);
        else {
          const key = tripleId(q);
          if (pooled.has(key)) continue;
          pooled.add(key);
          shared.push(q);
        }
      }
      const mine = (o: MappedRecord['origins'][number]) => owner.get(o.subject) !== SEVERAL;
      part.push({ source: m.source, quads: own, origins: m.origins.filter(mine) });
      // Every origin about a shared subject stays, so a result about it names its first record, as before.
      const origins = m.origins.filter((o) => !mine(o));
      if (shared.length > 0 || origins.length > 0) pool.push({ source: m.source, quads: shared, origins });
    }
    await check(part);
    validating.add(part.length);
  }
  pooled.clear();
  if (pool.length > 0) await check(pool);
  validating.end();
  return {
    spill,
    graphs,
    shared: sharedTerms,
    documents,
    vocabulary: vocabularyQuads,
    violations: sortProblems(violations),
    warnings: sortProblems(warnings),
  };
}
