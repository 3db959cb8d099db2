// shacl-engine set up to give the results rdf-validate-shacl gives: every shape reached along every path, once per worker.
import { DataFactory, Store } from 'n3';
import { Validator, type ValidationResult } from 'shacl-engine';
import Shape from 'shacl-engine/lib/Shape.js';
import type { Quad, Term } from '@rdfjs/types';
import { BatchGraph } from './batch-graph.ts';
import { termId } from '../terms.ts';
import { RDF, SH } from '../vocab.ts';
import { plainTerm, type PlainResult } from './plain-result.ts';

const SH_MESSAGE = SH('message').value;
const SH_NS = SH('').value;

/**
 * A shape that is validated each time it is reached. shacl-engine's own Shape validates a shape once per focus node
 * and replays only the results about the focus node itself when it is reached again: a property shape that two
 * node shapes share (pgs:DutchName, from pgs:Organization and pgs:Place, for a school that is both) would report
 * a wrong value once, where rdf-validate-shacl reports it for each shape that reached it. engineIsExact rules out
 * the recursive shapes that the engine's memo would otherwise stop.
 */
class EveryPathShape extends Shape {
  override validate(context: Parameters<Shape['validate']>[0]): ReturnType<Shape['validate']> {
    return this.shapeValidator.validate(context);
  }
}

class EveryPathValidator extends Validator {
  override shape(ptr: Parameters<Validator['shape']>[0]): Shape | null {
    if (!ptr.term) return null;
    let shape = this.shapes.get(ptr.term);
    if (!shape) {
      shape = new EveryPathShape(ptr, { validator: this });
      this.shapes.set(ptr.term, shape);
    }
    return shape;
  }
}

/** What shacl-engine makes its report's terms with; the dataset is only for a report built as a graph. */
const engineFactory = { ...DataFactory, dataset: () => new Store() };

/** The sh: predicates of a shape that are no constraint: what it targets, where it leads, how it reports. */
const NOT_CONSTRAINTS = new Set(
  [
    'property',
    'targetClass',
    'targetNode',
    'targetObjectsOf',
    'targetSubjectsOf',
    'target',
    'path',
    'message',
    'severity',
    'deactivated',
    'name',
    'description',
    'order',
    'group',
    'defaultValue',
  ].map((p) => SH(p).value),
);

/** The predicates by which a shape leads to other shapes (their objects, or the members of their lists). */
const LEADS = new Set(['property', 'node', 'not', 'qualifiedValueShape', 'and', 'or', 'xone'].map((p) => SH(p).value));
const LISTS = new Set(['and', 'or', 'xone'].map((p) => SH(p).value));

const TARGETS = ['targetClass', 'targetNode', 'targetObjectsOf', 'targetSubjectsOf', 'target'].map((p) => SH(p).value);

/**
 * Whether shacl-engine, as set up here, gives the results rdf-validate-shacl gives, in the form the report shows
 * them. The two agree on the core constraints (the W3C core suite, test/validate/shacl-w3c.test.ts) but not on the
 * words of their built-in messages, nor on SPARQL constraints: so every shape whose results reach the report (a
 * targeted shape, and the property shapes it reaches through sh:property) and that has a constraint of its own
 * needs an sh:message, and no shape may use sh:sparql. Shapes must not lead back to themselves (EveryPathShape
 * keeps no memo), and sh:qualifiedValueShapesDisjoint, which the engine evaluates differently, is left to
 * rdf-validate-shacl.
 */
