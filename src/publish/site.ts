// Publishes the linked-data site: a page, .ttl and .jsonld per resource, the home page, the stylesheet, sitemap.xml and robots.txt.
import { readFileSync } from 'node:fs';
import type { Quad } from '@rdfjs/types';
import { DATASET_PATHS, datasetIris } from '../dataset-iris.ts';
import type { DatasetRecord } from '../ingest/schema.ts';
import { ADMS, DCAT, DCT, FOAF, OWL, SPDX, VCARD, VOID, prefixes } from '../vocab.ts';
import { jsonldContext } from './context.ts';
import { sortedGraph } from './graph.ts';
import { html } from './html.ts';
import { bytes, homePage, type Download } from './home-page.ts';
import { toJsonLd } from './jsonld.ts';
import type { Site } from './page-layout.ts';
import { ResourceIndex } from './resource-index.ts';
import { resourcePage, type PageFiles } from './resource-page.ts';
import { SitePaths } from './site-paths.ts';
import { robotsTxt, sitemapFiles } from './sitemap.ts';
import { toTurtle } from './turtle.ts';

const STYLESHEET = readFileSync(new URL('./style.css', import.meta.url), 'utf8');

/** Documents whose .ttl/.jsonld hold the whole document (the dumps, the catalogue, VoID, the vocabulary), written by the pipeline. */
export const DOCUMENTS = [
  DATASET_PATHS.dataset,
  DATASET_PATHS.catalog,
  DATASET_PATHS.void,
  DATASET_PATHS.vocabulary,
] as const;

/** Paths that `projectgraph serve` answers itself (the SPARQL endpoint and query page): no static file may stand in for them. */
export const SERVICES = [DATASET_PATHS.sparql] as const;

export interface SiteInput {
  base: string;
  dataset: DatasetRecord;
  /** Every graph the site shows: the dump, our vocabulary, the catalogue and VoID. */
  quads: Quad[];
  downloads: Download[];
  date: string | undefined;
}

export interface SiteFile {
  name: string;
  content: string;
  /** The position of the resource the file belongs to in the site's sorted resources; -1 before them, the count after. */
  order: number;
}

/** Which share of the resources to make: those whose position modulo `parts` is `part` (part 0 also makes the home page, sitemap, robots.txt). */
export interface SiteShare {
  part: number;
  parts: number;
}

/** Prefixes for the .ttl files of pages and documents: the dump's, plus the catalogue's vocabularies. */
export function sitePrefixes(base: string): Record<string, string> {
  const all: Record<string, string> = {
    ...prefixes(base),
    adms: ADMS.iri,
    dcat: DCAT.iri,
    dct: DCT.iri,
    foaf: FOAF.iri,
    owl: OWL.iri,
    spdx: SPDX.iri,
    vcard: VCARD.iri,
    void: VOID.iri,
  };
  return Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k] as string]),
  );
}

/** The JSON-LD context of pages' .jsonld files and documents: the dump's context with the catalogue's prefixes. */
export function siteContext(base: string): Record<string, unknown> {
  const {
    pg: _pg,
    prov: _prov,
    rdf: _rdf,
    rdfs: _rdfs,
    schema: _schema,
    skos: _skos,
    xsd: _xsd,
    ...extra
  } = sitePrefixes(base);
  return { ...jsonldContext(base), ...extra };
}

export function siteOf(input: SiteInput): Site {
  const { base, dataset } = input;
  return siteFor(base, { name: dataset.title.nl, licence: dataset.licence, publisherName: dataset.publisher.name });
}

/** The site under `base`: every address of it follows from the base; only these words come from the dataset. */
export function siteFor(base: string, words: { name: string; licence: string; publisherName: string }): Site {
  const iris = datasetIris(base);
  return {
    paths: new SitePaths(base),
    home: base,
    name: words.name,
    dataset: iris.dataset.value,
    catalog: iris.catalog.value,
    vocabulary: iris.vocabulary.value,
    void: iris.void.value,
    sparql: iris.sparql.value,
    licence: words.licence,
    publisherName: words.publisherName,
  };
}

