// The served home page and list pages (each kind, a keyword's, an organisation's, a programme's projects): paged,
// ordered, filtered and searched from a ListIndex, in the published pages' layout, with plain GET forms and no script.
import { DATASET_PATHS } from '../dataset-iris.ts';
import { count, downloadList, type Download } from '../publish/home-page.ts';
import { html, shorten, type Html } from '../publish/html.ts';
import { SECTIONS } from '../publish/labels.ts';
import { layout, type Site } from '../publish/page-layout.ts';
import { homePageGraph, listPageJsonLd } from '../publish/page-jsonld.ts';
import { errorPage } from './error-page.ts';
import { FACETS, KINDS, type Facet, type ListIndex } from './list-index.ts';

/** Entries per page: a page of 50 projects with their descriptions is about 30 KB. */
export const PAGE_SIZE = 50;
/** Longer searches are refused: no name or description needs more, and the search costs by the words. */
export const MAX_QUERY_LENGTH = 200;
/** Values per facet offered to narrow a list. */
const FACET_VALUES = 12;
/** Programmes the home page names; the list of programmes has them all. */
const HOME_PROGRAMMES = 100;
/** Page numbers shown on each side of the current one. */
const PAGER_REACH = 2;

/** The kind whose resources are each facet's values, and the facet's Dutch name. */
const FACET_KIND: Record<Facet, { kind: string; word: string }> = {
  programme: { kind: 'programme', word: 'Programma' },
  keyword: { kind: 'keyword', word: 'Kernwoord' },
  organisation: { kind: 'organisation', word: 'Organisatie' },
  status: { kind: DATASET_PATHS.vocabulary, word: 'Status' },
};
/** Lists of one resource's projects, by the kind in their path (`list/keyword/clusters`), and their titles. */
const PROJECTS_OF: Record<string, { facet: Facet; title: (name: string) => string }> = {
  keyword: { facet: 'keyword', title: (n) => `Projecten met het kernwoord ${n}` },
  organisation: { facet: 'organisation', title: (n) => `Projecten waarbij ${n} betrokken is` },
  programme: { facet: 'programme', title: (n) => `Projecten in het programma ${n}` },
};
/** The parameters a list takes, in the order its links write them. */
const PARAMETERS = ['q', ...FACETS, 'year', 'page'] as const;

export interface ListAnswer {
  status: number;
  /** The HTML page: the list, or for an error status the error page. */
  body: string;
  /** For an error status: the message, for clients that want it as plain text (serve/error-page.ts errorBody). */
  message?: string;
}

/** What one list shows: the path it is at, and the query its parameters make. */
interface ListState {
  /** The list's path under the base ("list/project", "list/keyword/clusters"). */
  path: string;
  kind: string | undefined;
  /** The facet the path fixes (the keyword of list/keyword/clusters), which no parameter may change. */
  fixed: { facet: Facet; value: number } | undefined;
  q: string;
  filters: Partial<Record<Facet, number>>;
  year: number | undefined;
  page: number;
}

class BadRequest {
  constructor(
    readonly status: 400 | 404,
    readonly message: string,
  ) {}
}

/** The home page: counts of every kind with links to their lists, a search box, the programmes, the downloads. */
export function renderHome(index: ListIndex, site: Site, downloads: Download[]): string {
  const p = site.paths;
  const listHref = (kind?: string) =>
    p.file(kind === undefined ? DATASET_PATHS.lists : `${DATASET_PATHS.lists}/${kind}`);
  const intro = index.intro ?? '';
  const programmes = index.kind('programme');
  const shown = [...programmes.subarray(0, HOME_PROGRAMMES)];
  const main = html`<h1>${site.name}</h1>
${intro ? html`<p class="lead">${intro}</p>\n` : ''}${searchForm(listHref(), 'q', '', 'Zoeken in de dataset', html``)}
${
  programmes.length === 0
    ? ''
    : html`<section aria-labelledby="programmas-overzicht">
<h2 id="programmas-overzicht">Programma's en hun projecten</h2>
<ul>
${shown.map((o) => {
  const e = index.entry(o);
  const projects = index.projectsOf('programme', o).length;
  const parts = index.subProgrammes(o).length;
  const summary = [
    count(projects, 'project', 'projecten'),
    ...(parts > 0 ? [count(parts, 'deelprogramma', 'deelprogramma’s')] : []),
  ].join(', ');
  return html`<li><a href="${p.href(site.home + e.local)}">${e.label}</a> — <a href="${listHref(e.local)}">${summary}</a></li>\n`;
})}</ul>
${programmes.length > shown.length ? html`<p><a href="${listHref('programme')}">Alle ${programmes.length} programma's</a></p>\n` : ''}</section>
`
}<section aria-labelledby="inhoud-overzicht">
<h2 id="inhoud-overzicht">Wat de dataset bevat</h2>
<ul class="counts">
${SECTIONS.filter((s) => index.count(s.segment) > 0).map((s) => html`<li><a href="${listHref(s.segment)}">${s.title}</a>: ${index.count(s.segment)}</li>\n`)}</ul>
</section>
${downloadList(site, downloads)}`;
  return layout(site, {
    title: site.name,
    description: shorten(intro || site.name),
    canonical: site.home,
    jsonld: homePageGraph(site.home, site.name, {
      '@id': site.dataset,
      '@type': 'Dataset',
      name: { '@value': site.name, '@language': 'nl' },
    }),
    alternates: downloads.map((d) => ({ type: d.mediaType, href: p.file(d.file), title: d.title })),
    crumbs: [{ iri: site.home, name: 'Home' }],
    main,
  });
}

