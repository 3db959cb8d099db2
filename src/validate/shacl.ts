// Validate: runs the SHACL shapes in shapes/ over the mapped graph and traces every result back to file:line and field.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { Parser, Store, Writer } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import type { Quad } from '@rdfjs/types';
import type { Problem } from '../errors.ts';
import { formatField, type FieldPath, type YamlSource } from '../ingest/read-yaml.ts';
import type { MappedRecord } from '../map/map-records.ts';
import { SELF } from '../map/emit.ts';
import { SH } from '../vocab.ts';
import {
  cutBatches,
  plainResult,
  prepareShapes,
  validateHere,
  validatorEnvironment,
  ShaclWorkers,
  type PlainResult,
  type PreparedShapes,
  type ShapesText,
  type TypesOutside,
} from './shacl-batch.ts';

/** The file in shapes/ whose triples join the data graph (class axioms) instead of the shapes graph. */
const CLASS_AXIOMS = 'classes.ttl';

export interface ShapesBundle {
  shapes: Store;
  axioms: Quad[];
  /**
   * For node shapes whose results carry no sh:path (an sh:or over the focus node), the property a result is
   * about, from their `pgs:reportPath` annotation: the report then names that property's record field.
   */
  reportPaths: Map<string, string>;
  /** A hash of the shapes files as written, and the base IRI: what every result depends on (build cache keys). */
  version: string;
}

/** Loads shapes/*.ttl, resolving their relative IRIs against the dataset's base IRI. */
export async function loadShapes(shapesDir: string, baseIri: string): Promise<ShapesBundle> {
  const shapes = new Store();
  const axioms: Quad[] = [];
  const files = (await readdir(shapesDir)).filter((f) => f.endsWith('.ttl')).sort();
  const version = createHash('sha256').update(`${baseIri}\n`);
  for (const f of files) {
    const text = await readFile(path.join(shapesDir, f), 'utf8');
    version.update(`${f}\n${Buffer.byteLength(text)}\n`).update(text);
    const quads = new Parser({ baseIRI: baseIri }).parse(text);
    if (f === CLASS_AXIOMS) axioms.push(...quads);
    else shapes.addQuads(quads);
  }
  const reportPath = new URL('shapes#reportPath', baseIri).href;
  const annotations = shapes.getQuads(null, reportPath, null, null);
  const reportPaths = new Map(annotations.map((q) => [q.subject.value, q.object.value]));
  return { shapes, axioms, reportPaths, version: version.digest('hex') };
}

export interface ValidationOutcome {
  violations: Problem[];
  warnings: Problem[];
}

export interface ValidateOptions {
  /** Records per batch; each batch is validated on a graph of its own. */
  batchRecords?: number;
  /** Worker threads; 0 validates the batches on this thread. Default: one per core, none for small inputs. */
  workers?: number;
  /** Told after each batch: statements validated so far, and of how many (progress of long builds). */
  onProgress?: (done: number, total: number) => void;
  /**
   * The types of nodes outside `mapped` that its records point to, for validating a part of the records: sh:class
   * looks at them. The records' own subjects must be ones no record outside `mapped` describes.
   */
  types?: TypesOutside;
}

/** Below this many quads, starting worker threads costs more than it saves. */
const WORKER_THRESHOLD_QUADS = 60_000;

/**
 * Validates the mapped records and returns located problems; only engine faults throw.
 *
 * Whole-graph validation slows down as the graph grows and keeps every quad in one store, so the graph is cut
 * into batches of records, validated in worker threads. A batch holds every statement about the subjects its
 * records alone describe; subjects that several records describe (keywords, places, programmes) form batches of
 * their own, each statement once. Each batch also gets the rdf:type statements of the nodes it points to (sh:class needs them) and the
 * class axioms. Only the nodes a batch owns are targeted there (shacl-batch.ts). Our shapes follow single
 * predicates from the focus node and look at the nodes they point to only through sh:class, so a focus node sees
 * the same statements as in the whole graph; statements with predicates no shape names are left out. The batches
 * are validated with shacl-engine (engine.ts) where its results cannot differ from rdf-validate-shacl's, else with
 * rdf-validate-shacl. The outcome equals validateWholeGraph's, which test/validate checks on injected and random
 * faults; shapes whose targets cannot be decided per batch, or that look past a focus node's own statements, fall
 * back to the whole graph.
 */
