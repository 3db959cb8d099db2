// Every namespace and fixed IRI the code uses; the dataset's own IRIs come from dataset-iris.ts, nowhere else.
import { DataFactory } from 'n3';
import type { NamedNode } from '@rdfjs/types';
import { vocabularyNamespace } from './dataset-iris.ts';

const { namedNode } = DataFactory;

/** A namespace: call it with a local name to get the term. */
export type Namespace = ((local: string) => NamedNode) & { readonly iri: string };

export function namespace(iri: string): Namespace {
  const ns = (local: string): NamedNode => namedNode(iri + local);
  return Object.assign(ns, { iri });
}

export const RDF = namespace('http://www.w3.org/1999/02/22-rdf-syntax-ns#');
export const RDFS = namespace('http://www.w3.org/2000/01/rdf-schema#');
export const XSD = namespace('http://www.w3.org/2001/XMLSchema#');
export const OWL = namespace('http://www.w3.org/2002/07/owl#');
// schema.org's own JSON-LD context expands to http://schema.org/, so the dumps use it too.
export const SCHEMA = namespace('http://schema.org/');
export const SKOS = namespace('http://www.w3.org/2004/02/skos/core#');
export const PROV = namespace('http://www.w3.org/ns/prov#');
export const DCT = namespace('http://purl.org/dc/terms/');
export const SH = namespace('http://www.w3.org/ns/shacl#');
// Catalogue and dataset-description vocabularies (DCAT-AP 3, VoID, provenance of the catalogue).
export const DCAT = namespace('http://www.w3.org/ns/dcat#');
export const DCATAP = namespace('http://data.europa.eu/r5r/');
export const FOAF = namespace('http://xmlns.com/foaf/0.1/');
export const VOID = namespace('http://rdfs.org/ns/void#');
export const VCARD = namespace('http://www.w3.org/2006/vcard/ns#');
export const SPDX = namespace('http://spdx.org/rdf/terms#');
export const ADMS = namespace('http://www.w3.org/ns/adms#');
export const SD = namespace('http://www.w3.org/ns/sparql-service-description#');
/** EU Publications Office authority tables that DCAT-AP asks values from. */
export const EU_FILE_TYPE = namespace('http://publications.europa.eu/resource/authority/file-type/');
export const EU_LANGUAGE = namespace('http://publications.europa.eu/resource/authority/language/');
export const EU_DATA_THEME = namespace('http://publications.europa.eu/resource/authority/data-theme/');
export const EU_ACCESS_RIGHT = namespace('http://publications.europa.eu/resource/authority/access-right/');
export const EU_DATASET_STATUS = namespace('http://publications.europa.eu/resource/authority/dataset-status/');
export const EU_FREQUENCY = namespace('http://publications.europa.eu/resource/authority/frequency/');
export const EU_COUNTRY = namespace('http://publications.europa.eu/resource/authority/country/');
/** IANA media types, as DCAT-AP wants them: the registry page of each type. */
export const IANA_MEDIA_TYPE = namespace('https://www.iana.org/assignments/media-types/');
/** The specifications our services and dumps conform to. */
export const SPEC = {
  sparqlProtocol: DataFactory.namedNode('https://www.w3.org/TR/sparql11-protocol/'),
  dcatAp: DataFactory.namedNode(DCATAP.iri),
  schemaOrg: DataFactory.namedNode(SCHEMA.iri),
  turtle: DataFactory.namedNode('https://www.w3.org/TR/turtle/'),
  nTriples: DataFactory.namedNode('https://www.w3.org/TR/n-triples/'),
  nQuads: DataFactory.namedNode('https://www.w3.org/TR/n-quads/'),
  trig: DataFactory.namedNode('https://www.w3.org/TR/trig/'),
  jsonLd: DataFactory.namedNode('https://www.w3.org/TR/json-ld11/'),
} as const;
/** The XML namespace of SPARQL query results in XML (application/sparql-results+xml). */
/** schema.org's https twin: not ours, but some published data uses it, and the vocabulary check names it. */
export const SCHEMA_HTTPS = 'https://schema.org/';
export const SPARQL_RESULTS_NS = 'http://www.w3.org/2005/sparql-results#';
/** The XML namespace of sitemap.xml files. */
export const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
/** The context that schema.org's own JSON-LD uses; pages embed it by name and tests map it to a local copy. */
export const SCHEMA_ORG_CONTEXT_URL = 'https://schema.org';

/** Prefixes written into Turtle and the JSON-LD context, in a fixed order for deterministic output. */
export function prefixes(base: string): Record<string, string> {
  return {
    pg: ownVocabulary(base).iri,
    prov: PROV.iri,
    rdf: RDF.iri,
    rdfs: RDFS.iri,
    schema: SCHEMA.iri,
    skos: SKOS.iri,
    xsd: XSD.iri,
  };
}

/** Our own small vocabulary for what schema.org has no term for; published under the dataset's base IRI. */
export function ownVocabulary(base: string): Namespace {
  return namespace(vocabularyNamespace(base));
}

/** The IRIs of the terms our vocabulary defines, for the given base. */
export function ownTerms(base: string) {
  const pg = ownVocabulary(base);
  return {
    background: pg('background'),
    outcomes: pg('outcomes'),
    status: pg('status'),
    statusScheme: pg('project-status'),
    statusConcept: (code: string) => pg(`project-status/${code}`),
  };
}

/** W3C's format IRIs, for the endpoint's sd:Service (sd: itself is SD above). */
export const FORMATS = namespace('http://www.w3.org/ns/formats/');