/**
 * A list page, for a request path (`/list/project`, with the base's own path in front when it has one) and its
 * query parameters; undefined when the path is no list's, so the caller answers it otherwise.
 */
export function renderListPage(
  index: ListIndex,
  site: Site,
  path: string,
  params: URLSearchParams,
): ListAnswer | undefined {
  const root = site.paths.root;
  if (!path.startsWith(root)) return undefined;
  const local = path.slice(root.length);
  if (local !== DATASET_PATHS.lists && !local.startsWith(`${DATASET_PATHS.lists}/`)) return undefined;
  try {
    const state = parse(index, local, params);
    return { status: 200, body: listPage(index, site, state) };
  } catch (e) {
    if (!(e instanceof BadRequest)) throw e;
    return { status: e.status, message: e.message, body: errorPage(e.status, e.message, site) };
  }
}

function parse(index: ListIndex, path: string, params: URLSearchParams): ListState {
  const segments = path.split('/');
  let kind: string | undefined;
  let fixed: ListState['fixed'];
  if (segments.length === 2 && KINDS.includes(segments[1]!)) {
    kind = segments[1];
  } else if (segments.length === 3 && PROJECTS_OF[segments[1]!] !== undefined) {
    const facet = PROJECTS_OF[segments[1]!]!.facet;
    const value = index.find(`${segments[1]}/${segments[2]}`);
    if (value === undefined) throw new BadRequest(404, `there is no ${segments[1]} ${JSON.stringify(segments[2])}`);
    kind = 'project';
    fixed = { facet, value };
  } else if (segments.length !== 1) {
    throw new BadRequest(404, `there is no list at /${path}`);
  }
  for (const name of new Set(params.keys())) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      throw new BadRequest(400, `unknown parameter ${JSON.stringify(name)}; a list takes ${PARAMETERS.join(', ')}`);
    }
    if (params.getAll(name).length > 1) throw new BadRequest(400, `the parameter ${name} is given more than once`);
  }
  // A form's "all" choice sends the parameter empty: that is the parameter left out.
  const given = (name: string): string | undefined => {
    const v = params.get(name);
    return v === null || v === '' ? undefined : v;
  };
  const q = given('q') ?? '';
  if (q.length > MAX_QUERY_LENGTH) {
    throw new BadRequest(400, `the search is ${q.length} characters long; at most ${MAX_QUERY_LENGTH} are searched`);
  }
  const filters: ListState['filters'] = {};
  if (fixed !== undefined) filters[fixed.facet] = fixed.value;
  for (const facet of FACETS) {
    const id = given(facet);
    if (id === undefined) continue;
    if (kind !== 'project') throw new BadRequest(400, `the filter ${facet} applies to lists of projects only`);
    if (fixed?.facet === facet) throw new BadRequest(400, `this list's ${facet} is given by its address`);
    const value = facet === 'status' ? index.statuses.get(id) : index.find(`${FACET_KIND[facet].kind}/${id}`);
    if (value === undefined) throw new BadRequest(404, `there is no ${facet} ${JSON.stringify(id)}`);
    filters[facet] = value;
  }
  let year: number | undefined;
  const yearText = given('year');
  if (yearText !== undefined) {
    if (kind !== 'project') throw new BadRequest(400, 'the filter year applies to lists of projects only');
    if (!/^[0-9]{4}$/.test(yearText))
      throw new BadRequest(400, `the year must have four digits, not ${JSON.stringify(yearText)}`);
    year = Number(yearText);
  }
  const pageText = given('page') ?? '1';
  if (!/^[1-9][0-9]{0,8}$/.test(pageText)) {
    throw new BadRequest(400, `the page must be a number from 1, not ${JSON.stringify(pageText.slice(0, 40))}`);
  }
  return { path, kind, fixed, q, filters, year, page: Number(pageText) };
}

