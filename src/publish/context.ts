// The JSON-LD context of the dumps, shipped in the repository (context.json) with our vocabulary's prefix added per dataset.
import { readFileSync } from 'node:fs';
import { ownVocabulary } from '../vocab.ts';

const shipped = JSON.parse(readFileSync(new URL('./context.json', import.meta.url), 'utf8')) as {
  '@context': Record<string, unknown>;
};

/** The context for a dataset: the shipped terms plus `pg`, our vocabulary under the dataset's base IRI. */
export function jsonldContext(baseIri: string): Record<string, unknown> {
  return { ...shipped['@context'], pg: ownVocabulary(baseIri).iri };
}
