// The VoID description (void.ttl, also /.well-known/void): counts of the dump, its class and property partitions, where to query and download it.
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

/** The counts VoID states, gathered one statement at a time as a dump is written. */
export class VoidCounter {
  triples = 0;
  readonly subjects = new Set<string>();
  readonly objects = new Set<string>();
  readonly entities = new Set<string>();
  /** Entities of each class: statements are distinct, so each rdf:type statement is one. */
  readonly classes = new Map<string, number>();
  readonly properties = new Map<string, number>();

  constructor(private readonly base: string) {}

  /** Counts one statement of the dump; each must be given once. */
  add(q: Quad): void {
    this.triples++;
    const s = termKey(q.subject);
    this.subjects.add(s);
    this.objects.add(termKey(q.object));
    if (q.subject.termType === 'NamedNode' && q.subject.value.startsWith(this.base)) this.entities.add(q.subject.value);
    this.properties.set(q.predicate.value, (this.properties.get(q.predicate.value) ?? 0) + 1);
    if (q.predicate.equals(RDF('type'))) this.classes.set(q.object.value, (this.classes.get(q.object.value) ?? 0) + 1);
  }
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
  const { subjects, objects, entities, classes, properties } = counter;

  add(doc, RDF('type'), VOID('DatasetDescription'));
  add(doc, DCT('title'), literal(`VoID-beschrijving: ${input.title.nl}`, 'nl'));
  add(doc, DCT('title'), literal(`VoID description: ${input.title.en}`, 'en'));
  add(doc, FOAF('primaryTopic'), dataset);

  add(dataset, RDF('type'), VOID('Dataset'));
  add(dataset, DCT('title'), literal(input.title.nl, 'nl'));
  add(dataset, DCT('title'), literal(input.title.en, 'en'));
  add(dataset, DCT('license'), namedNode(input.licence));
  add(dataset, VOID('triples'), count(counter.triples));
  add(dataset, VOID('entities'), count(entities.size));
  add(dataset, VOID('distinctSubjects'), count(subjects.size));
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
