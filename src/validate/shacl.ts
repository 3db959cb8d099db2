// Validate: runs the SHACL shapes in shapes/ over the mapped graph and traces every result back to file:line and field.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import type { Quad, Term } from '@rdfjs/types';
import type { Problem, SourceLocation } from '../errors.ts';
import { formatField } from '../ingest/read-yaml.ts';
import type { MappedRecord } from '../map/map-records.ts';
import { SH } from '../vocab.ts';

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

/** Validates the mapped records together and returns located problems; only engine faults throw. */
export async function validateRecords(mapped: MappedRecord[], bundle: ShapesBundle): Promise<ValidationOutcome> {
  const data = new Store();
  for (const m of mapped) data.addQuads(m.quads);
  data.addQuads(bundle.axioms);
  const validator = new SHACLValidator(bundle.shapes);
  const report = await validator.validate(data);
  const index = originIndex(mapped);
  const violations: Problem[] = [];
  const warnings: Problem[] = [];
  for (const r of report.results) {
    const problem = locateResult(r, index);
    (r.severity?.equals(SH('Violation')) ? violations : warnings).push(problem);
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

function originIndex(mapped: MappedRecord[]): OriginIndex {
  const bySubject = new Map<string, Located>();
  const bySubjectPredicate = new Map<string, Located>();
  for (const m of mapped) {
    for (const o of m.origins) {
      const located = { location: m.source.locate(o.field), field: formatField(o.field) };
      const key = o.predicate === undefined ? o.subject : `${o.subject} ${o.predicate}`;
      const map = o.predicate === undefined ? bySubject : bySubjectPredicate;
      // The first record that states something owns it: shared nodes (keywords, places) point at their first use.
      if (!map.has(key)) map.set(key, located);
    }
  }
  return { bySubject, bySubjectPredicate };
}

interface ResultLike {
  focusNode: Term | null;
  path: Term | null;
  value: Term | null;
  message: Term[];
  severity: Term | null;
  sourceConstraintComponent: Term | null;
}

function locateResult(r: ResultLike, index: OriginIndex): Problem {
  const focus = r.focusNode?.value ?? '';
  const predicate = r.path?.termType === 'NamedNode' ? r.path.value : undefined;
  const exact = predicate !== undefined ? index.bySubjectPredicate.get(`${focus} ${predicate}`) : undefined;
  const node = index.bySubject.get(focus);
  const at = exact ?? node;
  const message = r.message.map((m) => m.value).join('; ') || shortName(r.sourceConstraintComponent?.value);
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
  const key = (p: Problem) => `${p.location?.file ?? '~'}\u0000${String(p.location?.line ?? 0).padStart(9, '0')}\u0000${p.message}`;
  return ps.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
