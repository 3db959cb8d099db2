// The list index against a naive reading of the same data (fast-check): every resource on exactly one page, filters
// and the search returning exactly what a plain filter over the records returns, in the one stable order; and after
// random edits applied as change sets, the same index as one built afresh.
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import oxigraph from 'oxigraph';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { FACETS, ListIndex, type ListQuery } from '../../src/serve/list-index.ts';
import { PAGE_SIZE, renderListPage } from '../../src/serve/list-pages.ts';
import { siteFor } from '../../src/publish/site.ts';
import { SCHEMA, SKOS, ownTerms, XSD } from '../../src/vocab.ts';
import type { ChangeSet } from '../../src/store/store.ts';

const BASE = 'https://lists.example/';
const STATUSES = ['planned', 'ongoing', 'completed', 'discontinued'] as const;
const WORDS = ['Café', 'cafe', 'Energie', 'energietransitie', 'wijk', 'Wijkaanpak', 'de', 'één', 'EEN', 'stad', 'Zorg'];
const site = siteFor(BASE, { name: 'Lijsten', licence: 'https://licence.example/', publisherName: 'Test' });

interface Project {
  id: string;
  name: string;
  english?: string;
  description?: string;
  programme?: number;
  keywords: number[];
  organisations: number[];
  status: (typeof STATUSES)[number];
  start?: number;
  end?: number;
}

interface Data {
  programmes: string[];
  keywords: string[];
  organisations: string[];
  projects: Project[];
}

const text = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));

const data: fc.Arbitrary<Data> = fc
  .record({
    programmes: fc.array(text, { minLength: 1, maxLength: 3 }),
    keywords: fc.array(text, { minLength: 1, maxLength: 5 }),
    organisations: fc.array(text, { minLength: 1, maxLength: 4 }),
    projects: fc.array(
      fc.record(
        {
          name: text,
          english: text,
          description: text,
          programme: fc.nat(2),
          keywords: fc.uniqueArray(fc.nat(4), { maxLength: 3 }),
          organisations: fc.uniqueArray(fc.nat(3), { maxLength: 3 }),
          status: fc.constantFrom(...STATUSES),
          start: fc.integer({ min: 2000, max: 2010 }),
          length: fc.integer({ min: 0, max: 5 }),
        },
        { requiredKeys: ['name', 'keywords', 'organisations', 'status'] },
      ),
      { maxLength: 130 },
    ),
  })
  .map((d) => ({
    programmes: d.programmes,
    keywords: d.keywords,
    organisations: d.organisations,
    projects: d.projects.map((p, i): Project => {
      const { length, ...rest } = p;
      return {
        ...rest,
        id: `p${i}`,
        programme: p.programme === undefined ? undefined : p.programme % d.programmes.length,
        keywords: p.keywords.filter((k) => k < d.keywords.length),
        organisations: p.organisations.filter((o) => o < d.organisations.length),
        ...(p.start !== undefined && length !== undefined ? { end: p.start + length } : {}),
      } as Project;
    }),
  }));

/** The statements a build would publish for the data, each record in a graph of its own. */
function quadsOf(d: Data, intro?: string): oxigraph.Quad[] {
  const quads: oxigraph.Quad[] = [];
  const t = ownTerms(BASE);
  const n = (iri: string) => oxigraph.namedNode(iri);
  // Each record in a graph of its own, as a build publishes them: the lists read the union.
  const add = (graph: string, s: string, p: string, o: oxigraph.Term): void => {
    quads.push(oxigraph.quad(n(s), n(p), o as never, n(`${BASE}graph/${graph}`)));
  };
  const name = SCHEMA('name').value;
  for (const code of STATUSES)
    add('dataset', t.statusConcept(code).value, SKOS('prefLabel').value, oxigraph.literal(code, 'nl'));
  if (intro !== undefined) add('dataset', `${BASE}dataset`, SCHEMA('description').value, oxigraph.literal(intro, 'nl'));
  for (const [i, label] of d.programmes.entries())
    add(`programme/${i}`, `${BASE}programme/g${i}`, name, oxigraph.literal(label));
  for (const [i, label] of d.organisations.entries())
    add(`organisation/${i}`, `${BASE}organisation/o${i}`, name, oxigraph.literal(label, 'nl'));
  for (const p of d.projects) {
    const s = `${BASE}project/${p.id}`;
    const g = `project/${p.id}`;
    add(g, s, name, oxigraph.literal(p.name, 'nl'));
    if (p.english !== undefined) add(g, s, name, oxigraph.literal(p.english, 'en'));
    if (p.description !== undefined) add(g, s, SCHEMA('description').value, oxigraph.literal(p.description, 'nl'));
    if (p.programme !== undefined) add(g, s, SCHEMA('parentOrganization').value, n(`${BASE}programme/g${p.programme}`));
    for (const k of p.keywords) {
      // The keyword's name sits in every project's graph that uses it, as in a build.
      add(g, `${BASE}keyword/k${k}`, name, oxigraph.literal(d.keywords[k]!, 'nl'));
      add(g, s, SCHEMA('keywords').value, n(`${BASE}keyword/k${k}`));
    }
    for (const o of p.organisations) add(g, s, SCHEMA('member').value, n(`${BASE}organisation/o${o}`));
    add(g, s, t.status.value, t.statusConcept(p.status));
    const year = (y: number) => oxigraph.literal(String(y), n(XSD('gYear').value));
    if (p.start !== undefined) add(g, s, SCHEMA('foundingDate').value, year(p.start));
    if (p.end !== undefined) add(g, s, SCHEMA('dissolutionDate').value, year(p.end));
  }
  return quads;
}

