// IRI minting: every resource's IRI comes from a stable id under the dataset's base IRI, never from a title.
import { InternalError } from '../errors.ts';
import { DataFactory } from 'n3';
import type { NamedNode } from '@rdfjs/types';
import { baseIriProblem } from '../ingest/check-iri.ts';
import { ID_PATTERN } from '../ingest/schema.ts';

const { namedNode } = DataFactory;

/**
 * A slug for names that have no id of their own (keywords, places): NFKD-folded, diacritics dropped,
 * apostrophes inside words dropped, lower case, runs of other signs turned into one hyphen. Names that differ only in Unicode form or
 * case give the same slug, so they become one resource.
 */
export function slug(name: string): string {
  return (
    name
      // An apostrophe inside a word belongs to it: "What’s" is one word, not "what-s".
      .replace(/(\p{L})['’](\p{L})/gu, '$1$2')
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
  );
}

/** The IRIs of one dataset. Paths are the ones the server and the static pages answer on. */
export function mintIris(base: string) {
  // Ingest refuses a bad base IRI or id with its location; reaching here with one is a bug, and minting it
  // anyway would write a dump that no parser reads, so it stops the build instead.
  const problem = baseIriProblem(base);
  if (problem !== undefined) throw new InternalError(`cannot mint IRIs under ${JSON.stringify(base)}: ${problem}`);
  const at = (path: string): NamedNode => namedNode(base + path);
  const segment = (kind: string, id: string): NamedNode => {
    if (!ID_PATTERN.test(id)) {
      throw new InternalError(`cannot mint the IRI of ${kind} ${JSON.stringify(id)}: not an id`);
    }
    return at(`${kind}/${id}`);
  };
  return {
    base,
    dataset: at('dataset'),
    publisher: at('publisher'),
    keywordSet: at('keyword'),
    project: (id: string) => segment('project', id),
    programme: (id: string) => segment('programme', id),
    organisation: (id: string) => segment('organisation', id),
    keyword: (label: string) => segment('keyword', slug(label)),
    publication: (id: string) => segment('publication', id),
    event: (publicationId: string) => segment('event', publicationId),
    place: (name: string) => segment('place', slug(name)),
    subject: (id: string) => segment('subject', id),
    /** The source a record was derived from: a fragment of the record's own IRI, so it needs no page of its own. */
    source: (recordIri: NamedNode) => namedNode(`${recordIri.value}#source`),
  };
}

export type Iris = ReturnType<typeof mintIris>;
