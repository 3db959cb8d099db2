// SHACL in batches: cuts the mapped records into batches and validates each with shacl-engine on a graph of its own,
// targeting only the nodes it owns, in worker threads of the pool (shacl-worker.ts) or on this thread.
import { DataFactory, Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import type { Quad, Quad_Subject, Term } from '@rdfjs/types';
import { EngineShapes, engineIsExact } from './engine.ts';
import { plainTerm, type PlainResult } from './plain-result.ts';

export type { PlainResult, PlainTerm } from './plain-result.ts';
import type { MappedRecord } from '../map/map-records.ts';
import { TermTable, termId, tripleId, unpackTerms, type PackedTerms } from '../terms.ts';
import { RDF, RDFS, SH } from '../vocab.ts';
import { WorkerPool } from '../workers/pool.ts';

const RDF_TYPE_TERM = RDF('type');
const RDF_TYPE = RDF_TYPE_TERM.value;

/** The rdf:type IRIs of a node that the records being validated do not describe (undefined: not known). */
export type TypesOutside = (iri: string) => readonly string[] | undefined;
const SUBCLASS = RDFS('subClassOf').value;
const RDFS_CLASS = RDFS('Class').value;
const TARGET_NODE = SH('targetNode');

/**
 * rdf-validate-shacl copies the shapes into a dataset of its environment and looks up every constraint parameter
 * there, once per value node. Its default dataset (@rdfjs/dataset) is much slower at those lookups than an n3
 * Store, so this environment makes n3 Stores; the rest is the validator's own environment, which every validator
 * exposes as `factory` (its type comes from @rdfjs/environment, which has no typings, so it is loose).
 */
export const validatorEnvironment: SHACLValidator['factory'] = Object.assign(
  Object.create(new SHACLValidator(new Store()).factory),
  { dataset: (quads?: Iterable<Quad>) => new Store(quads ? [...quads] : []) },
);

/** A validation result as plain data, so it can cross from a worker thread; the main thread uses the same shape. */
/** What plainResult reads of an rdf-validate-shacl result. */
interface ValidatorResult {
  focusNode: Term | null;
  path: Term | null;
  value: Term | null;
  message: { value: string }[];
  severity: { value: string } | null;
  sourceConstraintComponent: { value: string } | null;
  sourceShape: Term | null;
}

const SH_MESSAGE = SH('message');

/**
 * The plain-data form of a result; `shapes` is the shapes graph it was validated with. The shape's own sh:message
 * comes first: the validator puts the built-in text of some components (sh:uniqueLang: 'Language "nl" has been
 * used by 2 values') before it, and editors read the shape's words.
 */
export function plainResult(r: ValidatorResult, shapes: Store): PlainResult {
  const own = r.sourceShape ? shapes.getObjects(r.sourceShape, SH_MESSAGE, null).map((m) => m.value) : [];
  return {
    focusNode: plainTerm(r.focusNode),
    path: plainTerm(r.path),
    value: plainTerm(r.value),
    message: own.length > 0 ? own : r.message.map((m) => m.value),
    severity: r.severity?.value ?? null,
    sourceConstraintComponent: r.sourceConstraintComponent?.value ?? null,
    // Only named shapes: blank-node labels differ between the threads that parse the shapes.
    sourceShape: r.sourceShape?.termType === 'NamedNode' ? r.sourceShape.value : null,
  };
}

/** The shapes and class axioms as N-Triples: how they reach a worker, which prepares them once. */
export interface ShapesText {
  shapes: string;
  axioms: string;
}

export interface PreparedShapes {
  /** The shapes without their class and subjects-of targets. */
  base: Quad[];
  classTargets: [Quad_Subject, string][];
  subjectTargets: [Quad_Subject, string][];
  axioms: Quad[];
  readonly batchable: boolean;
  /**
   * Whether the shapes may look at statements with this predicate: rdf:type, rdfs:subClassOf and the IRIs the
   * shapes name (their paths, sh:equals…); every predicate when a shape is sh:closed.
   */
  readonly reads: (predicate: string) => boolean;
  /** The shapes whose sh:targetClass is a class of a node of type `type`, by the class axioms alone. */
  readonly classTargeting: (type: string) => readonly Quad_Subject[];
  /**
   * What validates the batches: shacl-engine (these shapes compiled once), several times faster, when its results
   * cannot differ from rdf-validate-shacl's (engineIsExact); else (undefined) rdf-validate-shacl, the engine of
   * whole-graph validation.
   */
  readonly engine: EngineShapes | undefined;
}

const SH_PATH = SH('path').value;
const SH_PROPERTY = SH('property').value;
/** What leads from a shape to shapes applied at the same node, or (for a property shape) at each of its values. */
const SH_LEADS = new Set(['node', 'not', 'qualifiedValueShape', 'and', 'or', 'xone'].map((p) => SH(p).value));
const SH_LISTS = new Set(['and', 'or', 'xone'].map((p) => SH(p).value));

/**
 * Whether the shapes look only at the statements about each focus node and at the types of the nodes those
 * statements name (sh:class), which is what a batch holds of them. A shape that follows a path from a value (an
 * sh:node whose shape has an sh:property, say) would look at statements about another record's subject.
 */
function staysAtFocusNodes(quads: readonly Quad[], targeted: readonly string[]): boolean {
  const bySubject = new Map<string, Quad[]>();
  const first = new Map<string, string>();
  const rest = new Map<string, string>();
  for (const q of quads) {
    if (q.predicate.value === RDF('first').value) first.set(q.subject.value, q.object.value);
    if (q.predicate.value === RDF('rest').value) rest.set(q.subject.value, q.object.value);
    const list = bySubject.get(q.subject.value);
    if (list) list.push(q);
    else bySubject.set(q.subject.value, [q]);
  }
  const members = (head: string): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let node: string | undefined = head; node !== undefined && !seen.has(node); node = rest.get(node)) {
      seen.add(node);
      const m = first.get(node);
      if (m !== undefined) out.push(m);
    }
    return out;
  };
  const visited = new Set<string>();
  const todo: [string, boolean][] = targeted.map((shape) => [shape, false]);
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    const [shape, atValue] = next;
    if (visited.has(`${atValue} ${shape}`)) continue;
    visited.add(`${atValue} ${shape}`);
    const own = bySubject.get(shape) ?? [];
    const paths = own.filter((q) => q.predicate.value === SH_PATH);
    // A path other than one predicate (a sequence, an inverse) reaches statements about other subjects.
    if (paths.some((q) => q.object.termType !== 'NamedNode')) return false;
    const hasPath = paths.length > 0;
    if (atValue && (hasPath || own.some((q) => q.predicate.value === SH_PROPERTY))) return false;
    for (const q of own) {
      const p = q.predicate.value;
      if (p === SH_PROPERTY) todo.push([q.object.value, hasPath || atValue]);
      else if (SH_LEADS.has(p)) {
        const shapes = SH_LISTS.has(p) ? members(q.object.value) : [q.object.value];
        for (const s of shapes) todo.push([s, hasPath || atValue]);
      }
    }
  }
  return true;
}

