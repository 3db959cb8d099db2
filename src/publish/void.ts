// The VoID description (void.ttl, also /.well-known/void): counts of the dump, its class and property partitions, where to query and download it.
import { createHash } from 'node:crypto';
import { DataFactory } from 'n3';
import type { Literal, NamedNode, Quad } from '@rdfjs/types';
import { datasetIris } from '../dataset-iris.ts';
import { DCT, FOAF, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, VOID, XSD, ownVocabulary } from '../vocab.ts';

const { literal, namedNode, quad } = DataFactory;

export interface VoidInput {
  base: string;
  /** The quads of the dump, exactly as written (deduplicated); or `counted`, the same seen on their way out. */
  quads?: Iterable<Quad>;
  counted?: VoidCounter;
  /** Dump files in output/ ("dataset.ttl"). */
  dumps: string[];
  title: { nl: string; en: string };
  licence: string;
  /** An example resource to start from (the first project). */
  example?: string;
}

/** The counts of a part of a dump whose subjects no other part has (one graph's own statements). */
export interface VoidPart {
  triples: number;
  subjects: number;
  entities: number;
  /** objectKey() of each distinct object. */
  objects: string[];
  classes: Record<string, number>;
  properties: Record<string, number>;
}

/** The counts VoID states, gathered as a dump is written: statement by statement, or a part at a time. */
export class VoidCounter {
  triples = 0;
  private readonly subjects = new Set<string>();
  private readonly entities = new Set<string>();
  private partSubjects = 0;
  private partEntities = 0;
  /** objectKey() of every distinct object. */
  readonly objects = new Set<string>();
  /** Entities of each class: statements are distinct, so each rdf:type statement is one. */
  readonly classes = new Map<string, number>();
  readonly properties = new Map<string, number>();

  constructor(private readonly base: string) {}

  /** Counts one statement of the dump; each must be given once, and its subject must be in no part. */
  add(q: Quad): void {
    this.triples++;
    this.subjects.add(termKey(q.subject));
    this.objects.add(objectKey(q.object));
    if (q.subject.termType === 'NamedNode' && q.subject.value.startsWith(this.base)) this.entities.add(q.subject.value);
    bump(this.properties, q.predicate.value, 1);
    if (q.predicate.equals(RDF('type'))) bump(this.classes, q.object.value, 1);
  }

  /** Counts a part whose subjects are in no other part and were never given to add(). */
  addPart(part: VoidPart): void {
    this.triples += part.triples;
    this.partSubjects += part.subjects;
    this.partEntities += part.entities;
    for (const o of part.objects) this.objects.add(o);
    for (const [c, n] of Object.entries(part.classes)) bump(this.classes, c, n);
    for (const [p, n] of Object.entries(part.properties)) bump(this.properties, p, n);
  }

  get subjectCount(): number {
    return this.subjects.size + this.partSubjects;
  }

  get entityCount(): number {
    return this.entities.size + this.partEntities;
  }
}

/** The counts of statements that make up one part (see VoidPart). */
export function voidPart(quads: readonly Quad[], base: string): VoidPart {
  const c = new VoidCounter(base);
  for (const q of quads) c.add(q);
  return {
    triples: c.triples,
    subjects: c.subjectCount,
    entities: c.entityCount,
    objects: [...c.objects],
    classes: Object.fromEntries(c.classes),
    properties: Object.fromEntries(c.properties),
  };
}

/** A short fixed-size key of an object term: distinct objects are counted over the whole dump by it. */
export function objectKey(t: Quad['object']): string {
  return createHash('sha256').update(termKey(t)).digest('base64').slice(0, 16);
}

