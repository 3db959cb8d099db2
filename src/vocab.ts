// Every namespace and fixed IRI the code uses; nothing else in src/ holds IRI strings.
import { DataFactory } from 'n3';
import type { NamedNode } from '@rdfjs/types';

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
  return namespace(`${base}def/`);
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

/** The SPARQL Service Description vocabulary and W3C's format IRIs, for the endpoint's sd:Service. */
export const SPARQL_SD = namespace('http://www.w3.org/ns/sparql-service-description#');
export const FORMATS = namespace('http://www.w3.org/ns/formats/');