export function engineIsExact(quads: readonly Quad[]): boolean {
  const bySubject = new Map<string, Quad[]>();
  const first = new Map<string, string>();
  const rest = new Map<string, string>();
  for (const q of quads) {
    const p = q.predicate.value;
    if (p === SH('sparql').value || p === SH('qualifiedValueShapesDisjoint').value) return false;
    if (p === RDF('first').value) first.set(q.subject.value, q.object.value);
    if (p === RDF('rest').value) rest.set(q.subject.value, q.object.value);
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
  const next = (shape: string): string[] =>
    (bySubject.get(shape) ?? [])
      .filter((q) => LEADS.has(q.predicate.value))
      .flatMap((q) => (LISTS.has(q.predicate.value) ? members(q.object.value) : [q.object.value]));
  // Depth-first over the shapes with a path of those being followed: a shape on it again is a cycle.
  const done = new Set<string>();
  const onPath = new Set<string>();
  const acyclic = (shape: string): boolean => {
    if (onPath.has(shape)) return false;
    if (done.has(shape)) return true;
    onPath.add(shape);
    const ok = next(shape).every(acyclic);
    onPath.delete(shape);
    done.add(shape);
    return ok;
  };
  if (![...bySubject.keys()].every(acyclic)) return false;
  const todo = quads.filter((q) => TARGETS.includes(q.predicate.value)).map((q) => q.subject.value);
  const seen = new Set<string>();
  for (let shape = todo.pop(); shape !== undefined; shape = todo.pop()) {
    if (seen.has(shape)) continue;
    seen.add(shape);
    const own = bySubject.get(shape) ?? [];
    const speaks = own.some((q) => q.predicate.value.startsWith(SH_NS) && !NOT_CONSTRAINTS.has(q.predicate.value));
    if (speaks && !own.some((q) => q.predicate.value === SH_MESSAGE)) return false;
    for (const q of own) if (q.predicate.value === SH('property').value) todo.push(q.object.value);
  }
  return true;
}

/**
 * The shapes compiled once (in each worker): `shapes` without their targets, for validate(), which is told the
 * focus nodes of each shape. `axioms` are in the shapes graph, where shacl-engine follows rdfs:subClassOf for
 * sh:class (SHACL says the data graph: a batch whose data has such statements gets a validator of its own).
 */
export class EngineShapes {
  private readonly validator: EveryPathValidator;
  private readonly messages = new Map<string, string[]>();

  constructor(private readonly shapes: readonly Quad[]) {
    const store = new Store([...shapes]);
    this.validator = new EveryPathValidator(store, { factory: engineFactory });
    for (const q of shapes) {
      if (q.predicate.value !== SH_MESSAGE) continue;
      const key = termId(q.subject);
      this.messages.set(key, [...(this.messages.get(key) ?? []), q.object.value]);
    }
  }

  /**
   * Validates `data`, each shape on the focus nodes given for it; results in the plain form of shacl-batch.ts.
   * `subclasses` are the rdfs:subClassOf statements of `data`.
   */
  async validate(
    data: readonly Quad[],
    subclasses: readonly Quad[],
    focus: readonly { shape: Term; nodes: Term[] }[],
  ): Promise<PlainResult[]> {
    const validator =
      subclasses.length === 0
        ? this.validator
        : new EveryPathValidator(new Store([...this.shapes, ...subclasses]), { factory: engineFactory });
    const dataset = new BatchGraph(data);
    const results: PlainResult[] = [];
    for (const { shape, nodes } of focus) {
      if (nodes.length === 0) continue;
      const report = await validator.validate({ dataset, terms: nodes }, [{ terms: [shape] }]);
      for (const r of report.results) results.push(this.plain(r));
    }
    return results;
  }

  /**
   * A result in the form plainResult gives rdf-validate-shacl's. The message is the shape's own sh:message (which
   * engineIsExact requires). A path of one predicate is that predicate, as rdf-validate-shacl's sh:resultPath
   * is; another path is only known to be one.
   */
  private plain(r: ValidationResult): PlainResult {
    const shape = r.shape.ptr.term;
    const step = r.path?.length === 1 ? r.path[0] : undefined;
    const predicate =
      step?.quantifier === 'one' && step.start === 'subject' && step.predicates.length === 1
        ? step.predicates[0]
        : undefined;
    return {
      focusNode: plainTerm(r.focusNode.term),
      path: predicate ? plainTerm(predicate) : r.path ? { termType: 'BlankNode', value: '' } : null,
      value: plainTerm(r.value?.term),
      message: shape ? (this.messages.get(termId(shape)) ?? []) : [],
      severity: r.severity.value,
      sourceConstraintComponent: r.constraintComponent.value,
      sourceShape: shape?.termType === 'NamedNode' ? shape.value : null,
    };
  }
}
