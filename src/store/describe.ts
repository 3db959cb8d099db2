// One resource's description (its statements and its fragments', the links to it, the types and labels of what it
// links to) made from a few CONSTRUCT queries, for any store that answers SPARQL with N-Triples text.
import type * as RDF from '@rdfjs/types';
import type { Description } from './store.ts';
import { RDF as RDF_NS } from '../vocab.ts';
import { LABELS as LABEL_LIST } from '../publish/resource-index.ts';

/** Properties that name a thing (the pages' own list): a description gives them, and the types, of what it links to. */
export const LABELS = new Set(LABEL_LIST);
export const TYPE = RDF_NS('type').value;

/** A fragment IRI of the resource (`<r>#record`): it shares the resource's page. */
export function isFragmentOf(candidate: string, iri: string): boolean {
  return candidate.startsWith(`${iri}#`);
}

/** Each statement once (a store may give one per graph that holds it). */
function dedupe(quads: readonly RDF.Quad[]): RDF.Quad[] {
  const seen = new Map<string, RDF.Quad>();
  for (const q of quads) seen.set(quadKey(q), q);
  return [...seen.values()];
}

/** Characters that cannot stand between < and > in a query: an IRI holding one is asked about by no query. */
const UNSAFE_IRI = /[\s<>"{}|^`\\]/;

/** The three questions a description asks, answered by SPARQL (describeBy) or from a graph in memory. */
export interface DescribeSource {
  /** The resource's statements, its fragments' one link away, and the links to both (describeBy's first query). */
  around(iri: string): Promise<RDF.Quad[]>;
  /** Every statement about or pointing at one of `members` (fragments nested deeper). */
  touching(members: readonly string[]): Promise<RDF.Quad[]>;
  /** The types and labels of `wanted`, and every statement of `fragments` (those of `wanted` holding a `#`). */
  context(wanted: readonly string[], fragments: readonly string[]): Promise<RDF.Quad[]>;
}

/**
 * Two queries for most resources: one for the resource, its fragments one link away and the links to them; one for
 * the types and labels of what they link to (and linked fragments of other resources whole). More only for fragments
 * nested deeper, which the data rarely has.
 */
export function describeBy(
  iri: string,
  construct: (query: string) => Promise<RDF.Quad[]>,
): Promise<Description | undefined> {
  return describeFrom(iri, sparqlSource(construct));
}

function sparqlSource(construct: (query: string) => Promise<RDF.Quad[]>): DescribeSource {
  const values = (iris: readonly string[]) => iris.map((l) => `<${l}>`).join(' ');
  return {
    around(iri) {
      const fragment = (v: string) => `isIRI(${v}) && STRSTARTS(STR(${v}), ${JSON.stringify(`${iri}#`)})`;
      // The IRI stands in each pattern and is bound after it: a BIND before a pattern makes Oxigraph scan every
      // statement and join, which costs a page seconds on a large store.
      return construct(
        `CONSTRUCT { ?s ?p ?o } WHERE {
{ <${iri}> ?p ?o BIND(<${iri}> AS ?s) }
UNION { <${iri}> ?l ?s FILTER(${fragment('?s')}) ?s ?p ?o }
UNION { ?s ?p <${iri}> BIND(<${iri}> AS ?o) }
UNION { <${iri}> ?l ?o FILTER(${fragment('?o')}) ?s ?p ?o }
UNION { ?s ?l <${iri}> FILTER(${fragment('?s')}) ?s ?p ?o }
}`,
      );
    },
    touching(members) {
      const v = values(members);
      return construct(
        `CONSTRUCT { ?s ?p ?o } WHERE { { VALUES ?s { ${v} } ?s ?p ?o } UNION { VALUES ?o { ${v} } ?s ?p ?o } }`,
      );
    },
    context(wanted, fragments) {
      const predicates = [TYPE, ...LABELS].map((p) => `<${p}>`).join(', ');
      // The predicates are a FILTER, not a second VALUES: Oxigraph joins two VALUES blocks through a scan of the store.
      return construct(`CONSTRUCT { ?s ?p ?o } WHERE {
{ VALUES ?s { ${values(wanted)} } ?s ?p ?o FILTER(?p IN (${predicates})) }
${fragments.length > 0 ? `UNION { VALUES ?s { ${values(fragments)} } ?s ?p ?o }` : ''}
}`);
    },
  };
}

/** What describeBy makes, from any source that answers its three questions. */
export async function describeFrom(iri: string, source: DescribeSource): Promise<Description | undefined> {
  if (UNSAFE_IRI.test(iri)) return undefined;
  const found = await source.around(iri);
  const all = new Map<string, RDF.Quad>();
  const add = (qs: readonly RDF.Quad[]) => {
    for (const q of qs) all.set(quadKey(q), q);
  };
  add(found);
  // Which members the first query covered: their own statements and the links to them.
  const covered = new Set([iri]);
  for (const q of found) {
    if (q.subject.value === iri && isFragmentOf(q.object.value, iri)) covered.add(q.object.value);
    if (q.object.value === iri && isFragmentOf(q.subject.value, iri)) covered.add(q.subject.value);
  }
  for (;;) {
    const inside = insideOf(iri, [...all.values()]);
    const pending = [...inside].filter((m) => !covered.has(m) && !UNSAFE_IRI.test(m));
    if (pending.length === 0) break;
    for (const m of pending) covered.add(m);
    add(await source.touching(pending));
  }
  const quads = [...all.values()];
  const inside = insideOf(iri, quads);
  const own = quads.filter((q) => inside.has(q.subject.value));
  const incoming = quads.filter((q) => !inside.has(q.subject.value) && inside.has(q.object.value));
  if (own.length === 0 && incoming.length === 0) return undefined;
  const linked = new Set<string>();
  for (const q of own) if (q.object.termType === 'NamedNode' && q.predicate.value !== TYPE) linked.add(q.object.value);
  for (const q of incoming) linked.add(q.subject.value);
  const wanted = [...linked].filter((l) => !inside.has(l) && !UNSAFE_IRI.test(l));
  let context: RDF.Quad[] = [];
  if (wanted.length > 0) {
    // A fragment of another resource (`<project>#source`) is shown whole, as the embedded store gives it.
    const fragments = wanted.filter((l) => l.includes('#'));
    context = dedupe(await source.context(wanted, fragments));
  }
  return { own, incoming, context };
}

/** The resource and its fragments that its statements, or statements about it, name. */
function insideOf(iri: string, quads: readonly RDF.Quad[]): Set<string> {
  const inside = new Set([iri]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const q of quads) {
      const [s, o] = [q.subject.value, q.object.value];
      if (inside.has(s) && q.object.termType === 'NamedNode' && isFragmentOf(o, iri) && !inside.has(o)) {
        inside.add(o);
        grew = true;
      }
      if (inside.has(o) && q.subject.termType === 'NamedNode' && isFragmentOf(s, iri) && !inside.has(s)) {
        inside.add(s);
        grew = true;
      }
    }
  }
  return inside;
}

/** A statement as a string, graph left out. */
function quadKey(q: RDF.Quad): string {
  const o = q.object;
  const object =
    o.termType === 'Literal' ? `"${o.value}"@${o.language}^^${o.datatype.value}` : `${o.termType}:${o.value}`;
  return `${q.subject.termType}:${q.subject.value} ${q.predicate.value} ${object}`;
}