export async function validateRecords(
  mapped: MappedRecord[],
  bundle: ShapesBundle,
  options: ValidateOptions = {},
): Promise<ValidationOutcome> {
  const session = new ValidationSession(bundle, options.workers);
  try {
    return await session.validate(mapped, options);
  } finally {
    await session.close();
  }
}

/**
 * validateRecords over many calls that share one set of worker threads, started at the first call large enough
 * to need them: the build validates its records part by part, and starting workers (each compiles the shapes)
 * for every part would cost more than a part's validation.
 */
export class ValidationSession {
  private readonly text: ShapesText;
  private readonly prepared: PreparedShapes;
  private workers: Promise<ShaclWorkers> | undefined;

  /** `workerCount`: threads for the calls that need them (default: one per core, at most 4); 0 validates here. */
  constructor(
    private readonly bundle: ShapesBundle,
    private readonly workerCount?: number,
  ) {
    this.text = { shapes: toNTriples(bundle.shapes), axioms: toNTriples(bundle.axioms) };
    this.prepared = prepareShapes(this.text);
  }

  async validate(mapped: MappedRecord[], options: Omit<ValidateOptions, 'workers'> = {}): Promise<ValidationOutcome> {
    if (!this.prepared.batchable) return validateWholeGraph(mapped, this.bundle);
    const total = mapped.reduce((n, m) => n + m.quads.length, 0);
    const count =
      this.workerCount ?? (total < WORKER_THRESHOLD_QUADS ? 0 : Math.max(1, Math.min(availableParallelism(), 4)));
    let done = 0;
    const progress = (statements: number) => {
      done += statements;
      options.onProgress?.(done, total);
    };
    const batches = cutBatches(mapped, options.batchRecords ?? 1000, options.types, this.prepared.reads);
    if (count === 0 && this.workers === undefined) {
      return locateAll(await validateHere(batches, this.prepared, progress), mapped, this.bundle);
    }
    this.workers ??= ShaclWorkers.start(this.text, Math.max(1, count));
    const results = await (await this.workers).validate(batches, progress);
    return locateAll(results, mapped, this.bundle);
  }

  /** Stops the worker threads, if any were started. */
  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = undefined;
    // A start that failed has failed its call already.
    if (workers)
      await workers.then(
        (w) => w.close(),
        () => {},
      );
  }
}

/**
 * The reference: rdf-validate-shacl over one store holding every quad, with the same validator set-up as the
 * batches (so that comparing the two measures the batching alone). Slow on large graphs; kept for comparison
 * and for shapes that cannot be batched.
 */
export async function validateWholeGraph(mapped: MappedRecord[], bundle: ShapesBundle): Promise<ValidationOutcome> {
  const data = new Store();
  for (const m of mapped) data.addQuads(m.quads);
  data.addQuads(bundle.axioms);
  const validator = new SHACLValidator(bundle.shapes, { factory: validatorEnvironment });
  const report = await validator.validate(data);
  return locateAll(
    report.results.map((r) => plainResult(r, bundle.shapes)),
    mapped,
    bundle,
  );
}

function toNTriples(quads: Iterable<Quad>): string {
  const w = new Writer({ format: 'N-Triples' });
  let out = '';
  for (const q of quads) out += w.quadToString(q.subject, q.predicate, q.object);
  return out;
}

function locateAll(results: PlainResult[], mapped: MappedRecord[], bundle: ShapesBundle): ValidationOutcome {
  const index = originIndex(mapped, results);
  const violations: Problem[] = [];
  const warnings: Problem[] = [];
  for (const r of results) {
    const problem = locateResult(r, index, bundle.reportPaths);
    (r.severity === SH('Violation').value ? violations : warnings).push(problem);
  }
  return { violations: sortProblems(violations), warnings: sortProblems(warnings) };
}

interface Located {
  source: YamlSource;
  field: FieldPath;
  /** On a subject: the record field behind each of its properties (Origin.fields). */
  fields?: Readonly<Record<string, FieldPath>>;
}

interface OriginIndex {
  bySubject: Map<string, Located>;
  bySubjectPredicate: Map<string, Located>;
}

