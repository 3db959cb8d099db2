// An index over the published graph that answers, for one resource, what its page and its own .ttl/.jsonld show.
import type { Literal, Quad, Term } from '@rdfjs/types';
import { DCT, FOAF, RDF, RDFS, SCHEMA, SKOS, VCARD } from '../vocab.ts';
import type { SitePaths } from './site-paths.ts';

/** Properties that name a thing, best first. */
export const LABELS = [SCHEMA('name'), SKOS('prefLabel'), DCT('title'), FOAF('name'), VCARD('fn'), RDFS('label')].map(
  (p) => p.value,
);
const TYPE = RDF('type').value;

export class ResourceIndex {
  private readonly bySubject = new Map<string, Quad[]>();
  private readonly byObject = new Map<string, Quad[]>();
  /** Document IRI → the subjects that belong to it (itself and its fragments), sorted. */
  private readonly members = new Map<string, string[]>();
  private readonly labels = new Map<string, Literal | undefined>();

  constructor(
    readonly quads: Quad[],
    private readonly paths: SitePaths,
  ) {
    for (const q of quads) {
      push(this.bySubject, key(q.subject), q);
      if (q.object.termType === 'NamedNode') push(this.byObject, q.object.value, q);
    }
    for (const s of this.bySubject.keys()) {
      if (s.startsWith('_:')) continue;
      const doc = paths.document(s);
      const list = this.members.get(doc) ?? [];
      if (!list.includes(s)) list.push(s);
      this.members.set(doc, list);
    }
    for (const list of this.members.values())
      list.sort((a, b) => (a === b ? 0 : a.length < b.length || (a.length === b.length && a < b) ? -1 : 1));
  }

  /** Every IRI under the base that has a page of its own (the base itself excluded: that is the home page), sorted. */
  resources(): string[] {
    return [...this.members.keys()].filter((d) => (this.paths.local(d) ?? '') !== '').sort(compare);
  }

  /** The statements about a resource and about its fragments (`<r>#source`), which share its page. */
  own(iri: string): Quad[] {
    return (this.members.get(iri) ?? [iri]).flatMap((s) => this.bySubject.get(s) ?? []);
  }

  /** Statements elsewhere that point at the resource or one of its fragments. */
  reverse(iri: string): Quad[] {
    const inside = new Set(this.members.get(iri) ?? [iri]);
    return [...inside]
      .flatMap((m) => this.byObject.get(m) ?? [])
      .filter((q) => !inside.has(this.paths.document(q.subject.value)) && !inside.has(q.subject.value));
  }

  /** The statements of a resource's own description: its statements, the reverse links, and the types and labels of everything linked. */
  describe(iri: string): Quad[] {
    const own = this.own(iri);
    const reverse = this.reverse(iri);
    const linked = new Set<string>();
    for (const q of own)
      if (q.object.termType === 'NamedNode' && !q.predicate.equals(RDF('type'))) linked.add(q.object.value);
    for (const q of reverse) linked.add(q.subject.value);
    const inside = new Set(this.members.get(iri) ?? [iri]);
    const context = [...linked]
      .filter((l) => !inside.has(l))
      .flatMap((l) =>
        (this.bySubject.get(l) ?? []).filter((q) => q.predicate.value === TYPE || LABELS.includes(q.predicate.value)),
      );
    return [...own, ...reverse, ...context];
  }

  types(iri: string): string[] {
    return (this.bySubject.get(iri) ?? []).filter((q) => q.predicate.value === TYPE).map((q) => q.object.value);
  }

  /** Statements with the given subject. */
  about(subject: string): Quad[] {
    return this.bySubject.get(subject) ?? [];
  }

  /** The best name of a thing in Dutch (or without language, or in English), or undefined when it has none. */
  label(iri: string): Literal | undefined {
    // Remembered: a project's name is shown on the page of every keyword, organisation and programme it has.
    if (this.labels.has(iri)) return this.labels.get(iri);
    const found = this.findLabel(iri);
    this.labels.set(iri, found);
    return found;
  }

  private findLabel(iri: string): Literal | undefined {
    const quads = this.bySubject.get(iri) ?? [];
    for (const p of LABELS) {
      const values = quads
        .filter((q) => q.predicate.value === p && q.object.termType === 'Literal')
        .map((q) => q.object as Literal);
      const best = pickLanguage(values);
      if (best) return best;
    }
    return undefined;
  }
}

/** Dutch first, then untagged, then English, then whatever there is. */
export function pickLanguage(values: Literal[]): Literal | undefined {
  for (const lang of ['nl', '', 'en']) {
    const found = values.find((v) => v.language === lang);
    if (found) return found;
  }
  return values[0];
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

function key(t: Term): string {
  return t.termType === 'BlankNode' ? `_:${t.value}` : t.value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