const parse = (text: string): Quad[] => new Parser({ format: 'N-Triples' }).parse(text);

/**
 * Splits the shapes into the shapes without their class and subjects-of targets plus those targets, which
 * each batch turns into sh:targetNode statements for the nodes it owns. A batch holds the rdf:type of nodes it
 * only points to (sh:class needs them); with sh:targetClass kept, those nodes would be validated (and fail) in
 * every batch that points to them. Targets that cannot be decided per owned node make the shapes unbatchable.
 */
export function prepareShapes({ shapes, axioms }: ShapesText): PreparedShapes {
  const classTargets: [Quad_Subject, string][] = [];
  const subjectTargets: [Quad_Subject, string][] = [];
  const base: Quad[] = [];
  let batchable = true;
  const all = parse(shapes);
  for (const q of all) {
    const p = q.predicate.value;
    if (p === SH('targetClass').value) classTargets.push([q.subject, q.object.value]);
    else if (p === SH('targetSubjectsOf').value) subjectTargets.push([q.subject, q.object.value]);
    else {
      if ([SH('targetNode'), SH('targetObjectsOf'), SH('target')].some((t) => t.value === p)) batchable = false;
      if (p === RDF_TYPE && q.object.value === RDFS_CLASS) batchable = false;
      base.push(q);
    }
  }
  if (
    !staysAtFocusNodes(
      all,
      [...classTargets, ...subjectTargets].map(([shape]) => shape.value),
    )
  )
    batchable = false;
  const parsedAxioms = parse(axioms);
  const engine = engineIsExact(all) ? new EngineShapes([...base, ...parsedAxioms]) : undefined;
  const prepared = { base, classTargets, subjectTargets, axioms: parsedAxioms, batchable, engine };
  const named = new Set([
    RDF_TYPE,
    SUBCLASS,
    ...all.filter((q) => q.object.termType === 'NamedNode').map((q) => q.object.value),
  ]);
  const closed = all.some((q) => q.predicate.value === SH('closed').value);
  const reads = closed ? () => true : (predicate: string) => named.has(predicate);
  return { ...prepared, reads, classTargeting: classTargeting(prepared, []) };
}

