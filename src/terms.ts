// Each RDF term once: the one way a term becomes an id, a table that numbers distinct terms (to send a graph to a
// worker thread), and a parser factory that makes one object per IRI (to keep a thread's copy of a graph small).
import { DataFactory, termFromId, termToId, type Term as N3Term } from 'n3';
import type { Quad, Term } from '@rdfjs/types';

/** The n3 id of any RDF/JS term: n3's typings take only its own Term class, its termToId handles any term. */
export const termId = (t: Term): string => termToId(t as N3Term);

/** Equal for equal triples (the graph is not part of it); IRIs and blank node labels hold no spaces. */
export const tripleId = (q: Quad): string => `${termId(q.subject)} ${termId(q.predicate)} ${termId(q.object)}`;

/** Distinct terms laid end to end, so they cross to a worker as one string; `lengths` in UTF-16 code units. */
export interface PackedTerms {
  terms: string;
  lengths: Int32Array;
}

/** Numbers each distinct term in the order first seen. */
export class TermTable {
  private readonly numbers = new Map<string, number>();
  private readonly ids: string[] = [];

  numberOf(t: Term): number {
    const id = termId(t);
    let n = this.numbers.get(id);
    if (n === undefined) {
      n = this.ids.length;
      this.ids.push(id);
      this.numbers.set(id, n);
    }
    return n;
  }

  pack(): PackedTerms {
    return { terms: this.ids.join(''), lengths: Int32Array.from(this.ids, (id) => id.length) };
  }
}

/** The terms of a TermTable's pack(), by number. */
export function unpackTerms({ terms, lengths }: PackedTerms): Term[] {
  const out = new Array<Term>(lengths.length);
  for (let i = 0, at = 0; i < lengths.length; i++) {
    const length = lengths[i] as number;
    out[i] = termFromId(terms.slice(at, at + length));
    at += length;
  }
  return out;
}

/**
 * A DataFactory for n3's parsers that makes one term object per IRI, however often it occurs: a subject is named in
 * every statement about it and a keyword in every project that has it.
 */
export function sharingFactory(): typeof DataFactory {
  const iris = new Map<string, ReturnType<typeof DataFactory.namedNode>>();
  const namedNode = (iri: string) => {
    let term = iris.get(iri);
    if (term === undefined) {
      term = DataFactory.namedNode(iri);
      iris.set(iri, term);
    }
    return term;
  };
  return { ...DataFactory, namedNode } as typeof DataFactory;
}
