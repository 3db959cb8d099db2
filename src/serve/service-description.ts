// The SPARQL 1.1 Service Description of the endpoint (sd:Service), written as Turtle, N-Triples or JSON-LD.
import { DataFactory, Writer } from 'n3';
import type { Quad } from '@rdfjs/types';
import { FORMATS, RDF, RDFS, SD } from '../vocab.ts';
import { toJsonLd } from '../publish/jsonld.ts';
import { RDF_XML, toRdfXml } from './rdfxml.ts';

const { namedNode, blankNode, literal, quad } = DataFactory;

export interface ServiceFacts {
  endpointUrl: string;
  namedGraphs: Iterable<string>;
  /** The SPARQL endpoints SERVICE may name. */
  allowService?: readonly string[];
  timeoutSeconds: number;
  maxRows: number;
}

export const SERVICE_DESCRIPTION_MEDIA_TYPES = [
  'text/turtle',
  'application/n-triples',
  'application/ld+json',
  RDF_XML,
] as const;

/**
 * Named graphs the description lists by name: one per record makes hundreds of thousands at scale, which no client
 * wants with every look at the description.
 */
export const MAX_LISTED_GRAPHS = 1_000;

function serviceWords(allowService: readonly string[]): string {
  if (allowService.length === 0) return 'SERVICE is refused: nothing is ever fetched.';
  return `SERVICE may name only these endpoints: ${[...allowService].sort().join(', ')}.`;
}

export function serviceDescriptionQuads(facts: ServiceFacts): Quad[] {
  const service = blankNode('service');
  const dataset = blankNode('dataset');
  const defaultGraph = blankNode('defaultGraph');
  const names = [...facts.namedGraphs].sort();
  const total = names.length;
  const listed = Math.min(total, MAX_LISTED_GRAPHS);
  const quads: Quad[] = [
    quad(service, RDF('type'), SD('Service')),
    quad(service, SD('endpoint'), namedNode(facts.endpointUrl)),
    quad(service, SD('supportedLanguage'), SD('SPARQL11Query')),
    ...[
      'SPARQL_Results_JSON',
      'SPARQL_Results_XML',
      'SPARQL_Results_CSV',
      'SPARQL_Results_TSV',
      'Turtle',
      'N-Triples',
      'JSON-LD',
      'RDF_XML',
    ].map((f) => quad(service, SD('resultFormat'), FORMATS(f))),
    quad(
      service,
      RDFS('comment'),
      literal(
        `Read-only SPARQL 1.1 query service over the published dataset. The default graph is the union of the published named graphs (what the triple dumps hold); GRAPH, FROM, FROM NAMED and the protocol's default-graph-uri and named-graph-uri select named graphs. ${serviceWords(facts.allowService ?? [])} LOAD and updates are refused; a query may run ${facts.timeoutSeconds} s and return at most ${facts.maxRows} rows.${listed < total ? ` ${listed} of the ${total} named graphs are listed here; SELECT DISTINCT ?g WHERE { GRAPH ?g { } } lists them all.` : ''}`,
        'en',
      ),
    ),
    quad(service, SD('feature'), SD('UnionDefaultGraph')),
    quad(service, SD('defaultDataset'), dataset),
    quad(dataset, RDF('type'), SD('Dataset')),
    quad(dataset, SD('defaultGraph'), defaultGraph),
    quad(defaultGraph, RDF('type'), SD('Graph')),
  ];
  for (const [i, name] of names.slice(0, listed).entries()) {
    const ng = blankNode(`namedGraph${i}`);
    quads.push(
      quad(dataset, SD('namedGraph'), ng),
      quad(ng, RDF('type'), SD('NamedGraph')),
      quad(ng, SD('name'), namedNode(name)),
    );
  }
  return quads;
}

export async function serviceDescription(facts: ServiceFacts, mediaType: string): Promise<string> {
  const quads = serviceDescriptionQuads(facts);
  if (mediaType === 'application/ld+json') {
    return toJsonLd(quads, { sd: SD.iri, formats: FORMATS.iri, rdfs: RDFS.iri });
  }
  if (mediaType === RDF_XML) return toRdfXml(quads, { sd: SD.iri, formats: FORMATS.iri, rdfs: RDFS.iri });
  const format = mediaType === 'application/n-triples' ? 'N-Triples' : 'Turtle';
  const writer = new Writer({
    format,
    prefixes: format === 'Turtle' ? { sd: SD.iri, formats: FORMATS.iri, rdfs: RDFS.iri } : {},
  });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((e, out: string) => (e ? reject(e) : resolve(out))));
}
