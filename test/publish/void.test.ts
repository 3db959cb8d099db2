// VoID: its counts equal those of the dump as written, its partitions add up, and /.well-known/void is the same description.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Store } from 'n3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Quad } from '@rdfjs/types';
import { RDF, VOID } from '../../src/vocab.ts';
import { buildCopy, parseRdf, type Built } from './support.ts';

const DATASET = 'https://projectgraph.example/dataset';
let built: Built;
let description: Store;
let dump: Quad[];

const number = (s: Store, subject: string, p: string) => Number(s.getObjects(subject, p, null)[0]?.value);

beforeAll(async () => {
  built = await buildCopy();
  description = new Store(await parseRdf(path.join(built.out, 'void.ttl')));
  dump = await parseRdf(path.join(built.out, 'dataset.nt'), 'application/n-triples');
});

describe('the VoID description', () => {
  it('counts exactly the triples of the dump (its N-Triples lines)', async () => {
    const lines = (await readFile(path.join(built.out, 'dataset.nt'), 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(number(description, DATASET, VOID('triples').value)).toBe(lines.length);
    expect(number(description, DATASET, VOID('triples').value)).toBe(dump.length);
    expect(number(description, DATASET, VOID('triples').value)).toBe(built.summary.triples);
    const turtle = await parseRdf(path.join(built.out, 'dataset.ttl'));
    expect(turtle.length).toBe(dump.length);
  });

  it('counts distinct subjects, objects, entities, classes and properties as the dump has them', () => {
    const key = (t: Quad['object']) =>
      t.termType === 'Literal' ? `"${t.value}"@${t.language}^^${t.datatype.value}` : `${t.termType}:${t.value}`;
    expect(number(description, DATASET, VOID('distinctSubjects').value)).toBe(
      new Set(dump.map((q) => key(q.subject))).size,
    );
    expect(number(description, DATASET, VOID('distinctObjects').value)).toBe(
      new Set(dump.map((q) => key(q.object))).size,
    );
    expect(number(description, DATASET, VOID('entities').value)).toBe(
      new Set(
        dump.filter((q) => q.subject.value.startsWith('https://projectgraph.example/')).map((q) => q.subject.value),
      ).size,
    );
    const classes = new Set(dump.filter((q) => q.predicate.equals(RDF('type'))).map((q) => q.object.value));
    expect(number(description, DATASET, VOID('classes').value)).toBe(classes.size);
    expect(number(description, DATASET, VOID('properties').value)).toBe(
      new Set(dump.map((q) => q.predicate.value)).size,
    );
  });

  it('has property partitions that add up to the triples and class partitions with the right entity counts', () => {
    const partitions = description.getObjects(DATASET, VOID('propertyPartition'), null);
    const sum = partitions.reduce((n, p) => n + number(description, p.value, VOID('triples').value), 0);
    expect(sum).toBe(dump.length);
    for (const p of description.getObjects(DATASET, VOID('classPartition'), null)) {
      const cls = description.getObjects(p, VOID('class'), null)[0]!;
      const members = new Set(
        dump.filter((q) => q.predicate.equals(RDF('type')) && q.object.equals(cls)).map((q) => q.subject.value),
      );
      expect(number(description, p.value, VOID('entities').value), cls.value).toBe(members.size);
    }
  });

  it('names the endpoint, the dumps, the IRI space, an example and the vocabularies', () => {
    expect(description.getObjects(DATASET, VOID('sparqlEndpoint'), null).map((o) => o.value)).toEqual([
      'https://projectgraph.example/sparql',
    ]);
    expect(
      description
        .getObjects(DATASET, VOID('dataDump'), null)
        .map((o) => o.value)
        .sort(),
    ).toEqual(['dataset.jsonld', 'dataset.nt', 'dataset.ttl'].map((f) => `https://projectgraph.example/${f}`));
    expect(description.getObjects(DATASET, VOID('uriSpace'), null).map((o) => o.value)).toEqual([
      'https://projectgraph.example/',
    ]);
    const example = description.getObjects(DATASET, VOID('exampleResource'), null)[0]!;
    expect(dump.some((q) => q.subject.equals(example))).toBe(true);
    expect(description.getObjects(DATASET, VOID('vocabulary'), null).map((o) => o.value)).toContain(
      'http://schema.org/',
    );
  });

  it('lists every vocabulary whose properties or classes the dump uses, and names their terms with prefixes', () => {
    const listed = new Set(description.getObjects(DATASET, VOID('vocabulary'), null).map((o) => o.value));
    const namespace = (iri: string) => iri.slice(0, Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1);
    const used = new Set(
      dump.flatMap((q) => (q.predicate.equals(RDF('type')) ? [q.predicate, q.object] : [q.predicate])),
    );
    for (const term of used) expect(listed.has(namespace(term.value)), term.value).toBe(true);
    const labels = description.getQuads(null, 'http://www.w3.org/2000/01/rdf-schema#label', null, null);
    for (const l of labels) expect(l.object.value, 'a partition label spells out a known IRI').not.toMatch(/ http/);
  });

  it('is served the same at /.well-known/void', async () => {
    expect(await readFile(path.join(built.out, '.well-known', 'void'), 'utf8')).toBe(
      await readFile(path.join(built.out, 'void.ttl'), 'utf8'),
    );
  });
});
