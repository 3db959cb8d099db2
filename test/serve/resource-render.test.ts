// Pages from the store: every resource rendered from the embedded store equals the page and data the build wrote.
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import { Parser } from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import type { Quad } from '@rdfjs/types';
import { generate } from '../../bench/generate.ts';
import { build } from '../../src/pipeline.ts';
import { readSiteDocuments } from '../../src/publish/site-documents.ts';
import { createRenderer, type Renderer, type Rendered } from '../../src/serve/resource-render.ts';
import type { ResourceMediaType } from '../../src/serve/dereference.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { wholeGraphSite } from '../publish/support.ts';
import { workspaceWithRealData } from '../support/project.ts';

const BASE = 'https://projectgraph.example/';
/** The resources whose .ttl and .jsonld are whole documents (site.ts DOCUMENTS); the dataset's are its dumps. */
const DATASET = `${BASE}dataset`;

interface Case {
  out: string;
  /** The site publish/site.ts makes from the whole graph, by file name: what each form must equal. */
  reference: Map<string, string>;
  renderer: Renderer;
  /** The IRI of every page of the site (not the home page, not the folder copies `<path>/index.html`). */
  pages: string[];
}

async function setUp(ws: string): Promise<Case> {
  const out = path.join(ws, 'output');
  await build({ dataDir: path.join(ws, 'data'), outDir: out, sourceDateEpoch: '1790000000' });
  const store = await EmbeddedStore.load(out);
  const renderer = await createRenderer(store, BASE, await readSiteDocuments(out));
  const reference = await wholeGraphSite(out, path.join(ws, 'data'), BASE);
  const files = [...reference.keys()].sort();
  const pages = files
    .filter(
      (f) => f.endsWith('.html') && f !== 'index.html' && !files.includes(`${f.replace(/\/index\.html$/, '')}.html`),
    )
    .map((f) => BASE + f.slice(0, -'.html'.length));
  return { out, reference, renderer, pages };
}

/** A file of the site; the whole documents' .ttl and .jsonld (catalogue, VoID, vocabulary) the build writes itself. */
const fileOf = (c: Case, iri: string, ext: string): string => {
  const name = `${iri.slice(BASE.length)}${ext}`;
  return c.reference.get(name) ?? readFileSync(path.join(c.out, name), 'utf8');
};

async function rendered(c: Case, iri: string, type: ResourceMediaType): Promise<Rendered> {
  const r = await c.renderer.render(iri, type);
  if (!r) throw new Error(`nothing rendered for <${iri}> as ${type}`);
  expect(r.mediaType, iri).toBe(type);
  return r;
}

async function body(c: Case, iri: string, type: ResourceMediaType): Promise<string> {
  const r = await rendered(c, iri, type);
  if (r.kind !== 'body') throw new Error(`<${iri}> as ${type} is the dump ${r.file}, not a body`);
  return r.body;
}

function parseRdfXml(xml: string): Promise<Quad[]> {
  return new Promise((resolve, reject) => {
    const quads: Quad[] = [];
    const parser = new RdfXmlParser();
    parser.on('data', (q: Quad) => quads.push(q));
    parser.on('error', reject);
    parser.on('end', () => resolve(quads));
    parser.end(xml);
  });
}

/** A loop over every page of a generated build renders thousands of representations: on a loaded machine, minutes. */
const EVERY_PAGE_MS = 300_000;

