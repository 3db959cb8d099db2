// Writes Turtle with fixed prefixes, statements grouped by subject in sorted order, each subject's types first.
import { Writer } from 'n3';
import type { Quad } from '@rdfjs/types';
import { RDF } from '../vocab.ts';

const TYPE = RDF('type').value;

/** `quads` must be sorted (see graph.ts); within each subject the rdf:type statements are moved to the front. */
export function toTurtle(quads: Quad[], prefixes: Record<string, string>): Promise<string> {
  const writer = new Writer({ prefixes });
  let start = 0;
  while (start < quads.length) {
    const subject = quads[start]!.subject;
    let end = start;
    while (end < quads.length && quads[end]!.subject.equals(subject)) end++;
    const group = quads.slice(start, end);
    writer.addQuads(group.filter((q) => q.predicate.value === TYPE));
    writer.addQuads(group.filter((q) => q.predicate.value !== TYPE));
    start = end;
  }
  return new Promise((resolve, reject) => writer.end((err, result: string) => (err ? reject(err) : resolve(result))));
}
