// Checks RDF against the schema.org vocabulary itself: known terms, domainIncludes and rangeIncludes (with supertypes), and offline JSON-LD reading.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import jsonld from 'jsonld';
import { Parser } from 'n3';
import type { Quad, Term } from '@rdfjs/types';
import { OWL, RDF, RDFS, SCHEMA, SCHEMA_HTTPS, SCHEMA_ORG_CONTEXT_URL, XSD } from '../vocab.ts';
import { InternalError } from '../errors.ts';

/** The parts of the vocabulary the check needs, indexed once. */
export interface SchemaOrgVocabulary {
  classes: Set<string>;
  properties: Map<string, { domains: string[]; ranges: string[] }>;
  /** Each class with all its superclasses, itself included. */
  ancestors: Map<string, Set<string>>;
  superseded: Map<string, string>;
  /**
   * RDF's own classes with the schema.org class each is equivalent to (rdf:Property → schema:Property, rdfs:Class
   * → schema:Class), as the vocabulary says: what a vocabulary's definitions are typed by in RDF terms.
   */
  equivalents: Map<string, string>;
}

export type FindingKind =
  | 'unknown-property'
  | 'unknown-class'
  | 'domain'
  | 'range'
  | 'untyped-subject'
  | 'superseded'
  | 'wrong-namespace';

export interface Finding {
  kind: FindingKind;
  subject: string;
  predicate?: string;
  object?: string;
  message: string;
}