/** Every file of the site, in a fixed order; pages for all resources, data files for all but the whole documents. */
export async function* siteFiles(input: SiteInput, share: SiteShare = { part: 0, parts: 1 }): AsyncGenerator<SiteFile> {
  const site = siteOf(input);
  const paths = site.paths;
  const index = new ResourceIndex(input.quads, paths);
  const resources = index.resources().filter((r) => !(SERVICES as readonly string[]).includes(paths.local(r) ?? ''));
  const locals = resources.map((r) => paths.local(r) ?? '');
  const folders = new Set(
    locals.flatMap((l) =>
      l
        .split('/')
        .slice(0, -1)
        .map((_, i, segs) => segs.slice(0, i + 1).join('/')),
    ),
  );
  const ttlPrefixes = sitePrefixes(input.base);
  const context = siteContext(input.base);

  const first = share.part === 0;
  if (first) {
    yield {
      name: 'index.html',
      content: homePage(index, site, input.downloads, input.dataset.description.nl),
      order: -1,
    };
    yield { name: 'style.css', content: STYLESHEET, order: -1 };
  }
  for (const [i, iri] of resources.entries()) {
    if (i % share.parts !== share.part) continue;
    const local = locals[i] as string;
    const page = resourceHtml(index, site, iri, input.downloads);
    yield { name: paths.pageFile(local), content: page, order: i };
    // A server that finds the folder `keyword/` first redirects `/keyword` to `/keyword/`; this copy answers there.
    if (folders.has(local)) yield { name: `${local}/index.html`, content: page, order: i };
    if ((DOCUMENTS as readonly string[]).includes(local)) continue;
    const description = resourceStatements(index, iri);
    yield { name: `${local}.ttl`, content: await toTurtle(description, ttlPrefixes), order: i };
    yield { name: `${local}.jsonld`, content: await toJsonLd(description, context), order: i };
  }
  if (!first) return;
  const after = resources.length;
  for (const file of sitemapFiles(input.base, [site.home, ...resources], input.date)) yield { ...file, order: after };
  yield { name: 'robots.txt', content: robotsTxt(datasetIris(input.base).sitemap.value), order: after };
}

/**
 * The page of one resource, as the build writes it and the server renders it from the store: `index` must hold
 * at least the resource's own statements, the links to it and the types and labels of what it links to.
 */
export function resourceHtml(index: ResourceIndex, site: Site, iri: string, downloads: Download[]): string {
  return resourcePage(index, site, iri, pageFiles(site, site.paths.local(iri) ?? '', downloads));
}

/** The statements of a resource's own .ttl and .jsonld (all but the whole documents), sorted. */
export function resourceStatements(index: ResourceIndex, iri: string): Quad[] {
  return sortedGraph(index.describe(iri)).quads;
}

function pageFiles(site: Site, local: string, downloads: Download[]): PageFiles {
  const p = site.paths;
  if (local === DATASET_PATHS.dataset) {
    return {
      data: downloads.map((d) => ({ type: d.mediaType, href: p.file(d.file), title: d.title })),
      extra: html`<section aria-labelledby="downloads">
<h2 id="downloads">Downloads</h2>
<ul>
${downloads.map((d) => html`<li><a href="${p.file(d.file)}" type="${d.mediaType}">${d.title}</a> (${d.mediaType}, ${bytes(d.bytes)})</li>\n`)}</ul>
</section>
`,
    };
  }
  return {
    data: [
      { type: 'text/turtle', href: p.file(`${local}.ttl`), title: 'Turtle' },
      { type: 'application/ld+json', href: p.file(`${local}.jsonld`), title: 'JSON-LD' },
    ],
  };
}

/**
 * Hands each file to `write` in order, with up to `limit` writes in flight: thousands of small pages are
 * bound by file-system latency, not by CPU. `write` is called in the files' order, so whatever it records
 * synchronously (the list of written files) stays deterministic.
 */
export async function writeConcurrently<T>(
  files: AsyncIterable<T>,
  write: (file: T) => Promise<void>,
  limit = 16,
): Promise<void> {
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  for await (const file of files) {
    const p = write(file).then(
      () => {
        pending.delete(p);
      },
      (e: unknown) => {
        pending.delete(p);
        failure ??= e;
      },
    );
    pending.add(p);
    if (pending.size >= limit) await Promise.race(pending);
    if (failure !== undefined) break;
  }
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
}
