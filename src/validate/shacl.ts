// Validate: runs the SHACL shapes in shapes/ over the mapped graph and traces every result back to file:line and field.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { Parser, Store, Writer } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import type { Quad } from '@rdfjs/types';
import type { Problem, SourceLocation } from '../errors.ts';
import { formatField } from '../ingest/read-yaml.ts';
import type { MappedRecord } from '../map/map-records.ts';
import { SH } from '../vocab.ts';
import {
  cutBatches, plainResult, prepareShapes, validateHere, validateInWorkers, validatorEnvironment, type PlainResult,
} from './shacl-batch.ts';

/** The file in shapes/ whose triples join the data graph (class axioms) instead of the shapes graph. */
const CLASS_AXIOMS = 'classes.ttl';

export interface ShapesBundle {
  shapes: Store;
  axioms: Quad[];
}

/** Loads shapes/*.ttl, resolving their relative IRIs against the dataset's base IRI. */
export async function loadShapes(shapesDir: string, baseIri: string): Promise<ShapesBundle> {
  const shapes = new Store();
  const axioms: Quad[] = [];
  const files = (await readdir(shapesDir)).filter((f) => f.endsWith('.ttl')).sort();
  for (const f of files) {
    const text = await readFile(path.join(shapesDir, f), 'utf8');
    const quads = new Parser({ baseIRI: baseIri }).parse(text);
    if (f === CLASS_AXIOMS) axioms.push(...quads);
    else shapes.addQuads(quads);
  }
  return { shapes, axioms };
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
 * the same statements as in the whole graph. The outcome equals validateWholeGraph's, which test/validate checks
 * on injected errors; shapes with targets that cannot be decided per batch fall back to the whole graph.
 */
export async function validateRecords(
  mapped: MappedRecord[],
  bundle: ShapesBundle,
  options: ValidateOptions = {},
): Promise<ValidationOutcome> {
  const text = { shapes: toNTriples(bundle.shapes), axioms: toNTriples(bundle.axioms) };
  const prepared = prepareShapes(text);
  if (!prepared.batchable) return validateWholeGraph(mapped, bundle);
  const total = mapped.reduce((n, m) => n + m.quads.length, 0);
  const workers = options.workers ?? (total < WORKER_THRESHOLD_QUADS ? 0 : Math.max(1, Math.min(availableParallelism(), 4)));
  const batches = cutBatches(mapped, options.batchRecords ?? 1000);
  const results = workers === 0 ? await validateHere(batches, prepared) : await validateInWorkers(batches, text, workers);
  return locateAll(results, mapped);
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
  return locateAll(report.results.map(plainResult), mapped);
}

function toNTriples(quads: Iterable<Quad>): string {
  const w = new Writer({ format: 'N-Triples' });
  let out = '';
  for (const q of quads) out += w.quadToString(q.subject, q.predicate, q.object);
  return out;
}

function locateAll(results: PlainResult[], mapped: MappedRecord[]): ValidationOutcome {
  const index = originIndex(mapped, results);
  const violations: Problem[] = [];
  const warnings: Problem[] = [];
  for (const r of results) {
    const problem = locateResult(r, index);
    (r.severity === SH('Violation').value ? violations : warnings).push(problem);
  }
  return { violations: sortProblems(violations), warnings: sortProblems(warnings) };
}

interface Located {
  location: SourceLocation;
  field: string;
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
      if (!map.has(key)) map.set(key, { location: m.source.locate(o.field), field: formatField(o.field) });
    }
  }
  return { bySubject, bySubjectPredicate };
}

function locateResult(r: PlainResult, index: OriginIndex): Problem {
  const focus = r.focusNode?.value ?? '';
  const predicate = r.path?.termType === 'NamedNode' ? r.path.value : undefined;
  const exact = predicate !== undefined ? index.bySubjectPredicate.get(`${focus} ${predicate}`) : undefined;
  const node = index.bySubject.get(focus);
  const at = exact ?? node;
  const message = r.message.join('; ') || shortName(r.sourceConstraintComponent ?? undefined);
  const about = predicate !== undefined ? ` [${shortName(predicate)} of <${focus}>]` : ` [<${focus}>]`;
  return {
    code: 'SHACL_VIOLATION',
    message: message + about,
    ...(at ? { location: at.location } : {}),
    // When the statement is missing, the field is the record's own path plus the property that was expected.
    field: exact ? exact.field : [node?.field, predicate !== undefined ? shortName(predicate) : undefined].filter(Boolean).join('.') || '(record)',
    ...(r.value ? { value: r.value.value } : {}),
  };
}

function shortName(iri: string | undefined): string {
  if (!iri) return '';
  return iri.replace(/^.*[#/]/, '');
}

function sortProblems(ps: Problem[]): Problem[] {
  // Field and value break ties, so the order does not depend on the order in which batches finished.
  const key = (p: Problem) =>
    `${p.location?.file ?? '~'}\u0000${String(p.location?.line ?? 0).padStart(9, '0')}\u0000${p.message}\u0000${p.field ?? ''}\u0000${p.value ?? ''}`;
  const keyed = ps.map((p) => ({ p, k: key(p) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.p);
}
