// The RDF/XML writer: what it writes reads back (with rdfxml-streaming-parser, an independent parser) as the same graph.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DataFactory } from 'n3';
import { isomorphic } from 'rdf-isomorphic';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import type { Quad } from '@rdfjs/types';
import { toRdfXml } from '../../src/serve/rdfxml.ts';

const { quad, namedNode, blankNode, literal } = DataFactory;
const XSD = 'http://www.w3.org/2001/XMLSchema#';

function parse(xml: string): Promise<Quad[]> {
  return new Promise((resolve, reject) => {
    const quads: Quad[] = [];
    const parser = new RdfXmlParser({ baseIRI: 'http://base.example/' });
    parser.on('data', (q: Quad) => quads.push(q));
    parser.on('error', reject);
    parser.on('end', () => resolve(quads));
    parser.end(xml);
  });
}

const iriOf = (local: fc.Arbitrary<string>) =>
  fc
    .tuple(
      fc.constantFrom('http://schema.org/', 'https://projectgraph.example/project/', 'http://ex.org/p#', 'urn:x:'),
      local,
    )
    .map(([ns, name]) => namedNode(ns + name));
// (Not "." or "..": readers resolve rdf:about and remove dot segments, as RFC 3986 says.)
const iri = iriOf(fc.stringMatching(/^[A-Za-z0-9_.~-]{0,8}$/).filter((s) => s !== '.' && s !== '..'));
// RDF/XML writes a predicate as an XML name: its IRI must end in one.
const predicate = iriOf(fc.stringMatching(/^[A-Za-z0-9_.~-]{0,8}[A-Za-z_]$/));
const text = fc.oneof(
  fc.constantFrom('a\r\nb', ' \t ', ']]>', '&amp;'),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const object = fc.oneof(
  iri,
  fc.integer({ min: 0, max: 3 }).map((i) => blankNode(`b${i}`)),
  text.map((s) => literal(s)),
  fc.tuple(text, fc.constantFrom('nl', 'en', 'en-gb')).map(([s, l]) => literal(s, l)),
  fc.integer().map((i) => literal(String(i), namedNode(`${XSD}integer`))),
  fc.constantFrom('2008', '1999').map((y) => literal(y, namedNode(`${XSD}gYear`))),
);
const subject = fc.oneof(
  iri,
  fc.integer({ min: 0, max: 3 }).map((i) => blankNode(`b${i}`)),
);

describe('RDF/XML writer', () => {
  it('writes graphs that read back isomorphic, for any IRIs, literals and blank nodes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(subject, predicate, object), { maxLength: 15 }), async (triples) => {
        const quads = triples.map(([s, p, o]) => quad(s, p, o));
        const back = await parse(await toRdfXml(quads));
        expect(isomorphic(back, quads)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses (406) a predicate RDF/XML cannot name, and triple terms', async () => {
    const a = namedNode('http://ex.org/a');
    await expect(toRdfXml([quad(a, namedNode('http://ex.org/p/'), a)])).rejects.toMatchObject({ status: 406 });
    await expect(toRdfXml([quad(a, a, quad(a, a, a) as never)])).rejects.toMatchObject({ status: 406 });
    await expect(toRdfXml([quad(a, a, literal('bell \u0007'))])).rejects.toMatchObject({ status: 406 });
  });

  it('uses the prefixes it is given as XML namespaces', async () => {
    const xml = await toRdfXml(
      [quad(namedNode('http://ex.org/a'), namedNode('http://schema.org/name'), literal('A'))],
      {
        schema: 'http://schema.org/',
      },
    );
    expect(xml).toMatch(/xmlns:schema="http:\/\/schema\.org\/"/);
    expect(xml).toContain('<schema:name>A</schema:name>');
  });
});