/** A list's address with the given state: parameters in one order, empty ones and page 1 left out. */
function address(index: ListIndex, site: Site, state: ListState, change: Partial<ListState> = {}): string {
  const s = { ...state, ...change, filters: { ...state.filters, ...change.filters } };
  const out = new URLSearchParams();
  if (s.q !== '') out.set('q', s.q);
  for (const facet of FACETS) {
    const v = s.filters[facet];
    if (v !== undefined && s.fixed?.facet !== facet) out.set(facet, idOf(index, v));
  }
  if (s.year !== undefined) out.set('year', String(s.year));
  if (s.page > 1) out.set('page', String(s.page));
  const query = out.toString();
  return site.paths.file(s.path) + (query === '' ? '' : `?${query}`);
}

function listPage(index: ListIndex, site: Site, state: ListState): string {
  const results = index.query({
    ...(state.kind === undefined ? {} : { kind: state.kind }),
    ...(state.q === '' ? {} : { q: state.q }),
    filters: state.filters,
    ...(state.year === undefined ? {} : { year: state.year }),
  });
  const pages = Math.max(1, Math.ceil(results.length / PAGE_SIZE));
  if (state.page > pages) {
    throw new BadRequest(404, `page ${state.page} is past the last page of this list, ${pages}`);
  }
  const href = (change: Partial<ListState> = {}) => address(index, site, state, change);
  const projects = state.kind === 'project';
  const section = SECTIONS.find((s) => s.segment === state.kind);
  const title =
    state.fixed !== undefined
      ? PROJECTS_OF[state.path.split('/')[1]!]!.title(index.entry(state.fixed.value).label)
      : (section?.title ?? 'Alles in de dataset');
  const first = (state.page - 1) * PAGE_SIZE;
  const shown = results.subarray(first, first + PAGE_SIZE);
  const p = site.paths;
  const remove = (facet: Facet) => href({ filters: { [facet]: undefined }, page: 1 });
  const active = FACETS.filter((f) => state.filters[f] !== undefined && state.fixed?.facet !== f);
  const main = html`<h1>${title}</h1>
${
  state.fixed === undefined
    ? ''
    : html`<p>Over ${index.entry(state.fixed.value).label}: <a href="${p.href(site.home + index.entry(state.fixed.value).local)}">de pagina van ${FACET_KIND[state.fixed.facet].word.toLowerCase()}</a>.</p>\n`
}${searchForm(p.file(state.path), 'q', state.q, 'Zoeken in de namen en beschrijvingen', projects ? filterFields(index, state) : html``)}
${
  active.length === 0 && state.year === undefined && state.q === ''
    ? ''
    : html`<ul class="active-filters" aria-label="Gekozen filters">
${state.q === '' ? '' : html`<li>Zoekwoorden: ${state.q} (<a href="${href({ q: '', page: 1 })}">weghalen</a>)</li>\n`}${active.map((f) => html`<li>${FACET_KIND[f].word}: ${index.entry(state.filters[f]!).label} (<a href="${remove(f)}">weghalen</a>)</li>\n`)}${state.year === undefined ? '' : html`<li>Jaar: ${state.year} (<a href="${href({ year: undefined, page: 1 })}">weghalen</a>)</li>\n`}</ul>
`
}<p class="result-count" id="resultaten">${results.length === 0 ? 'Niets gevonden.' : html`${count(results.length, 'resultaat', 'resultaten')}${pages > 1 ? `, ${first + 1}–${first + shown.length} op deze pagina` : ''}.`}</p>
${
  shown.length === 0
    ? ''
    : html`<ol class="results" start="${first + 1}" aria-labelledby="resultaten">
${[...shown].map((o) => row(index, site, o, state.kind === undefined))}</ol>
`
}${pager(state, pages, href)}${projects ? facetLinks(index, state, results, href) : ''}`;
  const crumbs = [
    { iri: site.home, name: 'Home' },
    ...(state.fixed === undefined
      ? []
      : [{ iri: site.home + index.entry(state.fixed.value).local, name: index.entry(state.fixed.value).label }]),
    { iri: site.home + state.path, name: title },
  ];
  const canonical = site.home + href().slice(p.root.length);
  const pageTitle = state.page > 1 ? `${title}, pagina ${state.page}` : title;
  return layout(site, {
    title: pageTitle,
    description: shorten(`${title}: ${count(results.length, 'resultaat', 'resultaten')} in ${site.name}.`),
    canonical,
    jsonld: listPageJsonLd(site.home, site.name, canonical, pageTitle, crumbs),
    alternates: [],
    crumbs,
    main,
  });
}

