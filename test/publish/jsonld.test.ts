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
import {
  assembleJsonLd,
  CompactionRules,
  jsonLdChunks,
  jsonLdFrame,
  jsonLdPiece,
  jsonString,
  nodeObject,
  toJsonLd,
  viaJsonLdJs,
} from '../../src/publish/jsonld.ts';
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
  return sortedGraph((await mappedRecords(dir)).flat()).quads;
}

/** Each record's statements, in the order the mapper gives them. */
async function mappedRecords(dir: string): Promise<Quad[][]> {
  return [...mapRecords(await readRecords(dir))].map((m) => m.quads);
}

/** Subjects and their statements, adjacent statements of one subject together, as the builder groups them. */
function subjectGroups(quads: readonly Quad[]): Quad[][] {
  const groups: Quad[][] = [];
  for (const q of quads) {
    const last = groups.at(-1);
    if (last && last[0]!.subject.equals(q.subject)) last.push(q);
    else groups.push([q]);
  }
  return groups;
}

/**
 * The document as the builder wrote it before it wrote text directly: JSON.stringify of nodeObject's objects, a
 * lone subject merged into the top level. The direct text must be byte-identical to it.
 */
function stringifiedDocument(quads: readonly Quad[], context: Record<string, unknown>): string {
  const rules = new CompactionRules(context);
  const nodes = subjectGroups(quads).map((g) => nodeObject(g[0]!.subject, g, rules));
  const doc = nodes.length === 1 ? { '@context': context, ...nodes[0] } : { '@context': context, '@graph': nodes };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

async function generated(records: number, seed: number): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-jsonld-')), 'data');
  await generate(dir, records, seed);
  return dir;
}

/** An async stream of text, joined (Array.fromAsync is Node 22's). */
async function joined(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

/** A shuffled copy, from fast-check's random numbers so a failure replays. */
function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => [keys[i % keys.length]! + i / items.length, item] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, item]) => item);
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
    const quads = await mappedGraph(await generated(200, 7));
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
  it('writes the text JSON.stringify wrote of the node objects, on the real data and 200 synthetic records', async () => {
    for (const quads of [await mappedGraph(DATA), await mappedGraph(await generated(200, 11))]) {
      const text = [...jsonLdChunks(quads, context)].join('');
      expect(text).toBe(stringifiedDocument(quads, context));
      // Each chunk but the last is a large string of its own, so a writer can write it without joining.
      const chunks = [...jsonLdChunks(quads, context)];
      for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(1 << 20);
    }
  });

  it('writes the same text as JSON.stringify for arbitrary graphs, keys JSON orders its own way included', async () => {
    const iri = fc.constantFrom(
      'http://schema.org/name',
      'http://schema.org/member',
      'http://schema.org/foundingDate',
      'http://schema.org/Thing',
      'http://schema.org/__proto__',
      `${BASE}def/status`,
      `${BASE}project/a`,
      'http://www.w3.org/2004/02/skos/core#prefLabel',
      'http://www.w3.org/2004/02/skos/core#',
      'http://schema.org//x',
      'http://example.org/other#x',
      '7',
      '@x',
    );
    const object = fc.oneof(
      iri.map((i) => namedNode(i)),
      fc.constantFrom('b1', 'b2').map((b) => blankNode(b)),
      fc.tuple(fc.string({ unit: 'binary' }), fc.constantFrom('nl', 'en', '0', '12')).map(([v, l]) => literal(v, l)),
      fc.string({ unit: 'binary' }).map((v) => literal(v)),
      fc
        .tuple(fc.constantFrom('2008', 'x'), fc.constantFrom('gYear', 'integer'))
        .map(([v, t]) => literal(v, namedNode(`http://www.w3.org/2001/XMLSchema#${t}`))),
    );
    const predicate = fc.oneof(iri, fc.constant('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'));
    const contexts = [context, {}, { ...context, '3': { '@id': 'http://schema.org/member', '@type': '@id' } }];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(`${BASE}project/a`, 'http://schema.org/Thing', 'b1'), predicate, object), {
          maxLength: 30,
        }),
        fc.constantFrom(...contexts),
        async (triples, ctx) => {
          const quads = normal(
            triples.map(([s, p, o]) => quad(s === 'b1' ? blankNode(s) : namedNode(s), namedNode(p), o)),
          );
          expect([...jsonLdChunks(quads, ctx)].join('')).toBe(stringifiedDocument(quads, ctx));
          expect(await toJsonLd(quads, ctx)).toBe(stringifiedDocument(quads, ctx));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('quotes every string as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string()), (s) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
    for (const s of ['\ud800', 'a\udc00b', '\ud83d\ude00', '"\\', '\u0000\u001f\u007f\u2028']) {
      expect(jsonString(s)).toBe(JSON.stringify(s));
    }
  });

  it('assembles the document from one piece per record, equal to the graph, whatever order each record has', async () => {
    const records = await mappedRecords(await generated(60, 5));
    const whole = sortedGraph(records.flat()).quads;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }), async (keys) => {
        const pieces = records.map((r) => jsonLdPiece(shuffled(r, keys), context));
        // A piece depends only on its statements: shuffled, repeated or sorted, the same text.
        records.forEach((r, i) => {
          expect(jsonLdPiece([...r, ...r.slice(0, 3)], context)).toBe(pieces[i]);
          expect(jsonLdPiece(sortedGraph(r).quads, context, { sorted: true })).toBe(pieces[i]);
        });
        const text = await joined(assembleJsonLd(context, pieces));
        expect(isomorphic(normal(await expand(text)), whole)).toBe(true);
      }),
      { numRuns: 3 },
    );
  });

  it("head, pieces in the dumps' order and tail are the document jsonLdChunks writes, byte for byte", async () => {
    const quads = await mappedGraph(DATA);
    const groups = subjectGroups(quads);
    const frame = jsonLdFrame(context);
    // Pieces of one to five subjects each.
    const pieces: string[] = [];
    for (let i = 0; i < groups.length; i += 1 + (i % 5)) {
      pieces.push(jsonLdPiece(groups.slice(i, i + 1 + (i % 5)).flat(), context));
    }
    const text = frame.head + pieces.join(frame.separator) + frame.tail;
    expect(text).toBe([...jsonLdChunks(quads, context)].join(''));
    expect(await joined(assembleJsonLd(context, ['', ...pieces, '']))).toBe(text);
  });

  it('frames no pieces, or only empty ones, as a document with an empty graph', async () => {
    const frame = jsonLdFrame(context);
    expect(JSON.parse(frame.head + frame.tail)).toEqual({ '@context': context, '@graph': [] });
    expect(jsonLdPiece([], context)).toBe('');
    const text = await joined(assembleJsonLd(context, ['', jsonLdPiece([], context)]));
    expect(JSON.parse(text)).toEqual({ '@context': context, '@graph': [] });
    expect(await expand(text)).toEqual([]);
  });
});