/**
 * A batch in the form it crosses to a worker: each distinct term once (PackedTerms), and the statements as
 * numbers of those terms, subject, predicate and object in turn, in a buffer that is handed over, not copied. At
 * 100,000 records a batch sent as three term-id strings a statement kept the main thread busy copying them into
 * messages while the workers waited.
 */
export interface EncodedBatch extends PackedTerms {
  statements: Int32Array;
  /** The subjects this batch owns: only results about them count. */
  focus: string[];
}

/** The buffers of a batch that are handed over to the worker. */
export const batchTransfer = (b: EncodedBatch): ArrayBuffer[] =>
  // Typed arrays made here own plain ArrayBuffers (never shared ones), which can be handed over.
  [b.lengths.buffer as ArrayBuffer, b.statements.buffer as ArrayBuffer];

/** For a type, the shapes whose target class it is or is a subclass of, following the axioms and `more`. */
function classTargeting(
  prepared: Pick<PreparedShapes, 'axioms' | 'classTargets'>,
  more: readonly Quad[],
): (type: string) => readonly Quad_Subject[] {
  const sub = subclassesOf([...prepared.axioms, ...more]);
  const classes = prepared.classTargets.map(([shape, cls]) => [shape, sub(cls)] as const);
  const memo = new Map<string, Quad_Subject[]>();
  return (type) => {
    let shapes = memo.get(type);
    if (!shapes) {
      shapes = classes.filter(([, set]) => set.has(type)).map(([shape]) => shape);
      memo.set(type, shapes);
    }
    return shapes;
  };
}

/** Every class that is `cls` or a subclass of it, following rdfs:subClassOf statements in `quads`. */
function subclassesOf(quads: Iterable<Quad>): (cls: string) => Set<string> {
  const children = new Map<string, string[]>();
  for (const q of quads) {
    if (q.predicate.value !== SUBCLASS) continue;
    const list = children.get(q.object.value) ?? [];
    list.push(q.subject.value);
    children.set(q.object.value, list);
  }
  const memo = new Map<string, Set<string>>();
  return (cls) => {
    let set = memo.get(cls);
    if (set) return set;
    set = new Set([cls]);
    const todo = [cls];
    for (let c = todo.pop(); c !== undefined; c = todo.pop()) {
      for (const child of children.get(c) ?? []) {
        if (set.has(child)) continue;
        set.add(child);
        todo.push(child);
      }
    }
    memo.set(cls, set);
    return set;
  };
}

/** A batch of statements to validate on a graph of their own. */
export interface Batch {
  quads: Quad[];
  /** The subjects this batch owns: only results about them count. */
  focus: string[];
}

/** The batch an EncodedBatch stands for (in the worker that receives it). */
export function decodeBatch(batch: EncodedBatch): Batch {
  const term = unpackTerms(batch);
  const { statements } = batch;
  const at = (i: number) => term[statements[i] as number] as Term;
  const quads: Quad[] = [];
  for (let i = 0; i + 2 < statements.length; i += 3) {
    quads.push(DataFactory.quad(at(i) as Quad_Subject, at(i + 1) as Quad['predicate'], at(i + 2) as Quad['object']));
  }
  return { quads, focus: batch.focus };
}

/** A batch in the form that crosses to a worker. */
export function encodeBatch({ quads, focus }: Batch): EncodedBatch {
  const terms = new TermTable();
  const statements = new Int32Array(3 * quads.length);
  let i = 0;
  for (const q of quads) {
    statements[i++] = terms.numberOf(q.subject);
    statements[i++] = terms.numberOf(q.predicate);
    statements[i++] = terms.numberOf(q.object);
  }
  return { ...terms.pack(), statements, focus };
}

