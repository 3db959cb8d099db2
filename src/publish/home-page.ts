// The home page: what the dataset holds (programmes with their projects, every kind of resource with counts), the downloads, catalogue and query page.
import { DATASET_PATHS } from '../dataset-iris.ts';
import { SCHEMA, ownVocabulary } from '../vocab.ts';
import { html, shorten, type Html } from './html.ts';
import { SECTIONS } from './labels.ts';
import { layout, type Site } from './page-layout.ts';
import { homePageJsonLd } from './page-jsonld.ts';
import type { ResourceIndex } from './resource-index.ts';
import { titleOf } from './resource-page.ts';

/** A home-page list shows at most this many entries; the sitemap and the section's data list them all. */
const LIST_LIMIT = 500;

export interface Download {
  /** File name in output/ ("dataset.ttl"). */
  file: string;
  title: string;
  mediaType: string;
  bytes: number;
}

export function homePage(index: ResourceIndex, site: Site, downloads: Download[], intro: string): string {
  const resources = index.resources();
  const bySection = new Map<string, string[]>();
  for (const r of resources) {
    const first = (site.paths.local(r) ?? '').split('/')[0] ?? '';
    if (!(site.paths.local(r) ?? '').includes('/')) continue;
    const list = bySection.get(first);
    if (list) list.push(r);
    else bySection.set(first, [r]);
  }
  const main = html`<h1>${site.name}</h1>
<p class="lead">${intro}</p>
${programmes(index, site, bySection.get('programme') ?? [])}<section aria-labelledby="inhoud-overzicht">
<h2 id="inhoud-overzicht">Wat de dataset bevat</h2>
<ul class="counts">
${SECTIONS.filter((s) => (bySection.get(s.segment) ?? []).length > 0).map((s) => html`<li><a href="#${s.anchor}">${s.title}</a>: ${(bySection.get(s.segment) ?? []).length}</li>\n`)}</ul>
</section>
${SECTIONS.map((s) => section(index, site, s.title, s.anchor, bySection.get(s.segment) ?? []))}${downloadList(site, downloads)}`;
  return layout(site, {
    title: site.name,
    description: shorten(intro),
    canonical: site.home,
    jsonld: homePageJsonLd(index, site.home, site.name, site.dataset),
    alternates: downloads.map((d) => ({ type: d.mediaType, href: site.paths.file(d.file), title: d.title })),
    crumbs: [{ iri: site.home, name: 'Home' }],
    main,
  });
}

/** Programmes with the number of projects directly under them. */
function programmes(index: ResourceIndex, site: Site, list: string[]): Html {
  if (list.length === 0) return html``;
  const parts = (p: string, type: string) =>
    index
      .about(p)
      .filter((q) => q.predicate.equals(SCHEMA('subOrganization')) && index.types(q.object.value).includes(type))
      .length;
  const summary = (p: string) => {
    const projects = parts(p, SCHEMA('ResearchProject').value);
    const programmes = parts(p, ownVocabulary(site.home)('Programme').value);
    return [
      count(projects, 'project', 'projecten'),
      ...(programmes > 0 ? [count(programmes, 'deelprogramma', 'deelprogramma’s')] : []),
    ].join(', ');
  };
  return html`<section aria-labelledby="programmas-overzicht">
<h2 id="programmas-overzicht">Programma's en hun projecten</h2>
<ul>
${sorted(index, list).map((p) => html`<li><a href="${site.paths.href(p)}">${titleOf(index, p)}</a> — ${summary(p)}</li>\n`)}</ul>
</section>
`;
}

function section(index: ResourceIndex, site: Site, title: string, anchor: string, list: string[]): Html {
  if (list.length === 0) return html``;
  const shown = sorted(index, list).slice(0, LIST_LIMIT);
  return html`<section aria-labelledby="${anchor}">
<h2 id="${anchor}">${title} (${list.length})</h2>
<ul class="columns">
${shown.map((r) => html`<li><a href="${site.paths.href(r)}">${titleOf(index, r)}</a></li>\n`)}</ul>
${list.length > shown.length ? html`<p>En nog ${list.length - shown.length}; de <a href="${site.paths.file(DATASET_PATHS.sitemap)}">sitemap</a> noemt ze allemaal.</p>\n` : ''}</section>
`;
}

/** The downloads, the catalogue, VoID, the vocabulary and the query page: the served home page shows them too. */
export function downloadList(site: Site, downloads: Download[]): Html {
  return html`<section aria-labelledby="downloads">
<h2 id="downloads">Downloads en bevragen</h2>
<ul>
${downloads.map((d) => html`<li><a href="${site.paths.file(d.file)}" type="${d.mediaType}">${d.title}</a> (${d.mediaType}, ${bytes(d.bytes)})</li>\n`)}<li><a href="${site.paths.href(site.catalog)}">DCAT-AP-catalogus</a> voor dataportalen</li>
<li><a href="${site.paths.href(site.void)}">VoID-beschrijving</a> met aantallen per klasse en eigenschap</li>
<li><a href="${site.paths.href(site.vocabulary)}">Eigen vocabulaire</a> en de lijst projectstatus</li>
<li><a href="${site.paths.href(site.sparql)}">SPARQL-eindpunt en zoekpagina</a> (als <code>projectgraph serve</code> draait)</li>
</ul>
</section>
`;
}

/** By title, then IRI; each title is looked up once before sorting, since a sort compares each entry many times. */
function sorted(index: ResourceIndex, list: string[]): string[] {
  return list
    .map((iri) => ({ iri, title: titleOf(index, iri).toLowerCase() }))
    .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.iri < b.iri ? -1 : a.iri > b.iri ? 1 : 0))
    .map(({ iri }) => iri);
}

export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace('.', ',')} kB`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}
