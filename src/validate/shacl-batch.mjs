// Validates one batch of the data graph with rdf-validate-shacl, targeting only the nodes the batch owns; runs in workers and in-process.
// Plain JavaScript on purpose: worker threads do not inherit the tsx loader. Types are in shacl-batch.d.mts.
import { DataFactory, Parser, Store, termFromId } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
// The validator's own RDF/JS environment (no package entry point exports it), with one change below.
import defaultEnvironment from 'rdf-validate-shacl/src/defaultEnv.js';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const SUBCLASS = 'http://www.w3.org/2000/01/rdf-schema#subClassOf';
const RDFS_CLASS = 'http://www.w3.org/2000/01/rdf-schema#Class';
const SH = 'http://www.w3.org/ns/shacl#';
const TARGET_NODE = DataFactory.namedNode(`${SH}targetNode`);

/**
 * The validator copies the shapes into a dataset of its environment and looks up every constraint parameter
 * there, once per value node. Its default dataset (@rdfjs/dataset) is much slower at those lookups than an
 * n3 Store, so the environment here makes n3 Stores; everything else is the validator's own.
 */
export const validatorEnvironment = Object.create(defaultEnvironment);
validatorEnvironment.dataset = (quads) => new Store(quads ? [...quads] : []);

const parse = (text) => new Parser({ format: 'N-Triples' }).parse(text);

/**
 * Splits the shapes into the shapes without their class and subjects-of targets plus those targets, which
 * each batch turns into sh:targetNode statements for the nodes it owns. A batch holds the rdf:type of nodes it
 * only points to (sh:class needs them); with sh:targetClass kept, those nodes would be validated (and fail) in
 * every batch that points to them. Targets that cannot be decided per owned node make the shapes unbatchable.
 */
export function prepareShapes(shapesNt, axiomsNt) {
  const shapes = parse(shapesNt);
  const classTargets = [];
  const subjectTargets = [];
  const base = [];
  let batchable = true;
  for (const q of shapes) {
    const p = q.predicate.value;
    if (p === `${SH}targetClass`) classTargets.push([q.subject, q.object.value]);
    else if (p === `${SH}targetSubjectsOf`) subjectTargets.push([q.subject, q.object.value]);
    else {
      if (p === `${SH}targetNode` || p === `${SH}targetObjectsOf`) batchable = false;
      if (p === RDF_TYPE && q.object.value === RDFS_CLASS) batchable = false;
      base.push(q);
    }
  }
  return { base, classTargets, subjectTargets, axioms: parse(axiomsNt), batchable };
}

/** Every class that is `cls` or a subclass of it, following rdfs:subClassOf statements in `quads`. */
function subclassesOf(quads) {
  const children = new Map();
  for (const q of quads) {
    if (q.predicate.value !== SUBCLASS) continue;
    const list = children.get(q.object.value) ?? [];
    list.push(q.subject.value);
    children.set(q.object.value, list);
  }
  const memo = new Map();
  return (cls) => {
    let set = memo.get(cls);
    if (set) return set;
    set = new Set([cls]);
    const todo = [cls];
    while (todo.length > 0) for (const c of children.get(todo.pop()) ?? []) if (!set.has(c)) set.add(c), todo.push(c);
    memo.set(cls, set);
    return set;
  };
}

const term = (t) => (t ? { termType: t.termType, value: t.value } : null);

/** Validates an encoded batch (shacl-batch.d.mts); returns plain results about the focus nodes (the subjects the batch owns). */
export async function validateBatch(prepared, { terms, lengths, statements, focus }) {
  const term = new Array(lengths.length);
  for (let i = 0, at = 0; i < lengths.length; i++) term[i] = termFromId(terms.slice(at, (at += lengths[i])));
  const quads = [];
  for (let i = 0; i + 2 < statements.length; i += 3) {
    quads.push(DataFactory.quad(term[statements[i]], term[statements[i + 1]], term[statements[i + 2]]));
  }
  const data = new Store();
  data.addQuads(quads);
  data.addQuads(prepared.axioms);
  const mine = new Set(focus);
  const typesOf = new Map();
  const predicatesOf = new Map();
  for (const q of quads) {
    const s = q.subject.value;
    if (!mine.has(s)) continue;
    if (q.predicate.value === RDF_TYPE) {
      const list = typesOf.get(s) ?? [];
      list.push(q.object.value);
      typesOf.set(s, list);
    }
    if (prepared.subjectTargets.length > 0) {
      const set = predicatesOf.get(s) ?? new Set();
      set.add(q.predicate.value);
      predicatesOf.set(s, set);
    }
  }
  const sub = subclassesOf([...prepared.axioms, ...quads]);
  const targets = [];
  for (const [shape, cls] of prepared.classTargets) {
    const classes = sub(cls);
    for (const [node, types] of typesOf) {
      if (types.some((t) => classes.has(t))) targets.push(DataFactory.quad(shape, TARGET_NODE, DataFactory.namedNode(node)));
    }
  }
  for (const [shape, predicate] of prepared.subjectTargets) {
    for (const [node, predicates] of predicatesOf) {
      if (predicates.has(predicate)) targets.push(DataFactory.quad(shape, TARGET_NODE, DataFactory.namedNode(node)));
    }
  }
  const shapes = new Store();
  shapes.addQuads(prepared.base);
  shapes.addQuads(targets);
  const report = await new SHACLValidator(shapes, { factory: validatorEnvironment }).validate(data);
  const results = [];
  for (const r of report.results) {
    if (!mine.has(r.focusNode?.value ?? '')) continue;
    results.push(plainResult(r, shapes));
  }
  return results;
}

const SH_MESSAGE = DataFactory.namedNode(`${SH}message`);

/**
 * A validation result as plain data, so it can cross from a worker thread; the main thread uses the same shape.
 * The shape's own sh:message comes first: the validator puts the built-in text of some components (sh:uniqueLang:
 * 'Language "nl" has been used by 2 values') before it, and editors read the shape's words.
 */
export function plainResult(r, shapes) {
  const own = r.sourceShape ? shapes.getObjects(r.sourceShape, SH_MESSAGE, null).map((m) => m.value) : [];
  return {
    focusNode: term(r.focusNode),
    path: term(r.path),
    value: term(r.value),
    message: own.length > 0 ? own : r.message.map((m) => m.value),
    severity: r.severity?.value ?? null,
    sourceConstraintComponent: r.sourceConstraintComponent?.value ?? null,
    // Only named shapes: blank-node labels differ between the threads that parse the shapes.
    sourceShape: r.sourceShape?.termType === 'NamedNode' ? r.sourceShape.value : null,
  };
}