/** Locates only the subjects the results are about: locating every origin of a large build would cost minutes. */
function originIndex(mapped: MappedRecord[], results: PlainResult[]): OriginIndex {
  const wanted = new Set(results.map((r) => r.focusNode?.value ?? ''));
  const bySubject = new Map<string, Located>();
  const bySubjectPredicate = new Map<string, Located>();
  if (wanted.size === 0) return { bySubject, bySubjectPredicate };
  for (const m of mapped) {
    for (const o of m.origins) {
      if (!wanted.has(o.subject)) continue;
      const key = o.predicate === undefined ? o.subject : `${o.subject} ${o.predicate}`;
      const map = o.predicate === undefined ? bySubject : bySubjectPredicate;
      // The first record that states something owns it: shared nodes (keywords, places) point at their first use.
      if (!map.has(key)) map.set(key, { source: m.source, field: o.field, ...(o.fields ? { fields: o.fields } : {}) });
    }
  }
  return { bySubject, bySubjectPredicate };
}

/**
 * A result in the editor's terms: the record field that gave the statement, or, for a value that is missing,
 * the field that would give it (declared by the map functions); the value as written in the record; and the
 * shape's message, with no RDF terms around it.
 */
function locateResult(r: PlainResult, index: OriginIndex, reportPaths: Map<string, string>): Problem {
  const focus = r.focusNode?.value ?? '';
  const predicate =
    r.path?.termType === 'NamedNode' ? r.path.value : r.sourceShape ? reportPaths.get(r.sourceShape) : undefined;
  const node = index.bySubject.get(focus);
  const exact = predicate !== undefined ? index.bySubjectPredicate.get(`${focus} ${predicate}`) : undefined;
  const declared = predicate !== undefined ? node?.fields?.[predicate] : undefined;
  const source = exact?.source ?? node?.source;
  let field = exact?.field ?? declared ?? node?.field;
  // A statement no field gives (a fault of the mapping, not of the record) is reported on what identifies the record.
  if (field?.length === 0) field = node?.fields?.[SELF] ?? field;
  const message = r.message.join('; ') || plainMessage(r.sourceConstraintComponent);
  const fieldText = field !== undefined && field.length > 0 ? formatField(field) : 'id';
  const value = r.value ? editorValue(r.value, focus) : undefined;
  return {
    code: 'SHACL_VIOLATION',
    message,
    ...(source && field ? { location: source.locate(field) } : {}),
    field: fieldText,
    ...(value !== undefined ? { value } : {}),
  };
}

/**
 * A value as the editor wrote it: the text of a literal; for a resource of this dataset (an organisation, a
 * status), the last segment of its IRI, which is the id or code in the record; other web addresses as they are.
 * The focus node itself is no value the editor wrote.
 */
function editorValue(value: { termType: string; value: string }, focus: string): string | undefined {
  if (value.termType === 'Literal') return value.value;
  if (value.value === focus || value.termType === 'BlankNode') return undefined;
  const ours = /^(.*\/)(?:project|programme|organisation|def\/project-status)\/([^/#]+)$/.exec(value.value);
  if (ours && focus.startsWith(ours[1]!)) return ours[2];
  return value.value;
}

/** Plain words for results of shapes that carry no sh:message (a --shapes directory of one's own). */
const COMPONENT_MESSAGES: Record<string, string> = {
  MinCountConstraintComponent: 'a value is required here',
  MaxCountConstraintComponent: 'too many values: give at most the allowed number',
  DatatypeConstraintComponent: 'the value has the wrong form',
  ClassConstraintComponent: 'the value must name a record of the right kind',
  NodeKindConstraintComponent: 'the value must be a web address',
  InConstraintComponent: 'the value is not one of those allowed',
  LanguageInConstraintComponent: 'the text must be Dutch (nl) or English (en)',
  UniqueLangConstraintComponent: 'give at most one text per language',
  PatternConstraintComponent: 'the value does not have the expected form',
  HasValueConstraintComponent: 'a required value is missing',
};

function plainMessage(component: string | null): string {
  const name = shortName(component ?? undefined);
  return COMPONENT_MESSAGES[name] ?? 'the value does not meet the rules for this field';
}

function shortName(iri: string | undefined): string {
  if (!iri) return '';
  return iri.replace(/^.*[#/]/, '');
}

export function sortProblems(ps: Problem[]): Problem[] {
  // Field and value break ties, so the order does not depend on the order in which batches finished.
  const key = (p: Problem) =>
    `${p.location?.file ?? '~'}\u0000${String(p.location?.line ?? 0).padStart(9, '0')}\u0000${p.message}\u0000${p.field ?? ''}\u0000${p.value ?? ''}`;
  const keyed = ps.map((p) => ({ p, k: key(p) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.p);
}