/** The assertions every data set gets: the same resources as the static pages, and each form equal to its file. */
function samePagesAs(c: () => Case) {
  it('knows exactly the resources the build wrote pages for', () => {
    expect([...c().renderer.resources].sort()).toEqual([...c().pages].sort());
    expect(c().pages.length).toBeGreaterThan(10);
  });

  it(
    "renders each resource's HTML, with its JSON-LD, byte for byte as the build wrote it",
    async () => {
      for (const iri of c().pages) {
        expect(await body(c(), iri, 'text/html'), iri).toBe(fileOf(c(), iri, '.html'));
      }
    },
    EVERY_PAGE_MS,
  );

  it(
    "renders each resource's Turtle and JSON-LD byte for byte as its .ttl and .jsonld; the dataset's are its dumps",
    async () => {
      for (const iri of c().pages) {
        for (const [type, ext] of [
          ['text/turtle', '.ttl'],
          ['application/ld+json', '.jsonld'],
        ] as const) {
          const r = await rendered(c(), iri, type);
          if (iri === DATASET) {
            expect(r).toEqual({ kind: 'dump', file: `dataset${ext}`, mediaType: type });
            continue;
          }
          if (r.kind !== 'body') throw new Error(`<${iri}> as ${type} is a dump`);
          expect(r.body, `${iri} ${type}`).toBe(fileOf(c(), iri, ext));
        }
      }
    },
    EVERY_PAGE_MS,
  );

  it(
    'renders N-Triples and RDF/XML that hold the same graph as the Turtle',
    async () => {
      for (const iri of c().pages) {
        if (iri === DATASET) {
          expect(await rendered(c(), iri, 'application/n-triples')).toEqual({
            kind: 'dump',
            file: 'dataset.nt',
            mediaType: 'application/n-triples',
          });
          continue;
        }
        const turtle = new Parser({ format: 'text/turtle' }).parse(fileOf(c(), iri, '.ttl'));
        expect(turtle.length, iri).toBeGreaterThan(0);
        const nt = new Parser({ format: 'application/n-triples' }).parse(await body(c(), iri, 'application/n-triples'));
        expect(isomorphic(nt, turtle), `${iri} as N-Triples`).toBe(true);
        const xml = await parseRdfXml(await body(c(), iri, 'application/rdf+xml'));
        expect(isomorphic(xml, turtle), `${iri} as RDF/XML`).toBe(true);
      }
    },
    EVERY_PAGE_MS,
  );

  it('renders nothing for a resource the store knows nothing about, nor for the home page', async () => {
    expect(await c().renderer.render(`${BASE}project/no-such-project`, 'text/html')).toBeUndefined();
    expect(await c().renderer.render(`${BASE}project/no-such-project`, 'text/turtle')).toBeUndefined();
    expect(await c().renderer.render(BASE, 'text/html')).toBeUndefined();
  });
}

describe('pages from the store, real data', () => {
  let ws: string;
  let c: Case;
  beforeAll(async () => {
    ws = await workspaceWithRealData();
    c = await setUp(ws);
  }, 120_000);
  afterAll(() => rm(ws, { recursive: true, force: true }));

  samePagesAs(() => c);

  it("takes the site's words from the store and the downloads from the catalogue", async () => {
    const dataset = fileOf(c, DATASET, '.html');
    expect(dataset).toContain(c.renderer.site.name);
    expect(c.renderer.downloads.map((d) => d.file)).toEqual([
      'dataset.nt',
      'dataset.ttl',
      'dataset.jsonld',
      'dataset.nq',
      'dataset.trig',
      'dataset.nq.gz',
      'dataset.nt.gz',
    ]);
    // The dataset's RDF/XML has no dump: it is the whole default graph, the graph of its Turtle dump.
    const xml = await parseRdfXml(await body(c, DATASET, 'application/rdf+xml'));
    const dump = new Parser({ format: 'text/turtle' }).parse(await readFile(path.join(c.out, 'dataset.ttl'), 'utf8'));
    expect(isomorphic(xml, dump)).toBe(true);
  });
});

describe('pages from the store, generated data (many projects per keyword, organisation and programme)', () => {
  let ws: string;
  let c: Case;
  beforeAll(async () => {
    ws = await workspaceWithRealData();
    await rm(path.join(ws, 'data'), { recursive: true, force: true });
    await generate(path.join(ws, 'data'), 150, 9);
    c = await setUp(ws);
  }, 240_000);
  afterAll(() => rm(ws, { recursive: true, force: true }));

  samePagesAs(() => c);
});