function storeOf(d: Data): EmbeddedStore {
  const store = new EmbeddedStore();
  for (const q of quadsOf(d)) store.oxigraph.add(q);
  return store;
}

/** The naive reading: lower case, accents dropped by NFD and the combining marks' block. */
const plain = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
const tokens = (s: string) =>
  plain(s)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

function naiveOrder(d: Data): Project[] {
  return [...d.projects].sort((a, b) => {
    const [x, y] = [plain(a.name), plain(b.name)];
    const [u, v] = [`project/${a.id}`, `project/${b.id}`];
    return x < y ? -1 : x > y ? 1 : u < v ? -1 : u > v ? 1 : 0;
  });
}

function naiveSearch(p: Project, q: string): boolean {
  const own = [p.name, p.english, p.description].filter((t) => t !== undefined).flatMap((t) => tokens(t!));
  return tokens(q).every((w) => own.some((t) => (w.length >= 3 ? t.includes(w) : t.startsWith(w))));
}

function naiveRan(p: Project, year: number): boolean {
  if (p.start === undefined || year < p.start) return false;
  if (p.end !== undefined) return year <= p.end;
  return p.status === 'planned' || p.status === 'ongoing' || year === p.start;
}

const ids = (index: ListIndex, ordinals: Uint32Array) => [...ordinals].map((o) => index.entry(o).local.slice(8));

interface Filter {
  programme?: number;
  keyword?: number;
  organisation?: number;
  status?: (typeof STATUSES)[number];
  year?: number;
  q?: string;
}

const filter: fc.Arbitrary<Filter> = fc.record(
  {
    programme: fc.nat(2),
    keyword: fc.nat(4),
    organisation: fc.nat(3),
    status: fc.constantFrom(...STATUSES),
    year: fc.integer({ min: 1999, max: 2016 }),
    q: fc
      .array(fc.constantFrom('erg', 'ENE', 'de', 'e', 'wijk', 'één', 'cafe', 'café', 'zo', 'x', 'transitie'), {
        minLength: 1,
        maxLength: 2,
      })
      .map((w) => w.join(' ')),
  },
  { requiredKeys: [] },
);

