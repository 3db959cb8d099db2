// RDF/XML for resources: the statements handed to rdflib's serialiser, which writes the XML and its escaping.
import type { Quad, Term } from '@rdfjs/types';

type Rdflib = typeof import('rdflib');
/** rdflib is large; it is loaded the first time a client asks for RDF/XML, not when the server starts. */
let loaded: Promise<Rdflib> | undefined;

/**
 * RDF/XML of `quads` (their graphs are ignored), with `prefixes` as XML namespaces. rdflib nests a blank node
 * that is the object of one statement inside it; the resources served here have no blank nodes.
 */
export async function toRdfXml(quads: Quad[], prefixes: Record<string, string>): Promise<string> {
  const $rdf = await (loaded ??= import('rdflib'));
  const term = (t: Term) => {
    if (t.termType === 'NamedNode') return $rdf.sym(t.value);
    if (t.termType === 'BlankNode') return $rdf.blankNode(t.value);
    if (t.termType === 'Literal') {
      return $rdf.lit(t.value, t.language || undefined, t.language ? undefined : $rdf.sym(t.datatype.value));
    }
    throw new Error(`RDF/XML cannot hold a ${t.termType}`);
  };
  const store = $rdf.graph();
  for (const q of quads) {
    // rdflib's add() types its terms as its own classes; these are them, made by rdflib's factories above.
    type Add = Parameters<typeof store.add>;
    store.add(term(q.subject) as Add[0], term(q.predicate) as Add[1], term(q.object) as Add[2]);
  }
  for (const [prefix, iri] of Object.entries(prefixes)) store.setPrefixForURI(prefix, iri);
  const out = $rdf.serialize(null, store, undefined, 'application/rdf+xml');
  if (typeof out !== 'string') throw new Error('rdflib wrote no RDF/XML');
  return `<?xml version="1.0" encoding="utf-8"?>\n${out}`;
}