/** A facet value's id in a list's address: the last segment of its path ("clusters", "completed"). */
function idOf(index: ListIndex, value: number): string {
  const local = index.entry(value).local;
  return local.slice(local.lastIndexOf('/') + 1);
}

function row(index: ListIndex, site: Site, ordinal: number, withKind: boolean): Html {
  const e = index.entry(ordinal);
  const meta: string[] = [];
  if (withKind) meta.push(SECTIONS.find((s) => s.segment === e.kind)?.one ?? e.kind);
  if (e.kind === 'project') {
    if (e.startYear !== undefined) {
      meta.push(
        e.endYear === undefined
          ? `vanaf ${e.startYear}`
          : e.endYear === e.startYear
            ? `${e.startYear}`
            : `${e.startYear}–${e.endYear}`,
      );
    }
    for (const s of index.linked('status', ordinal)) meta.push(index.entry(s).label);
  }
  return html`<li><a href="${site.paths.href(site.home + e.local)}">${e.label}</a>${meta.length > 0 ? html` <span class="meta">${meta.join(' · ')}</span>` : ''}${e.description === undefined ? '' : html`<p>${e.description}</p>`}</li>\n`;
}

function searchForm(action: string, name: string, value: string, label: string, extra: Html): Html {
  return html`<form class="list-search" method="get" action="${action}" role="search">
<p><label for="zoek">${label}</label>
<input type="search" id="zoek" name="${name}" value="${value}" maxlength="${MAX_QUERY_LENGTH}">
${extra}<button type="submit">Zoeken</button></p>
</form>`;
}

/** The status and year choices, and the chosen programme, keyword and organisation kept when the form is sent. */
function filterFields(index: ListIndex, state: ListState): Html {
  const hidden = (['programme', 'keyword', 'organisation'] as const).filter(
    (f) => state.filters[f] !== undefined && state.fixed?.facet !== f,
  );
  return html`${hidden.map((f) => html`<input type="hidden" name="${f}" value="${idOf(index, state.filters[f]!)}">\n`)}<label for="status">Status</label>
<select id="status" name="status">
<option value="">alle</option>
${[...index.statuses].map(([code, o]) => html`<option value="${code}"${state.filters.status === o ? ' selected' : ''}>${index.entry(o).label}</option>\n`)}</select>
<label for="jaar">Liep in</label>
<select id="jaar" name="year">
<option value="">elk jaar</option>
${index.years.map((y) => html`<option${state.year === y ? ' selected' : ''}>${y}</option>\n`)}</select>
`;
}

/** The most frequent programmes, keywords and organisations among the results, each a link that narrows the list. */
function facetLinks(
  index: ListIndex,
  state: ListState,
  results: Uint32Array,
  href: (change: Partial<ListState>) => string,
): Html {
  const groups = (['programme', 'keyword', 'organisation'] as const)
    .filter((f) => state.filters[f] === undefined)
    .map((f) => ({ facet: f, values: index.facetCounts(f, results, FACET_VALUES) }))
    .filter((g) => g.values.length > 0);
  if (groups.length === 0) return html``;
  return html`<section class="facets" aria-labelledby="verfijnen">
<h2 id="verfijnen">Verfijnen</h2>
${groups.map(
  (g) => html`<h3>${FACET_KIND[g.facet].word}</h3>
<ul>
${g.values.map((v) => html`<li><a href="${href({ filters: { [g.facet]: v.value }, page: 1 })}">${index.entry(v.value).label}</a> (${v.count})</li>\n`)}</ul>
`,
)}</section>
`;
}

function pager(state: ListState, pages: number, href: (change: Partial<ListState>) => string): Html {
  if (pages <= 1) return html``;
  const page = state.page;
  const numbers = new Set([1, pages]);
  for (let i = page - PAGER_REACH; i <= page + PAGER_REACH; i++) if (i >= 1 && i <= pages) numbers.add(i);
  const sorted = [...numbers].sort((a, b) => a - b);
  const items: Html[] = [];
  sorted.forEach((n, i) => {
    if (i > 0 && n - sorted[i - 1]! > 1) items.push(html`<li class="gap">…</li>\n`);
    items.push(
      n === page
        ? html`<li><span aria-current="page">${n}</span></li>\n`
        : html`<li><a href="${href({ page: n })}">${n}</a></li>\n`,
    );
  });
  return html`<nav class="pager" aria-label="Pagina's">
<ul>
${page > 1 ? html`<li><a href="${href({ page: page - 1 })}" rel="prev">Vorige</a></li>\n` : ''}${items}${page < pages ? html`<li><a href="${href({ page: page + 1 })}" rel="next">Volgende</a></li>\n` : ''}</ul>
</nav>
`;
}