describe('the list index', () => {
  it('lists every project once, across the pages of its list, in the order of label then path', async () => {
    await fc.assert(
      fc.asyncProperty(data, async (d) => {
        const index = await ListIndex.build(storeOf(d), BASE);
        const expected = naiveOrder(d).map((p) => p.id);
        expect(ids(index, index.kind('project'))).toEqual(expected);
        const pages = Math.max(1, Math.ceil(d.projects.length / PAGE_SIZE));
        const onPages: string[] = [];
        for (let page = 1; page <= pages; page++) {
          const answer = renderListPage(index, site, '/list/project', new URLSearchParams({ page: String(page) }));
          expect(answer?.status).toBe(200);
          onPages.push(...[...answer!.body.matchAll(/<li><a href="\/project\/(p[0-9]+)">/g)].map((m) => m[1]!));
        }
        expect(onPages).toEqual(expected);
        const past = renderListPage(index, site, '/list/project', new URLSearchParams({ page: String(pages + 1) }));
        expect(past?.status).toBe(404);
      }),
      { numRuns: 40 },
    );
  });

  it('filters and searches to exactly the projects a plain filter over the records finds', async () => {
    await fc.assert(
      fc.asyncProperty(data, fc.array(filter, { minLength: 1, maxLength: 6 }), async (d, filters) => {
        const index = await ListIndex.build(storeOf(d), BASE);
        for (const f of filters) {
          const ordinal = (local: string) => index.find(local);
          const query = {
            kind: 'project',
            filters: {
              ...(f.programme === undefined
                ? {}
                : { programme: ordinal(`programme/g${f.programme % d.programmes.length}`)! }),
              ...(f.keyword === undefined ? {} : { keyword: ordinal(`keyword/k${f.keyword % d.keywords.length}`) }),
              ...(f.organisation === undefined
                ? {}
                : { organisation: ordinal(`organisation/o${f.organisation % d.organisations.length}`)! }),
              ...(f.status === undefined ? {} : { status: index.statuses.get(f.status)! }),
            },
            ...(f.year === undefined ? {} : { year: f.year }),
            ...(f.q === undefined ? {} : { q: f.q }),
          };
          const expected = naiveOrder(d)
            .filter((p) => f.programme === undefined || p.programme === f.programme % d.programmes.length)
            .filter((p) => f.keyword === undefined || p.keywords.includes(f.keyword % d.keywords.length))
            .filter(
              (p) => f.organisation === undefined || p.organisations.includes(f.organisation % d.organisations.length),
            )
            .filter((p) => f.status === undefined || p.status === f.status)
            .filter((p) => f.year === undefined || naiveRan(p, f.year))
            .filter((p) => f.q === undefined || naiveSearch(p, f.q))
            .map((p) => p.id);
          // A keyword no project names has no name in the store, so it is not listed and nothing can have it.
          if (query.filters.keyword === undefined && f.keyword !== undefined) {
            expect(expected).toEqual([]);
            continue;
          }
          expect(ids(index, index.query(query as ListQuery)), JSON.stringify(f)).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("a keyword's, an organisation's and a programme's lists hold exactly their projects", async () => {
    await fc.assert(
      fc.asyncProperty(data, async (d) => {
        const index = await ListIndex.build(storeOf(d), BASE);
        const listed = (path: string) =>
          [
            ...renderListPage(index, site, path, new URLSearchParams())!.body.matchAll(
              /<li><a href="\/project\/(p[0-9]+)">/g,
            ),
          ].map((m) => m[1]!);
        const firstPage = (keep: (p: Project) => boolean) =>
          naiveOrder(d)
            .filter(keep)
            .slice(0, PAGE_SIZE)
            .map((p) => p.id);
        d.keywords.forEach((_, k) => {
          if (index.find(`keyword/k${k}`) === undefined) return;
          expect(listed(`/list/keyword/k${k}`)).toEqual(firstPage((p) => p.keywords.includes(k)));
        });
        d.organisations.forEach((_, o) => {
          expect(listed(`/list/organisation/o${o}`)).toEqual(firstPage((p) => p.organisations.includes(o)));
        });
        d.programmes.forEach((_, g) => {
          expect(listed(`/list/programme/g${g}`)).toEqual(firstPage((p) => p.programme === g));
        });
      }),
      { numRuns: 25 },
    );
  });

  it('builds the same index when the store is asked page by page, as for a store that cuts long results', async () => {
    await fc.assert(
      fc.asyncProperty(data, fc.integer({ min: 8, max: 40 }), async (d, pageRows) => {
        const store = storeOf(d);
        const whole = await ListIndex.build(store, BASE);
        const paged = await ListIndex.build(store, BASE, { pageRows });
        const everything = (i: ListIndex) =>
          [...Array(i.size).keys()].map((o) => ({
            ...i.entry(o),
            keywords: [...i.linked('keyword', o)],
            organisations: [...i.linked('organisation', o)],
            programme: [...i.linked('programme', o)],
            status: [...i.linked('status', o)],
          }));
        expect(everything(paged)).toEqual(everything(whole));
        expect(ids(paged, paged.query({ q: 'de' }))).toEqual(ids(whole, whole.query({ q: 'de' })));
      }),
      { numRuns: 15 },
    );
  });
});

/** A build's store of the data: its dataset.nq and graphs.json in a temporary folder, loaded as the server loads. */
async function builtStore(quads: oxigraph.Quad[], state: string): Promise<EmbeddedStore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-list-apply-'));
  const graphs: Record<string, { hash: string; triples: number; offset: number; length: number }> = {};
  for (const q of quads) {
    const entry = graphs[q.graph.value] ?? { hash: '', triples: 0, offset: 0, length: 0 };
    entry.triples++;
    graphs[q.graph.value] = entry;
  }
  await writeFile(path.join(dir, 'dataset.nq'), new oxigraph.Store(quads).dump({ format: 'application/n-quads' }));
  const manifest = { format: 'projectgraph-graphs/1', sequence: 1, state, graphPrefix: `${BASE}graph/`, graphs };
  await writeFile(path.join(dir, 'graphs.json'), JSON.stringify({ ...manifest, dump: 'dataset.nq' }));
  return EmbeddedStore.load(dir);
}

/** The change set between two versions of the statements: every graph whose statements differ, with its new ones. */
function changeSetOf(
  before: oxigraph.Quad[],
  after: oxigraph.Quad[],
  from: string,
  to: string,
  seq: number,
): ChangeSet {
  const byGraph = (quads: oxigraph.Quad[]) => {
    const graphs = new Map<string, oxigraph.Quad[]>();
    for (const q of quads) graphs.set(q.graph.value, [...(graphs.get(q.graph.value) ?? []), q]);
    return graphs;
  };
  const text = (quads: oxigraph.Quad[] | undefined) =>
    (quads ?? [])
      .map((q) => q.toString())
      .sort()
      .join('\n');
  const [old, now] = [byGraph(before), byGraph(after)];
  const names = [...new Set([...old.keys(), ...now.keys()])].sort();
  const graphs = names
    .filter((name) => text(old.get(name)) !== text(now.get(name)))
    .map((name) => (now.has(name) ? { name, quads: now.get(name)! } : { name }));
  return { from, to, sequence: seq, graphs };
}

interface Edit {
  next: Data;
  fates: ('keep' | 'edit' | 'delete' | 'rename')[];
  renamed: boolean[];
  added: number;
  intro: string;
  /**
   * An edit of records only, the way an editor usually changes one: projects keep their ids and names and take the
   * rest from others, nothing is added, removed or renamed (the index then moves without laying out its order anew,
   * unless a keyword comes or goes with the projects that use it).
   */
  inPlace: boolean;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  next: data,
  fates: fc.array(fc.constantFrom('keep', 'keep', 'edit', 'delete', 'rename'), { maxLength: 130 }),
  renamed: fc.array(fc.boolean(), { maxLength: 5 }),
  added: fc.nat(6),
  intro: text,
  inPlace: fc.boolean(),
});

/** The data after an edit: projects edited, deleted, renamed (a new id) and added; shared names changed. */
function edited(d: Data, e: Edit, step: number): Data {
  const rename = <T>(pool: T[], from: T[]) =>
    pool.map((x, i) => (e.renamed[i] && from.length ? from[i % from.length]! : x));
  const fitted = (p: Project, id: string): Project => ({
    ...p,
    id,
    programme: p.programme === undefined ? undefined : p.programme % d.programmes.length,
    keywords: p.keywords.filter((k) => k < d.keywords.length),
    organisations: p.organisations.filter((o) => o < d.organisations.length),
  });
  const others = e.next.projects;
  if (e.inPlace) {
    return {
      ...d,
      projects: d.projects.map((p, i) => {
        const other = others.length > 0 && (e.fates[i] ?? 'keep') !== 'keep' ? others[i % others.length] : undefined;
        return other ? { ...fitted(other, p.id), name: p.name } : p;
      }),
    };
  }
  return {
    programmes: rename(d.programmes, e.next.programmes),
    keywords: rename(d.keywords, e.next.keywords),
    organisations: rename(d.organisations, e.next.organisations),
    projects: [
      ...d.projects.flatMap((p, i): Project[] => {
        const fate = e.fates[i] ?? 'keep';
        if (fate === 'delete') return [];
        if (fate === 'rename') return [{ ...p, id: `${p.id}r` }];
        if (fate === 'edit' && others.length > 0) return [fitted(others[i % others.length]!, p.id)];
        return [p];
      }),
      ...others.slice(0, e.added).map((p, j) => fitted(p, `n${step}x${j}`)),
    ],
  };
}

const localsOf = (i: ListIndex) => [...Array(i.size).keys()].map((o) => i.entry(o).local);
const equal = (a: string[], b: string[]) => a.length === b.length && a.every((x, k) => x === b[k]);

/** Everything a list page can show of an index. */
function everythingOf(i: ListIndex) {
  return {
    state: i.state,
    intro: i.intro,
    years: i.years,
    statuses: [...i.statuses],
    entries: [...Array(i.size).keys()].map((o) => ({
      ...i.entry(o),
      links: FACETS.map((f) => [...i.linked(f, o)]),
      projects: FACETS.map((f) => [...i.projectsOf(f, o)]),
      parts: [...i.subProgrammes(o)],
    })),
    searches: ['de', 'erg', 'één', 'CAFE', 'wijk zorg', 'transitie'].map((q) => [...i.query({ q })]),
    ran: [2003, 2008].map((year) => [...i.query({ kind: 'project', year })]),
  };
}

describe('the list index after a change set', () => {
  it('equals the index built afresh, and reads only the resources of the changed graphs', async () => {
    const ways = new Set<string>();
    await fc.assert(
      fc.asyncProperty(data, text, fc.array(edit, { minLength: 1, maxLength: 3 }), async (d, intro, edits) => {
        let quads = quadsOf(d, intro);
        const store = await builtStore(quads, 'state-0');
        let index = await ListIndex.build(store, BASE);
        let now = d;
        for (const [step, e] of edits.entries()) {
          const before = index;
          now = edited(now, e, step);
          const next = quadsOf(now, e.intro);
          const change = changeSetOf(quads, next, `state-${step}`, `state-${step + 1}`, step + 2);
          quads = next;
          await store.apply(change);
          const asked: string[] = [];
          const query = store.query.bind(store);
          store.query = (operation, options) => {
            asked.push(String(operation));
            return query(operation, options);
          };
          index = await index.apply(change, store);
          store.query = query;
          ways.add(index.via);
          // An edit of records in place leaves every resource where it was: the order is not laid out anew.
          if (e.inPlace) expect(index.via).toBe(equal(localsOf(before), localsOf(index)) ? 'in place' : 'laid out');
          // Only questions about named resources: nothing was read of the whole store.
          for (const q of asked) expect(q).toContain('VALUES ?s {');
          expect(everythingOf(index)).toEqual(everythingOf(await ListIndex.build(store, BASE)));
        }
      }),
      { numRuns: 25 },
    );
    // Both ways of moving an index were taken, and each was held to an index built afresh.
    expect([...ways].sort()).toEqual(['in place', 'laid out']);
  });
});

describe('list addresses', () => {
  const d: Data = {
    programmes: ['Programma één'],
    keywords: ['wijk'],
    organisations: ['Gemeente'],
    projects: [
      { id: 'p0', name: 'Energie', keywords: [0], organisations: [0], programme: 0, status: 'ongoing', start: 2001 },
    ],
  };

  it('answers bad parameters with 400 or 404 and a message, never an exception', async () => {
    const index = await ListIndex.build(storeOf(d), BASE);
    const ask = (path: string, query: string) => renderListPage(index, site, path, new URLSearchParams(query));
    const cases: [string, string, number][] = [
      ['/list/project', 'page=0', 400],
      ['/list/project', 'page=abc', 400],
      ['/list/project', 'page=2', 404],
      ['/list/project', 'page=99999999999999999999', 400],
      ['/list/project', `q=${'a'.repeat(201)}`, 400],
      ['/list/project', 'keyword=nope', 404],
      ['/list/project', 'status=nope', 404],
      ['/list/project', 'year=20x1', 400],
      ['/list/project', 'sort=name', 400],
      ['/list/project', 'q=a&q=b', 400],
      ['/list/organisation', 'keyword=k0', 400],
      ['/list/keyword/k0', 'keyword=k0', 400],
      ['/list/keyword/nope', '', 404],
      ['/list/nothing', '', 404],
      ['/list/project/p0/more', '', 404],
    ];
    for (const [path, query, status] of cases) {
      const answer = ask(path, query);
      expect(answer?.status, `${path}?${query}`).toBe(status);
      expect(answer?.message, `${path}?${query}`).toMatch(/\S/);
      expect(answer?.body).toContain(`HTTP ${status}`);
    }
    expect(ask('/list/project', 'q=&status=&year=')?.status).toBe(200);
    expect(ask('/project/p0', '')).toBeUndefined();
    expect(ask('/lists', '')).toBeUndefined();
  });

  it('writes its links with the parameters in one order, so a list has one address', async () => {
    const index = await ListIndex.build(storeOf(d), BASE);
    const answer = renderListPage(index, site, '/list/project', new URLSearchParams('year=2001&keyword=k0&q=energie'));
    expect(answer?.status).toBe(200);
    expect(answer?.body).toContain(
      `<link rel="canonical" href="${BASE}list/project?q=energie&#38;keyword=k0&#38;year=2001">`,
    );
    expect(answer?.body).toContain('<a href="/project/p0">Energie</a>');
  });
});
