// The page of one resource: what it states, what points to it (relations both ways), its fragments, and links to its data.
import type { Literal, Quad, Term } from '@rdfjs/types';
import { DCT, RDF, RDFS, SCHEMA, SKOS } from '../vocab.ts';
import { html, shorten, type Html } from './html.ts';
import { classRank, classWords, localName, propertyOrder, propertyWords } from './labels.ts';
import { layout, type Site } from './page-layout.ts';
// A page lists at most PAGE_LIST_LIMIT values per relation, either way; its .ttl and .jsonld hold them all.
import { PAGE_LIST_LIMIT, resourcePageJsonLd, type Crumb } from './page-jsonld.ts';
import { pickLanguage, type ResourceIndex } from './resource-index.ts';
import { isRecordFileIri } from '../map/provenance.ts';

/**
 * How a page names a record's YAML file: readers know the knowledge base, not its folders, so the file's path
 * (its rdfs:label, kept in the data for editors and harvesters) is never shown.
 */
const RECORD_FILE_NAME = 'record in de kennisbank';

const DESCRIPTIONS = [SCHEMA('description'), SKOS('definition'), RDFS('comment'), DCT('description')].map(
  (p) => p.value,
);

export interface PageFiles {
  /** Links to the resource's data (its .ttl/.jsonld, or the dumps for the dataset). */
  data: { type: string; href: string; title: string }[];
  /** Extra content after the statements (the dataset page's downloads). */
  extra?: Html;
}

export function resourcePage(index: ResourceIndex, site: Site, iri: string, files: PageFiles): string {
  const name = titleOf(index, iri);
  const kind = kindOf(index, site.home, iri);
  const crumbs = crumbsOf(index, site, iri);
  const description = descriptionOf(index, iri) ?? `${kind ?? 'Bron'} „${name}” in ${site.name}.`;
  const main = html`<article>
<h1>${name}</h1>
${kind ? html`<p class="kind">${kind}</p>\n` : ''}${statements(index, site, iri, index.about(iri), 'Gegevens', undefined)}
${fragments(index, site, iri)}${reverseLinks(index, site, iri)}${files.extra ?? ''}<section aria-labelledby="data">
<h2 id="data">Als data</h2>
<p>IRI: <code>${iri}</code></p>
<ul class="formats">
${files.data.map((d) => html`<li><a href="${d.href}" type="${d.type}">${d.title}</a></li>\n`)}</ul>
</section>
</article>`;
  return layout(site, {
    title: name,
    description: shorten(description),
    canonical: iri,
    jsonld: resourcePageJsonLd(index, iri, name, crumbs, site.home),
    alternates: files.data,
    crumbs,
    main,
  });
}

/** The name shown for a resource: its Dutch label, or its path when it has none. */
export function titleOf(index: ResourceIndex, iri: string): string {
  return shownLabel(index, iri)?.value ?? localName(iri);
}

/** The label a page shows for a thing: its own, except for a record's file, which is named for readers. */
function shownLabel(index: ResourceIndex, iri: string): { value: string; language: string } | undefined {
  if (isRecordFileIri(iri)) return { value: RECORD_FILE_NAME, language: 'nl' };
  return index.label(iri);
}

/** The Dutch word for what a resource is, from its most specific known class. */
export function kindOf(index: ResourceIndex, base: string, iri: string): string | undefined {
  const rank = classRank(base);
  const words = classWords(base);
  const best = [...index.types(iri)].sort((a, b) => rank(a) - rank(b))[0];
  return best === undefined ? undefined : words(best);
}

function descriptionOf(index: ResourceIndex, iri: string): string | undefined {
  for (const p of DESCRIPTIONS) {
    const values = index
      .about(iri)
      .filter((q) => q.predicate.value === p && q.object.termType === 'Literal')
      .map((q) => q.object as Literal);
    const best = pickLanguage(values);
    if (best) return best.value;
  }
  return undefined;
}

/** Home, then every ancestor path that is a resource with a page (keyword → keyword/clusters), then the resource. */
export function crumbsOf(index: ResourceIndex, site: Site, iri: string): Crumb[] {
  const local = site.paths.local(iri) ?? '';
  const segments = local.split('/');
  const crumbs: Crumb[] = [{ iri: site.home, name: 'Home' }];
  for (let i = 1; i < segments.length; i++) {
    const ancestor = site.home + segments.slice(0, i).join('/');
    if (index.about(ancestor).length > 0) crumbs.push({ iri: ancestor, name: titleOf(index, ancestor) });
  }
  crumbs.push({ iri, name: titleOf(index, iri) });
  return crumbs;
}

function statements(
  index: ResourceIndex,
  site: Site,
  subject: string,
  quads: Quad[],
  heading: string,
  id: string | undefined,
): Html {
  const words = propertyWords(site.home);
  const order = propertyOrder(site.home);
  const shown = quads.filter(
    (q) => !q.predicate.equals(RDF('type')) && !(isRecordFileIri(subject) && q.predicate.equals(RDFS('label'))),
  );
  if (shown.length === 0) return html``;
  const groups = group(shown, (q) => q.predicate.value);
  const predicates = [...groups.keys()].sort((a, b) => order(a) - order(b) || cmp(words(a).forward, words(b).forward));
  const headingId = id ?? `gegevens-${slugOf(subject)}`;
  return html`<section aria-labelledby="${headingId}">
<h2 id="${headingId}">${heading}</h2>
<dl>
${predicates.map(
  (p) => html`<dt>${words(p).forward}</dt>
<dd>${values(
    index,
    site,
    (groups.get(p) ?? []).map((q) => q.object),
    PAGE_LIST_LIMIT,
  )}</dd>
`,
)}</dl>
</section>
`;
}

