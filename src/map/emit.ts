// The quad collector that map functions write into; it remembers which record field produced each statement.
import { DataFactory } from 'n3';
import type { Literal, NamedNode, Quad } from '@rdfjs/types';
import type { FieldPath } from '../ingest/read-yaml.ts';
import type { LangText } from '../ingest/schema.ts';
import { RDF, XSD } from '../vocab.ts';

const { quad, literal } = DataFactory;

/** Which field of the record made a statement, so a SHACL result can be traced back to a line. */
export interface Origin {
  subject: string;
  /** Absent for the statement that introduces the subject itself (its rdf:type). */
  predicate?: string;
  field: FieldPath;
  /**
   * On the statement that introduces a subject: the record field (the whole path) behind each property
   * the mapping gives it. A SHACL result about a value that is missing (or that no field produced) names
   * that field, as the editor writes it, instead of the RDF property.
   */
  fields?: Readonly<Record<string, FieldPath>>;
}

/** The record field behind each property of a resource, keyed by property IRI (see Origin.fields). */
export type FieldNames = Readonly<Record<string, FieldPath>>;

/**
 * The key in FieldNames of the field that identifies the record itself (`id`; `baseIri` in dataset.yaml): named
 * for a property that no field gives.
 */
export const SELF = '';

/** FieldNames from pairs of property and field, as the map functions write them. */
export function fieldNames(pairs: [NamedNode | typeof SELF, FieldPath][]): FieldNames {
  return Object.fromEntries(pairs.map(([p, f]) => [typeof p === 'string' ? p : p.value, f]));
}

export class Emitter {
  readonly quads: Quad[] = [];
  readonly origins: Origin[] = [];

  /**
   * Introduces a resource with its types; `field` is where in the record it is described, `fields` which field
   * gives each of its properties.
   */
  node(subject: NamedNode, types: NamedNode[], field: FieldPath, fields?: FieldNames): void {
    this.origins.push({ subject: subject.value, field, ...(fields ? { fields } : {}) });
    for (const t of types) this.quads.push(quad(subject, RDF('type'), t));
  }

  add(subject: NamedNode, predicate: NamedNode, object: NamedNode | Literal, field: FieldPath): void {
    this.quads.push(quad(subject, predicate, object));
    this.origins.push({ subject: subject.value, predicate: predicate.value, field });
  }

  /** Natural-language text: Dutch always, English where the record gives it. */
  text(subject: NamedNode, predicate: NamedNode, value: LangText | undefined, field: FieldPath): void {
    if (value === undefined) return;
    for (const l of langLiterals(value)) this.add(subject, predicate, l, field);
  }
}

export function langLiterals(value: LangText): Literal[] {
  if (typeof value === 'string') return [literal(value, 'nl')];
  const out: Literal[] = [];
  if (value.nl !== undefined) out.push(literal(value.nl, 'nl'));
  if (value.en !== undefined) out.push(literal(value.en, 'en'));
  return out;
}

export function gYear(year: number): Literal {
  return literal(String(year).padStart(4, '0'), XSD('gYear'));
}

/** A partial date as the record gives it, typed by its precision. */
export function partialDate(value: string): Literal {
  const type = value.length === 4 ? 'gYear' : value.length === 7 ? 'gYearMonth' : 'date';
  return literal(value, XSD(type));
}