function bump(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

export function voidQuads(input: VoidInput): Quad[] {
  const { base } = input;
  const iris = datasetIris(base);
  const doc = iris.void;
  const dataset = iris.dataset;
  const out: Quad[] = [];
  const add = (s: NamedNode, p: NamedNode, o: NamedNode | Literal) => out.push(quad(s, p, o));
  const count = (n: number) => literal(String(n), XSD('integer'));

  const counter = input.counted ?? new VoidCounter(base);
  if (input.quads) for (const q of input.quads) counter.add(q);
  const { objects, classes, properties } = counter;

  add(doc, RDF('type'), VOID('DatasetDescription'));
  add(doc, DCT('title'), literal(`VoID-beschrijving: ${input.title.nl}`, 'nl'));
  add(doc, DCT('title'), literal(`VoID description: ${input.title.en}`, 'en'));
  add(doc, FOAF('primaryTopic'), dataset);

  add(dataset, RDF('type'), VOID('Dataset'));
  add(dataset, DCT('title'), literal(input.title.nl, 'nl'));
  add(dataset, DCT('title'), literal(input.title.en, 'en'));
  add(dataset, DCT('license'), namedNode(input.licence));
  add(dataset, VOID('triples'), count(counter.triples));
  add(dataset, VOID('entities'), count(counter.entityCount));
  add(dataset, VOID('distinctSubjects'), count(counter.subjectCount));
  add(dataset, VOID('distinctObjects'), count(objects.size));
  add(dataset, VOID('classes'), count(classes.size));
  add(dataset, VOID('properties'), count(properties.size));
  add(dataset, VOID('sparqlEndpoint'), iris.sparql);
  for (const d of input.dumps) add(dataset, VOID('dataDump'), iris.file(d));
  add(dataset, VOID('uriSpace'), literal(base));
  if (input.example !== undefined) add(dataset, VOID('exampleResource'), namedNode(input.example));
  // The vocabulary's own definitions (def.ttl's statements, in the dump) use OWL, RDF(S) and Dublin Core terms.
  const vocabularies = [SCHEMA.iri, SKOS.iri, PROV.iri, ownVocabulary(base).iri, OWL.iri, RDF.iri, RDFS.iri, DCT.iri];
  for (const v of vocabularies) add(dataset, VOID('vocabulary'), namedNode(v));

  // Partitions get fragment IRIs numbered in sorted order, so the description is the same for the same dump.
  // Numbers are zero-padded to one width, so the sorted output lists the partitions in order.
  const numbered = (i: number, n: number) => String(i + 1).padStart(String(n).length, '0');
  [...classes.keys()].sort().forEach((c, i) => {
    const p = namedNode(`${doc.value}#class-${numbered(i, classes.size)}`);
    add(dataset, VOID('classPartition'), p);
    add(p, VOID('class'), namedNode(c));
    add(p, RDFS('label'), literal(`klasse ${shortIri(c, base)}`, 'nl'));
    add(p, VOID('entities'), count(classes.get(c) ?? 0));
  });
  [...properties.keys()].sort().forEach((prop, i) => {
    const p = namedNode(`${doc.value}#property-${numbered(i, properties.size)}`);
    add(dataset, VOID('propertyPartition'), p);
    add(p, VOID('property'), namedNode(prop));
    add(p, RDFS('label'), literal(`eigenschap ${shortIri(prop, base)}`, 'nl'));
    add(p, VOID('triples'), count(properties.get(prop) ?? 0));
  });
  return out;
}

/** A class or property as a prefixed name where we have a prefix for it, for labels. */
function shortIri(iri: string, base: string): string {
  const known: [string, string][] = [
    ['schema', SCHEMA.iri],
    ['skos', SKOS.iri],
    ['prov', PROV.iri],
    ['rdfs', RDFS.iri],
    ['pg', ownVocabulary(base).iri],
    ['rdf', RDF.iri],
    ['owl', OWL.iri],
    ['dct', DCT.iri],
  ];
  for (const [prefix, ns] of known) if (iri.startsWith(ns)) return `${prefix}:${iri.slice(ns.length)}`;
  return iri;
}

function termKey(t: Quad['subject'] | Quad['object']): string {
  if (t.termType === 'Literal') return `"${t.value}"@${t.language}^^${t.datatype.value}`;
  return `${t.termType === 'BlankNode' ? '_:' : ''}${t.value}`;
}
