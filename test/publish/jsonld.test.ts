// The direct JSON-LD builder: its documents expand (with jsonld.js) to exactly the input graph, the same graph jsonld.js's own compaction gives.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import jsonld from 'jsonld';
import { DataFactory, Parser } from 'n3';
import { isomorphic } from 'rdf-isomorphic';
import type { Quad } from '@rdfjs/types';
import { jsonLdChunks, toJsonLd, viaJsonLdJs } from '../../src/publish/jsonld.ts';
import { jsonldContext } from '../../src/publish/context.ts';
import { sortedGraph } from '../../src/publish/graph.ts';
import { readRecords } from '../../src/ingest/read-records.ts';
import { mapRecords } from '../../src/map/map-records.ts';
import { generate } from '../../bench/generate.ts';
import { DATA } from '../support/project.ts';

const { quad, namedNode, blankNode, literal } = DataFactory;
const BASE = 'https://projectgraph.example/';
const context = jsonldContext(BASE);

async function expand(text: string): Promise<Quad[]> {
  const nquads = (await jsonld.toRDF(JSON.parse(text) as object, {
    format: 'application/n-quads',
    documentLoader: async (url: string) => {
      throw new Error(`test must not fetch ${url}`);
    },
  })) as unknown as string;
  return new Parser({ format: 'application/n-quads' }).parse(nquads);
}

/** Parsed with n3, so term objects compare the same way on both sides. */
function normal(quads: Quad[]): Quad[] {
  return sortedGraph(quads).quads;
}

async function mappedGraph(dir: string): Promise<Quad[]> {
  const records = await readRecords(dir);
  return sortedGraph([...mapRecords(records)].flatMap((m) => m.quads)).quads;
}

describe('direct JSON-LD builder', () => {
  it('gives the graph of the real data, as jsonld.js compaction does', async () => {
    const quads = await mappedGraph(DATA);
    const ours = await expand([...jsonLdChunks(quads, context)].join(''));
    const theirs = await expand(await viaJsonLdJs(quads, context));
    expect(isomorphic(normal(ours), quads)).toBe(true);
    expect(isomorphic(normal(theirs), normal(ours))).toBe(true);
  });

  it('gives the graph of 200 synthetic records, byte-identical on a second run', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-jsonld-')), 'data');
    await generate(dir, 200, 7);
    const quads = await mappedGraph(dir);
    const text = [...jsonLdChunks(quads, context)].join('');
    expect([...jsonLdChunks(quads, context)].join('')).toBe(text);
    expect(isomorphic(normal(await expand(text)), quads)).toBe(true);
    // Streamed pieces and the one-string form agree.
    expect(await toJsonLd(quads, context)).toBe(text);
  });

  it('uses the context: language maps, coerced IRIs and dates, bare schema.org names', async () => {
    const s = namedNode(`${BASE}project/p`);
    const text = await toJsonLd(
      [
        quad(
          s,
          namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'),
          namedNode('http://schema.org/ResearchProject'),
        ),
        quad(s, namedNode('http://schema.org/name'), literal('Naam', 'nl')),
        quad(s, namedNode('http://schema.org/name'), literal('Name', 'en')),
        quad(s, namedNode('http://schema.org/member'), namedNode(`${BASE}organisation/o`)),
        quad(
          s,
          namedNode('http://schema.org/foundingDate'),
          literal('2008', namedNode('http://www.w3.org/2001/XMLSchema#gYear')),
        ),
        quad(s, namedNode(`${BASE}def/status`), namedNode(`${BASE}def/project-status/completed`)),
      ],
      context,
    );
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(doc).toMatchObject({
      '@id': `${BASE}project/p`,
      '@type': 'ResearchProject',
      name: { en: 'Name', nl: 'Naam' },
      member: `${BASE}organisation/o`,
      foundingDate: '2008',
      status: 'pg:project-status/completed',
    });
  });

  it('expands to the input for arbitrary graphs, with values no term can hold', async () => {
    const iri = fc.constantFrom(
      'http://schema.org/name',
      'http://schema.org/url',
      'http://schema.org/member',
      'http://schema.org/foundingDate',
      'http://schema.org/startDate',
      'http://schema.org/Thing',
      `${BASE}def/status`,
      `${BASE}def/background`,
      `${BASE}project/a`,
      `${BASE}keyword/b`,
      'http://www.w3.org/2004/02/skos/core#prefLabel',
      'http://www.w3.org/2000/01/rdf-schema#label',
      'http://example.org/other#x',
      'urn:x:1',
    );
    const subject = fc.oneof(
      iri.map((i) => namedNode(i)),
      fc.constantFrom('b1', 'b2').map((b) => blankNode(b)),
    );
    const predicate = fc
      .oneof(iri, fc.constant('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'))
      .map((i) => namedNode(i));
    const object = fc.oneof(
      iri.map((i) => namedNode(i)),
      fc.constantFrom('b1', 'b2').map((b) => blankNode(b)),
      fc.tuple(fc.string(), fc.constantFrom('nl', 'en', 'de')).map(([v, l]) => literal(v, l)),
      fc.string().map((v) => literal(v)),
      fc
        .tuple(fc.constantFrom('2008', '2015-09', '12', 'x'), fc.constantFrom('gYear', 'gYearMonth', 'integer', 'date'))
        .map(([v, t]) => literal(v, namedNode(`http://www.w3.org/2001/XMLSchema#${t}`))),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(subject, predicate, object), { maxLength: 25 }), async (triples) => {
        const quads = normal(triples.map(([s, p, o]) => quad(s, p, o)));
        for (const ctx of [context, {}]) {
          const ours = normal(await expand(await toJsonLd(quads, ctx)));
          expect(isomorphic(ours, quads)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
