// Descriptions from a graph held in memory, indexed by subject and object: what describe() gives, without a query per
// resource. For a reader of every resource (export-site), where the store's SPARQL would cost milliseconds each.
import { createReadStream } from 'node:fs';
import type * as RDF from '@rdfjs/types';
import { StreamParser } from 'n3';
import { InternalError } from '../errors.ts';
import { describeFrom, LABELS, TYPE, type DescribeSource } from './describe.ts';
import type { ChangeSet, Description, GraphInfo, QueryOptions, QueryResult, Store, StoreOperation } from './store.ts';

export class MemoryGraph implements DescribeSource {
  private readonly bySubject = new Map<string, RDF.Quad[]>();
  private readonly byObject = new Map<string, RDF.Quad[]>();

  add(q: RDF.Quad): void {
    // Only an IRI can be asked about (<x> in a query matches no blank node and no literal).
    if (q.subject.termType === 'NamedNode') push(this.bySubject, q.subject.value, q);
    if (q.object.termType === 'NamedNode') push(this.byObject, q.object.value, q);
  }

  /** The statements of an N-Triples file (the build's dataset.nt, the store's default graph). */
  static async read(file: string): Promise<MemoryGraph> {
    const graph = new MemoryGraph();
    await new Promise<void>((resolve, reject) => {
      const parser = new StreamParser({ format: 'N-Triples' });
      createReadStream(file).on('error', reject).pipe(parser);
      parser
        .on('data', (q: RDF.Quad) => graph.add(q))
        .on('error', reject)
        .on('end', resolve);
    });
    return graph;
  }

  subjectOf(iri: string): readonly RDF.Quad[] {
    return this.bySubject.get(iri) ?? [];
  }

  objectOf(iri: string): readonly RDF.Quad[] {
    return this.byObject.get(iri) ?? [];
  }

  async around(iri: string): Promise<RDF.Quad[]> {
    const isFragment = (t: RDF.Term) => t.termType === 'NamedNode' && t.value.startsWith(`${iri}#`);
    const own = this.subjectOf(iri);
    const to = this.objectOf(iri);
    const out = [...own, ...to];
    for (const q of own) {
      if (isFragment(q.object)) out.push(...this.subjectOf(q.object.value), ...this.objectOf(q.object.value));
    }
    for (const q of to) if (isFragment(q.subject)) out.push(...this.subjectOf(q.subject.value));
    return out;
  }

  async touching(members: readonly string[]): Promise<RDF.Quad[]> {
    return members.flatMap((m) => [...this.subjectOf(m), ...this.objectOf(m)]);
  }

  async context(wanted: readonly string[], fragments: readonly string[]): Promise<RDF.Quad[]> {
    const shown = (q: RDF.Quad) => q.predicate.value === TYPE || LABELS.has(q.predicate.value);
    return [...wanted.flatMap((w) => this.subjectOf(w).filter(shown)), ...fragments.flatMap((f) => this.subjectOf(f))];
  }
}

function push(map: Map<string, RDF.Quad[]>, key: string, q: RDF.Quad): void {
  const list = map.get(key);
  if (list) list.push(q);
  else map.set(key, [q]);
}

/** A store whose describe() answers from `graph`, which must hold the store's default graph; the rest is the store's. */
export class MemoryDescribedStore implements Store {
  constructor(
    private readonly store: Store,
    readonly graph: MemoryGraph,
  ) {}
  get state(): string | undefined {
    return this.store.state;
  }
  query(operation: StoreOperation, options?: QueryOptions): Promise<QueryResult> {
    return this.store.query(operation, options);
  }
  describe(iri: string): Promise<Description | undefined> {
    return describeFrom(iri, this.graph);
  }
  graphs(): Promise<GraphInfo[]> {
    return this.store.graphs();
  }
  apply(_changeSet: ChangeSet): Promise<void> {
    // The graph in memory would no longer be the store's.
    throw new InternalError('a store described from memory cannot move to another build');
  }
  size(): Promise<number> {
    return this.store.size();
  }
}