/** Fragments of the resource (`#source`, `#record`, a catalogue's distributions): each its own section, with the fragment as its id so `…#source` lands on it. */
function fragments(index: ResourceIndex, site: Site, iri: string): Html {
  const members = index
    .own(iri)
    .map((q) => q.subject.value)
    .filter((s, i, all) => s !== iri && all.indexOf(s) === i);
  return html`${members.map((m) => {
    const fragment = m.slice(m.indexOf('#') + 1);
    const kind = kindOf(index, site.home, m);
    const label = shownLabel(index, m)?.value;
    const heading =
      label === undefined ? (kind ? `${kind} (${fragment})` : fragment) : kind ? `${kind}: ${label}` : label;
    return html`<div class="fragment" id="${fragment}">${statements(index, site, m, index.about(m), heading, `kop-${fragment}`)}</div>\n`;
  })}`;
}

/** What points here, grouped by how; links the resource already states the other way round are left out, so each relation shows once. */
function reverseLinks(index: ResourceIndex, site: Site, iri: string): Html {
  const words = propertyWords(site.home);
  const own = index.own(iri);
  const incoming = index
    .reverse(iri)
    .filter((q) => !own.some((o) => o.object.equals(q.subject) && !o.predicate.equals(RDF('type'))));
  if (incoming.length === 0) return html``;
  const groups = group(incoming, (q) => q.predicate.value);
  const predicates = [...groups.keys()].sort((a, b) => cmp(words(a).reverse, words(b).reverse));
  return html`<section aria-labelledby="verwijzingen">
<h2 id="verwijzingen">Verwijzingen hierheen</h2>
<dl>
${predicates.map(
  (p) => html`<dt>${words(p).reverse}</dt>
<dd>${values(
    index,
    site,
    (groups.get(p) ?? []).map((q) => q.subject),
    PAGE_LIST_LIMIT,
  )}</dd>
`,
)}</dl>
</section>
`;
}

function values(index: ResourceIndex, site: Site, terms: Term[], limit = Infinity): Html {
  const seen = new Set<string>();
  const unique = terms.filter((t) => {
    const k = `${t.termType}|${t.value}|${t.termType === 'Literal' ? `${t.language}|${t.datatype.value}` : ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  // Each key once, before sorting: a keyword's page sorts thousands of projects, and a sort compares each value
  // many times.
  const sorted = unique
    .map((t) => ({ t, key: sortKey(index, t) }))
    .sort((a, b) => cmp(a.key, b.key))
    .map(({ t }) => t);
  if (sorted.length === 1) return value(index, site, sorted[0] as Term);
  const shown = sorted.slice(0, limit);
  const more = sorted.length - shown.length;
  return html`<ul>${shown.map((t) => html`<li>${value(index, site, t)}</li>`)}</ul>${more > 0 ? html`<p>En nog ${more}; de Turtle- en JSON-LD-versie van deze pagina noemen ze allemaal.</p>` : ''}`;
}

function sortKey(index: ResourceIndex, t: Term): string {
  if (t.termType === 'Literal') return `${t.language === 'nl' ? 0 : t.language === '' ? 1 : 2}${t.value}`;
  return `3${(shownLabel(index, t.value)?.value ?? t.value).toLowerCase()}`;
}

function value(index: ResourceIndex, site: Site, t: Term): Html {
  if (t.termType === 'Literal') {
    return t.language && t.language !== 'nl' ? html`<span lang="${t.language}">${t.value}</span>` : html`${t.value}`;
  }
  if (t.termType !== 'NamedNode') return html`${t.value}`;
  const label = shownLabel(index, t.value);
  const text = label?.value ?? t.value;
  const lang = label?.language && label.language !== 'nl' ? label.language : undefined;
  // A wiki source links to the wiki page itself when the record gives its address.
  const page = index
    .about(t.value)
    .find((q) => q.predicate.equals(RDFS('seeAlso')) && q.object.termType === 'NamedNode');
  if (page && /^https?:/i.test(page.object.value) && t.value.endsWith('#source')) {
    return html`<a href="${page.object.value}"${lang ? html` lang="${lang}"` : ''}>${text}</a>`;
  }
  if (t.value.startsWith(site.home) || /^(https?|mailto):/i.test(t.value)) {
    return html`<a href="${site.paths.href(t.value)}"${lang ? html` lang="${lang}"` : ''}>${text}</a>`;
  }
  return html`<code>${text}</code>`;
}

function group<T>(items: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const k = keyOf(i);
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  }
  return out;
}

function slugOf(iri: string): string {
  return localName(iri).replace(/[^a-zA-Z0-9-]/g, '-');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