/** Validates a batch; returns plain results about the focus nodes (the subjects the batch owns). */
export async function validateBatch(prepared: PreparedShapes, { quads, focus: owners }: Batch): Promise<PlainResult[]> {
  const mine = new Set(owners);
  const bySubjects = prepared.subjectTargets.length > 0;
  /** The nodes this batch owns, with their types and predicates (which decide the shapes that target them). */
  const owned = new Map<string, { node: Quad_Subject; types: string[]; predicates: Set<string> }>();
  const subclassStatements: Quad[] = [];
  for (const q of quads) {
    const p = q.predicate.value;
    if (p === SUBCLASS) subclassStatements.push(q);
    const s = q.subject.value;
    if (!mine.has(s)) continue;
    let facts = owned.get(s);
    if (!facts) {
      facts = { node: q.subject, types: [], predicates: new Set() };
      owned.set(s, facts);
    }
    if (p === RDF_TYPE) facts.types.push(q.object.value);
    if (bySubjects) facts.predicates.add(p);
  }
  // The class axioms' subclasses are worked out once for every batch; statements of the data add to them.
  const targetsOf =
    subclassStatements.length === 0 ? prepared.classTargeting : classTargeting(prepared, subclassStatements);
  /** The nodes each targeted shape validates here, each once however many of its targets name it. */
  const focus = new Map<string, { shape: Quad_Subject; nodes: Map<string, Quad_Subject> }>();
  const target = (shape: Quad_Subject, node: Quad_Subject) => {
    const key = termId(shape);
    let entry = focus.get(key);
    if (!entry) {
      entry = { shape, nodes: new Map() };
      focus.set(key, entry);
    }
    entry.nodes.set(termId(node), node);
  };
  for (const { node, types } of owned.values())
    for (const t of types) for (const shape of targetsOf(t)) target(shape, node);
  for (const [shape, predicate] of prepared.subjectTargets) {
    for (const { node, predicates } of owned.values()) if (predicates.has(predicate)) target(shape, node);
  }
  if (prepared.engine) {
    return prepared.engine.validate(
      quads,
      subclassStatements,
      [...focus.values()].map(({ shape, nodes }) => ({ shape, nodes: [...nodes.values()] })),
    );
  }
  const data = new Store();
  data.addQuads(quads);
  data.addQuads(prepared.axioms);
  const shapes = new Store();
  shapes.addQuads(prepared.base);
  for (const { shape, nodes } of focus.values())
    for (const node of nodes.values()) shapes.addQuad(shape, TARGET_NODE, node);
  const report = await new SHACLValidator(shapes, { factory: validatorEnvironment }).validate(data);
  const results: PlainResult[] = [];
  for (const r of report.results) {
    if (mine.has(r.focusNode?.value ?? '')) results.push(plainResult(r, shapes));
  }
  return results;
}

/** Gathers one Batch. */
class BatchBuilder {
  private readonly quads: Quad[] = [];
  private readonly focus = new Set<string>();

  /** A statement about a subject this batch owns. */
  own(q: Quad): void {
    this.quads.push(q);
    this.focus.add(q.subject.value);
  }

  add(q: Quad): void {
    this.quads.push(q);
  }

  finish(): Batch {
    return { quads: this.quads, focus: [...this.focus] };
  }
}

/** A batch, and how many of the records' statements (repeats included) it stands for: the unit of progress. */
export interface Cut {
  batch: Batch;
  statements: number;
}

/**
 * Cuts the graph into batches. A batch holds every statement about the subjects its records alone describe;
 * subjects that several records describe (keywords, places, programmes) form batches of their own, each statement
 * once. Each batch also gets the rdf:type statements of the nodes it points to (sh:class needs them). With
 * `reads` (PreparedShapes.reads), statements whose predicate the shapes never look at are left out of the batches.
 */
