// Writes RDF/XML with graphy's RDF/XML scribe, for clients that read no other RDF format (rdflib's SPARQLStore, roqet).
import { createRequire } from 'node:module';
import type * as RDF from '@rdfjs/types';
import { PolicyError } from './query-policy.ts';

export const RDF_XML = 'application/rdf+xml';

/** The part of graphy's scribe (a Transform stream that takes RDF/JS quads) used here; the package has no typings. */
interface Scribe {
  on(event: 'data', listener: (chunk: string) => void): this;
  on(event: 'error', listener: (e: Error) => void): this;
  on(event: 'end', listener: () => void): this;
  write(quad: RDF.Quad): boolean;
  end(): void;
}
type ScribeFactory = (config: { prefixes: Record<string, string> }) => Scribe;

const require = createRequire(import.meta.url);
let scribeFactory: ScribeFactory | undefined;

/**
 * The triples of `quads` (graph names are dropped: RDF/XML holds one graph) as an RDF/XML document.
 * `prefixes` (prefix → namespace IRI) become the document's XML namespaces.
 * Throws PolicyError 406 for what RDF/XML cannot carry (triple terms).
 */
export function toRdfXml(quads: Iterable<RDF.Quad>, prefixes: Record<string, string> = {}): Promise<string> {
  // Loaded on first use: most servers never write RDF/XML.
  scribeFactory ??= require('@graphy/content.xml.scribe') as ScribeFactory;
  const scribe = scribeFactory({ prefixes });
  return new Promise((resolve, reject) => {
    let out = '';
    scribe.on('data', (chunk) => (out += chunk));
    scribe.on('error', (e) => reject(refusal(e)));
    // The scribe writes a carriage return in a literal as it is, and XML readers turn it into a line feed; as a
    // character reference it survives. Its own markup holds none, and no IRI or language tag can.
    scribe.on('end', () => resolve(out.replace(/\r/g, '&#13;')));
    try {
      for (const q of quads) {
        if (q.subject.termType === 'Quad' || q.object.termType === 'Quad') {
          throw new PolicyError('RDF/XML cannot hold triple terms; ask for Turtle or N-Triples', 406);
        }
        if (q.object.termType === 'Literal' && NOT_XML.test(q.object.value)) {
          throw new PolicyError('a literal holds a character XML 1.0 cannot carry; ask for Turtle or N-Triples', 406);
        }
        scribe.write(q.graph.termType === 'DefaultGraph' ? q : { ...q, graph: defaultGraph });
      }
      scribe.end();
    } catch (e) {
      reject(refusal(e));
    }
  });
}

/** Characters outside XML 1.0's Char production (control characters, U+FFFE/U+FFFF, lone surrogates). */
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A predicate whose IRI ends in no XML name (e.g. in "/") has no RDF/XML form at all: the client's choice of format. */
function refusal(e: unknown): unknown {
  if (e instanceof Error && /^Cannot serialize predicate/.test(e.message)) {
    return new PolicyError(`${e.message}: RDF/XML cannot hold it; ask for Turtle or N-Triples`, 406);
  }
  return e;
}

const defaultGraph: RDF.DefaultGraph = {
  termType: 'DefaultGraph',
  value: '',
  equals: (o) => o?.termType === 'DefaultGraph',
};