/** Reads the vocabulary from a Turtle file (gzipped when the name ends in .gz), namespace http://schema.org/. */
export async function loadSchemaOrgVocabulary(file: string): Promise<SchemaOrgVocabulary> {
  const bytes = await readFile(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return schemaOrgVocabulary(new Parser().parse(text));
}

export function schemaOrgVocabulary(quads: Quad[]): SchemaOrgVocabulary {
  const type = RDF('type').value;
  const subClassOf = RDFS('subClassOf').value;
  const domain = SCHEMA('domainIncludes').value;
  const range = SCHEMA('rangeIncludes').value;
  const supersededBy = SCHEMA('supersededBy').value;
  const equivalentClass = OWL('equivalentClass').value;
  const equivalents = new Map<string, string>();
  const classes = new Set<string>();
  const properties = new Map<string, { domains: string[]; ranges: string[] }>();
  const parents = new Map<string, string[]>();
  const superseded = new Map<string, string>();
  const property = (iri: string) => {
    let p = properties.get(iri);
    if (!p) {
      p = { domains: [], ranges: [] };
      properties.set(iri, p);
    }
    return p;
  };
  for (const q of quads) {
    const s = q.subject.value;
    const p = q.predicate.value;
    const o = q.object.value;
    if (p === type && (o === RDFS('Class').value || o === SCHEMA('DataType').value)) classes.add(s);
    else if (p === type && o === RDF('Property').value) property(s);
    else if (p === subClassOf) parents.set(s, [...(parents.get(s) ?? []), o]);
    else if (p === domain) property(s).domains.push(o);
    else if (p === range) property(s).ranges.push(o);
    else if (p === supersededBy) superseded.set(s, o);
    else if (p === equivalentClass && s.startsWith(SCHEMA.iri) && !o.startsWith(SCHEMA.iri)) equivalents.set(o, s);
  }
  const ancestors = new Map<string, Set<string>>();
  const closure = (c: string): Set<string> => {
    const known = ancestors.get(c);
    if (known) return known;
    const all = new Set<string>([c]);
    ancestors.set(c, all);
    for (const p of parents.get(c) ?? []) for (const a of closure(p)) all.add(a);
    return all;
  };
  for (const c of classes) closure(c);
  return { classes, properties, ancestors, superseded, equivalents };
}

/** The schema.org data types a literal of each XSD datatype stands for. */
const LITERAL_TYPES: Record<string, string[]> = {
  [XSD('string').value]: ['Text'],
  [RDF('langString').value]: ['Text'],
  [XSD('date').value]: ['Date'],
  [XSD('gYear').value]: ['Date'],
  [XSD('gYearMonth').value]: ['Date'],
  [XSD('dateTime').value]: ['DateTime'],
  [XSD('time').value]: ['Time'],
  [XSD('boolean').value]: ['Boolean'],
  [XSD('integer').value]: ['Integer', 'Number'],
  [XSD('nonNegativeInteger').value]: ['Integer', 'Number'],
  [XSD('decimal').value]: ['Number'],
  [XSD('double').value]: ['Float', 'Number'],
  [XSD('float').value]: ['Float', 'Number'],
  [XSD('anyURI').value]: ['URL'],
};

/**
 * Every schema.org statement in `quads` checked against the vocabulary. Types of IRI objects are read
 * from the same quads (rdf:type), so the quads must carry the types of what they link to; schema.org's own
 * classes and properties have the types the vocabulary gives them (a definition's `schema:domainIncludes
 * schema:ResearchProject` links to a class).
 */
export function checkSchemaOrg(quads: Quad[], vocabulary: SchemaOrgVocabulary): Finding[] {
  const type = RDF('type').value;
  const typesOf = new Map<string, Set<string>>();
  const addType = (key: string, t: string) => {
    let set = typesOf.get(key);
    if (!set) {
      set = new Set();
      typesOf.set(key, set);
    }
    set.add(t);
    const equivalent = vocabulary.equivalents.get(t);
    if (equivalent !== undefined) set.add(equivalent);
  };
  for (const c of vocabulary.classes) addType(c, RDFS('Class').value);
  for (const p of vocabulary.properties.keys()) addType(p, RDF('Property').value);
  for (const q of quads) if (q.predicate.value === type) addType(termKey(q.subject), q.object.value);
  const closureOf = (term: Term): Set<string> => {
    const all = new Set<string>();
    for (const t of typesOf.get(termKey(term)) ?? []) for (const a of vocabulary.ancestors.get(t) ?? [t]) all.add(a);
    return all;
  };

  const findings: Finding[] = [];
  const https = SCHEMA_HTTPS;
  for (const q of quads) {
    const s = q.subject.value;
    const p = q.predicate.value;
    if (p.startsWith(https) || (p === type && q.object.value.startsWith(https))) {
      findings.push({
        kind: 'wrong-namespace',
        subject: s,
        predicate: p,
        object: q.object.value,
        message: `uses ${https}, but our data and schema.org's JSON-LD context use ${SCHEMA.iri}`,
      });
      continue;
    }
    if (p === type) {
      const c = q.object.value;
      if (!c.startsWith(SCHEMA.iri)) continue;
      if (!vocabulary.classes.has(c))
        findings.push({
          kind: 'unknown-class',
          subject: s,
          object: c,
          message: `${short(c)} is not a schema.org class`,
        });
      else if (vocabulary.superseded.has(c))
        findings.push({
          kind: 'superseded',
          subject: s,
          object: c,
          message: `${short(c)} is superseded by ${short(vocabulary.superseded.get(c))}`,
        });
      continue;
    }
    if (!p.startsWith(SCHEMA.iri)) continue;
    const def = vocabulary.properties.get(p);
    if (!def) {
      findings.push({
        kind: 'unknown-property',
        subject: s,
        predicate: p,
        message: `${short(p)} is not a schema.org property`,
      });
      continue;
    }
    if (vocabulary.superseded.has(p)) {
      findings.push({
        kind: 'superseded',
        subject: s,
        predicate: p,
        message: `${short(p)} is superseded by ${short(vocabulary.superseded.get(p))}`,
      });
    }
    const subjectTypes = closureOf(q.subject);
    const schemaTypes = [...(typesOf.get(termKey(q.subject)) ?? [])].filter((t) => t.startsWith(SCHEMA.iri));
    if (schemaTypes.length === 0) {
      findings.push({
        kind: 'untyped-subject',
        subject: s,
        predicate: p,
        message: `${short(p)} is used on a subject with no schema.org type, so its domain cannot hold`,
      });
    } else if (!def.domains.some((d) => subjectTypes.has(d))) {
      findings.push({
        kind: 'domain',
        subject: s,
        predicate: p,
        message: `${short(p)} is not a property of ${schemaTypes.map(short).join(', ')} (domainIncludes: ${def.domains.map(short).join(', ')})`,
      });
    }
    const objectTypes = objectSchemaTypes(q.object, closureOf, vocabulary);
    if (!def.ranges.some((r) => objectTypes.has(r))) {
      findings.push({
        kind: 'range',
        subject: s,
        predicate: p,
        object: q.object.value,
        message: `the value of ${short(p)} (${describe(q.object)}) is outside its range (rangeIncludes: ${def.ranges.map(short).join(', ')})`,
      });
    }
  }
  return findings;
}

/** What a value counts as: a literal by its datatype, an IRI or blank node by its types, an IRI also as a URL. */
function objectSchemaTypes(o: Term, closureOf: (t: Term) => Set<string>, vocabulary: SchemaOrgVocabulary): Set<string> {
  const direct: string[] = [];
  if (o.termType === 'Literal') direct.push(...(LITERAL_TYPES[o.datatype.value] ?? []).map((t) => SCHEMA(t).value));
  else {
    direct.push(...closureOf(o));
    if (o.termType === 'NamedNode') direct.push(SCHEMA('URL').value);
  }
  const all = new Set<string>();
  for (const t of direct) for (const a of vocabulary.ancestors.get(t) ?? [t]) all.add(a);
  return all;
}

function termKey(t: Term): string {
  return `${t.termType === 'BlankNode' ? '_:' : ''}${t.value}`;
}

function short(iri: string | undefined): string {
  return iri === undefined ? '' : iri.startsWith(SCHEMA.iri) ? iri.slice(SCHEMA.iri.length) : `<${iri}>`;
}

function describe(o: Term): string {
  if (o.termType === 'Literal')
    return `"${o.value.length > 40 ? `${o.value.slice(0, 37)}...` : o.value}" of type ${short(o.datatype.value)}`;
  return o.termType === 'BlankNode' ? `_:${o.value}` : `<${o.value}>`;
}

/** schema.org's context, as far as our pages rely on it: every term in the schema.org namespace. */
const LOCAL_SCHEMA_ORG_CONTEXT = { '@context': { '@vocab': SCHEMA.iri } };

/**
 * Reads embedded JSON-LD into quads without the network: "https://schema.org" (the context pages name)
 * is answered with a local context whose @vocab is http://schema.org/; any other remote document is refused.
 */
export async function schemaOrgJsonLdToQuads(document: unknown): Promise<Quad[]> {
  const loader = async (url: string) => {
    const bare = url.replace(/\/$/, '').replace(/^http:/, 'https:');
    if (bare !== SCHEMA_ORG_CONTEXT_URL) throw new InternalError(`refusing to load a remote JSON-LD document: ${url}`);
    return { contextUrl: undefined, documentUrl: url, document: LOCAL_SCHEMA_ORG_CONTEXT };
  };
  // jsonld.js types its document loader and input loosely; both shapes are as the library documents them.
  const nquads = (await jsonld.toRDF(document as never, {
    format: 'application/n-quads',
    documentLoader: loader as never,
  })) as unknown as string;
  return new Parser({ format: 'N-Quads' }).parse(nquads);
}