export function* cutBatches(
  mapped: MappedRecord[],
  size: number,
  outside?: TypesOutside,
  reads: (predicate: string) => boolean = () => true,
): Generator<Cut> {
  const SHARED = -1;
  const owner = new Map<string, number>();
  const types = new Map<string, Quad[]>();
  let statements = 0;
  mapped.forEach((m, i) => {
    statements += m.quads.length;
    for (const q of m.quads) {
      const s = q.subject.value;
      const o = owner.get(s);
      if (o === undefined) owner.set(s, i);
      else if (o !== i) owner.set(s, SHARED);
      if (q.predicate.value === RDF_TYPE) {
        const list = types.get(s);
        if (list) list.push(q);
        else types.set(s, [q]);
      }
    }
  });
  /** The batch of `owned` statements, plus the types of the nodes they point to that are not `mine`. */
  const build = (owned: (batch: BatchBuilder) => void, pointedAt: Set<string>): Batch => {
    const batch = new BatchBuilder();
    owned(batch);
    for (const node of pointedAt) {
      const local = types.get(node);
      if (local) for (const t of local) batch.add(t);
      else
        for (const t of outside?.(node) ?? [])
          batch.add(DataFactory.quad(DataFactory.namedNode(node), RDF_TYPE_TERM, DataFactory.namedNode(t)));
    }
    return batch.finish();
  };
  for (let from = 0; from < mapped.length; from += size) {
    const to = Math.min(mapped.length, from + size);
    const pointedAt = new Set<string>();
    let owned = 0;
    const batch = build((batch) => {
      for (let i = from; i < to; i++) {
        for (const q of mapped[i]!.quads) {
          if (owner.get(q.subject.value) !== i) continue;
          owned++;
          if (!reads(q.predicate.value)) continue;
          batch.own(q);
          if (q.object.termType !== 'NamedNode') continue;
          const o = owner.get(q.object.value);
          if (o === undefined || o < from || o >= to) pointedAt.add(q.object.value);
        }
      }
    }, pointedAt);
    yield { batch, statements: owned };
  }
  // Subjects that several records describe (keywords, places, programmes) get the statements of all those
  // records, each once: every record that mentions a keyword states the same few things about it. They are
  // cut into batches of whole subjects, as the records are: their provenance (one prov:wasDerivedFrom per
  // mentioning record) grows with the data, and as one batch it would be validated by one worker alone.
  const bySubject = new Map<string, Quad[]>();
  /** Statements about each shared subject with repeats, which the progress counts. */
  const repeated = new Map<string, number>();
  const seen = new Set<string>();
  for (const m of mapped) {
    for (const q of m.quads) {
      if (owner.get(q.subject.value) !== SHARED) continue;
      repeated.set(q.subject.value, (repeated.get(q.subject.value) ?? 0) + 1);
      if (!reads(q.predicate.value)) continue;
      const key = tripleId(q);
      if (seen.has(key)) continue;
      seen.add(key);
      const list = bySubject.get(q.subject.value);
      if (list) list.push(q);
      else bySubject.set(q.subject.value, [q]);
    }
  }
  seen.clear();
  const sharedSize = Math.max(1, Math.round(statements / Math.max(1, Math.ceil(mapped.length / size))));
  let chunk: string[] = [];
  let inChunk = 0;
  const cut = (): Cut => {
    const subjects = new Set(chunk);
    const pointedAt = new Set<string>();
    const statements = chunk.reduce((n, s) => n + (repeated.get(s) ?? 0), 0);
    const batch = build((batch) => {
      for (const s of chunk) {
        for (const q of bySubject.get(s) ?? []) {
          batch.own(q);
          if (q.object.termType === 'NamedNode' && !subjects.has(q.object.value)) pointedAt.add(q.object.value);
        }
      }
    }, pointedAt);
    return { batch, statements };
  };
  for (const [subject, quads] of bySubject) {
    chunk.push(subject);
    inChunk += quads.length;
    if (inChunk >= sharedSize) {
      yield cut();
      chunk = [];
      inChunk = 0;
    }
  }
  if (chunk.length > 0) yield cut();
}

/** Validates the batches one after the other on this thread; `progress` is told the statements of each done. */
export async function validateHere(
  batches: Iterable<Cut>,
  prepared: PreparedShapes,
  progress: (statements: number) => void = () => {},
): Promise<PlainResult[]> {
  const results: PlainResult[] = [];
  for (const b of batches) {
    results.push(...(await validateBatch(prepared, b.batch)));
    progress(b.statements);
  }
  return results;
}

const WORKER_MODULE = new URL('./shacl-worker.ts', import.meta.url);

/**
 * SHACL worker threads, each holding the compiled shapes, started once and given the batches of as many calls as
 * the caller makes (the build validates its records part by part): each worker takes the next batch as soon as
 * it is free, and batches are cut only when a worker can take one, so few exist at once. An engine fault or a
 * dead worker fails the call.
 */
export class ShaclWorkers {
  private constructor(private readonly pool: WorkerPool<EncodedBatch, PlainResult[]>) {}

  static async start(shapes: ShapesText, count: number): Promise<ShaclWorkers> {
    const pool = await WorkerPool.start<ShapesText, EncodedBatch, PlainResult[]>({
      module: WORKER_MODULE,
      name: 'SHACL worker',
      workers: count,
      workerData: shapes,
    });
    return new ShaclWorkers(pool);
  }

  /** `progress` is told the statements of each batch as its results come back. */
  async validate(batches: Iterable<Cut>, progress: (statements: number) => void = () => {}): Promise<PlainResult[]> {
    // The pool takes batches in the order they are cut, so a batch's index finds its statement count.
    const counts: number[] = [];
    const encoded = (function* () {
      for (const cut of batches) {
        counts.push(cut.statements);
        yield encodeBatch(cut.batch);
      }
    })();
    const onResult = (_: PlainResult[], index: number) => progress(counts[index] ?? 0);
    return (await this.pool.runEach(encoded, { transfer: batchTransfer, onResult })).flat();
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
