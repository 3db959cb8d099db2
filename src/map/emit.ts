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
}

export class Emitter {
  readonly quads: Quad[] = [];
  readonly origins: Origin[] = [];

  /** Introduces a resource with its types; `field` is where in the record it is described. */
  node(subject: NamedNode, types: NamedNode[], field: FieldPath): void {
    this.origins.push({ subject: subject.value, field });
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
