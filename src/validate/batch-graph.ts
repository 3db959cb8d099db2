// A batch's data graph as shacl-engine reads it: the statements of a subject by predicate at hand, the rest from n3.
import { Store } from 'n3';
import { InternalError } from '../errors.ts';
import type { DatasetCore, Quad, Term } from '@rdfjs/types';
import { termId } from '../terms.ts';

/**
 * Quads matched once: what `match` gives. shacl-engine (through grapoi) only iterates a match or asks its size.
 * n3's own `match` makes a readable stream and a live view for every call, which cost more than the validation
 * they serve, since the engine matches once per focus node, shape and value.
 */
class Matched implements DatasetCore {
  constructor(private readonly quads: readonly Quad[]) {}

  get size(): number {
    return this.quads.length;
  }

  has(quad: Quad): boolean {
    return this.quads.some((q) => q.equals(quad));
  }

  match(subject?: Term | null, predicate?: Term | null, object?: Term | null, graph?: Term | null): Matched {
    return new Matched(
      this.quads.filter(
        (q) =>
          (!subject || q.subject.equals(subject)) &&
          (!predicate || q.predicate.equals(predicate)) &&
          (!object || q.object.equals(object)) &&
          (!graph || q.graph.equals(graph)),
      ),
    );
  }

  add(): this {
    throw new InternalError('a matched set of quads is read-only');
  }

  delete(): this {
    throw new InternalError('a matched set of quads is read-only');
  }

  [Symbol.iterator](): Iterator<Quad> {
    return this.quads[Symbol.iterator]();
  }
}

const key = (t: Term) => (t.termType === 'BlankNode' ? `_:${t.value}` : t.value);

/** Past this many values of one property, repeats are found through a set rather than by comparing each. */
const SHORT = 16;

/**
 * A read-only graph for one batch. Nearly every match the engine makes names a subject and a predicate (the values
 * of a path, the types of a value), and with the shipped shapes every one does (their targets are sh:targetNode):
 * those are answered from a map of the quads as given, without the copies n3 makes of every quad it reads. Other
 * patterns go to an n3 Store, made on first use. Each triple once, as in a store.
 */
export class BatchGraph implements DatasetCore {
  private readonly bySubject = new Map<string, Map<string, Quad[]>>();
  /** For the long lists of values: the objects they hold. */
  private readonly objectsOf = new Map<Quad[], Set<string>>();
  private count = 0;
  private store: Store | undefined;
  /** Whether every quad is in the default graph: grapoi names the graph of the edge it came along. */
  private defaultOnly = true;

  constructor(quads: Iterable<Quad>) {
    for (const q of quads) {
      const s = key(q.subject);
      let byPredicate = this.bySubject.get(s);
      if (!byPredicate) {
        byPredicate = new Map();
        this.bySubject.set(s, byPredicate);
      }
      let list = byPredicate.get(q.predicate.value);
      if (!list) {
        list = [];
        byPredicate.set(q.predicate.value, list);
      }
      if (this.holds(list, q.object)) continue;
      list.push(q);
      this.count++;
      if (q.graph.termType !== 'DefaultGraph') this.defaultOnly = false;
    }
  }

  /** Whether `list` has `object` already, and if not, notes that it will. */
  private holds(list: Quad[], object: Term): boolean {
    if (list.length < SHORT) return list.some((q) => q.object.equals(object));
    let objects = this.objectsOf.get(list);
    if (!objects) {
      objects = new Set(list.map((q) => termId(q.object)));
      this.objectsOf.set(list, objects);
    }
    const id = termId(object);
    if (objects.has(id)) return true;
    objects.add(id);
    return false;
  }

  get size(): number {
    return this.count;
  }

  has(quad: Quad): boolean {
    return this.match(quad.subject, quad.predicate).has(quad);
  }

  match(subject?: Term | null, predicate?: Term | null, object?: Term | null, graph?: Term | null): Matched {
    const anyGraph = !graph || (graph.termType === 'DefaultGraph' && this.defaultOnly);
    if (subject && predicate && !object && anyGraph) {
      return new Matched(this.bySubject.get(key(subject))?.get(predicate.value) ?? []);
    }
    this.store ??= new Store([...this]);
    return new Matched(this.store.getQuads(subject ?? null, predicate ?? null, object ?? null, graph ?? null));
  }

  add(): this {
    throw new InternalError('a batch graph is read-only');
  }

  delete(): this {
    throw new InternalError('a batch graph is read-only');
  }

  *[Symbol.iterator](): Iterator<Quad> {
    for (const byPredicate of this.bySubject.values()) for (const list of byPredicate.values()) yield* list;
  }
}
