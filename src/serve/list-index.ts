// The index behind the home page and the list pages: every listed resource with its label, short description and
// facets, read from a Store once per store state by a few SPARQL queries, in one stable order, with a word search.
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { DATASET_PATHS, datasetIris } from '../dataset-iris.ts';
import { InternalError } from '../errors.ts';
import { shorten } from '../publish/html.ts';
import { SECTIONS } from '../publish/labels.ts';
import { DCT, FOAF, RDFS, SCHEMA, SKOS, VCARD, ownTerms } from '../vocab.ts';
import type { ChangeSet, Store } from '../store/store.ts';

/** Properties that name a thing, best first (as the pages name it: publish/resource-index.ts). */
const LABELS = [SCHEMA('name'), SKOS('prefLabel'), DCT('title'), FOAF('name'), VCARD('fn'), RDFS('label')];
const DESCRIPTIONS = [SCHEMA('description'), SKOS('definition'), RDFS('comment'), DCT('description')];
/** The languages a label is picked in, best first; any other language comes after them. */
const LANGUAGES = ['nl', '', 'en'];
/** The kinds the lists show: the home page's sections, by the first segment of a resource's path. */
export const KINDS: readonly string[] = SECTIONS.map((s) => s.segment);
/** Facets a project list is filtered by: each is a link from the project to another listed resource. */
export const FACETS = ['programme', 'keyword', 'organisation', 'status'] as const;
export type Facet = (typeof FACETS)[number];
/** Statuses whose projects without an end year still run. */
const RUNNING = new Set(['planned', 'ongoing']);
/** How long a short description may be: one line in a list. */
const SHORT = 160;
/** Words of a search used at most; the rest of a query is ignored. */
const MAX_WORDS = 10;
/** Answers of query() kept: a visitor paging through a search asks the same query for each page. */
const MEMO_QUERIES = 32;
/** Shorter query words match only the start of a word: "de" would otherwise match most of the text. */
const SUBSTRING_FROM = 3;

export interface ListIndexOptions {
  /**
   * Rows per query, for stores that cut a result at a maximum (Virtuoso's ResultSetMaxRows is 10,000): the
   * queries are then asked page by page, by subject. Without it each query is asked once, whole.
   */
  pageRows?: number;
}

export interface Entry {
  ordinal: number;
  /** The resource's path under the base IRI ("project/cluster-governance-kks-2015"). */
  local: string;
  kind: string;
  label: string;
  description: string | undefined;
  startYear: number | undefined;
  endYear: number | undefined;
}

export interface ListQuery {
  /** A kind of KINDS; undefined: every kind. */
  kind?: string;
  /** Words that must each occur (as a word, or inside one from SUBSTRING_FROM characters) in a name or description. */
  q?: string;
  /** Ordinals of the resources a project must link to, per facet. */
  filters?: Partial<Record<Facet, number>>;
  /** Projects that ran in this year. */
  year?: number;
}

/** Links of one relation as two parallel lists of ordinals: from[i] → to[i]. */
interface Links {
  from: number[];
  to: number[];
}

/** Rows of ordinals in compressed sparse form: row i is values[start[i]] up to values[start[i + 1]]. */
interface Rows {
  start: Uint32Array;
  values: Uint32Array;
}

/** The rows of every ordinal from links (keys → values), each row sorted and without repeats. */
function rowsOf(size: number, keys: readonly number[], values: readonly number[]): Rows {
  const rawStart = new Uint32Array(size + 1);
  for (const a of keys) rawStart[a + 1]! += 1;
  for (let i = 0; i < size; i++) rawStart[i + 1]! += rawStart[i]!;
  const fill = rawStart.slice(0, size);
  const raw = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) raw[fill[keys[i]!]!++] = values[i]!;
  const start = new Uint32Array(size + 1);
  const all = new Uint32Array(keys.length);
  let n = 0;
  for (let a = 0; a < size; a++) {
    const row = raw.subarray(rawStart[a]!, rawStart[a + 1]!).sort();
    for (let k = 0; k < row.length; k++) if (k === 0 || row[k] !== row[k - 1]) all[n++] = row[k]!;
    start[a + 1] = n;
  }
  return { start, values: all.slice(0, n) };
}

/** The same links the other way round: walked in key order, so every row of the result comes out sorted. */
function inverted(size: number, rows: Rows): Rows {
  const start = new Uint32Array(size + 1);
  for (const b of rows.values) start[b + 1]! += 1;
  for (let i = 0; i < size; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, size);
  const values = new Uint32Array(rows.values.length);
  for (let a = 0; a < size; a++)
    for (let k = rows.start[a]!; k < rows.start[a + 1]!; k++) values[fill[rows.values[k]!]!++] = a;
  return { start, values };
}

/** The rows with some replaced (each given sorted, without repeats); the runs between them are copied whole. */
function withRows(size: number, rows: Rows, replaced: ReadonlyMap<number, Uint32Array>): Rows {
  const changed = [...replaced.keys()].sort((a, b) => a - b);
  let delta = 0;
  for (const r of changed) delta += replaced.get(r)!.length - (rows.start[r + 1]! - rows.start[r]!);
  const start = new Uint32Array(size + 1);
  const values = new Uint32Array(rows.values.length + delta);
  let shift = 0;
  let from = 0;
  for (const r of [...changed, size]) {
    // Rows from..r-1 are kept: their values move by the shift so far.
    values.set(rows.values.subarray(rows.start[from]!, rows.start[r]!), rows.start[from]! + shift);
    for (let i = from + 1; i <= r; i++) start[i] = rows.start[i]! + shift;
    if (r === size) break;
    const row = replaced.get(r)!;
    values.set(row, start[r]!);
    shift += row.length - (rows.start[r + 1]! - rows.start[r]!);
    start[r + 1] = rows.start[r + 1]! + shift;
    from = r + 1;
  }
  return { start, values };
}

/** Whether a row holds exactly these values. */
function sameRow(rows: Rows, r: number, values: Uint32Array): boolean {
  const at = rows.start[r]!;
  if (rows.start[r + 1]! - at !== values.length) return false;
  for (let k = 0; k < values.length; k++) if (rows.values[at + k] !== values[k]) return false;
  return true;
}

/** One link relation between listed resources, both ways, as sorted ordinal lists (compressed sparse rows). */
class Relation {
  private constructor(
    private readonly size: number,
    private readonly forwardRows: Rows,
    private readonly reverseRows: Rows,
  ) {}

  /**
   * The relation of the links from[i] → to[i], repeats dropped. Laid out by counting rather than by sorting the
   * pairs: a comparison sort of every link would be most of a new index's time.
   */
  static of(size: number, from: readonly number[], to: readonly number[]): Relation {
    const forward = rowsOf(size, from, to);
    return new Relation(size, forward, inverted(size, forward));
  }

  /**
   * This relation with the targets of some sources (`side` 'targets') or the sources of some targets ('sources')
   * replaced; itself when nothing differs. Each given row is sorted and without repeats.
   */
  replacing(side: 'targets' | 'sources', replaced: ReadonlyMap<number, Uint32Array>): Relation {
    const rows = side === 'targets' ? this.forwardRows : this.reverseRows;
    const differing = new Map([...replaced].filter(([r, values]) => !sameRow(rows, r, values)));
    if (differing.size === 0) return this;
    const next = withRows(this.size, rows, differing);
    const other = inverted(this.size, next);
    return side === 'targets' ? new Relation(this.size, next, other) : new Relation(this.size, other, next);
  }

  targets(source: number): Uint32Array {
    const { start, values } = this.forwardRows;
    return values.subarray(start[source]!, start[source + 1]!);
  }

  sources(target: number): Uint32Array {
    const { start, values } = this.reverseRows;
    return values.subarray(start[target]!, start[target + 1]!);
  }

  /** Adds one to counts[t] for every link from the sources to t; returns the targets counted from zero. */
  countTargets(sources: Uint32Array, counts: Uint32Array): number[] {
    const touched: number[] = [];
    const { start, values: forward } = this.forwardRows;
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i]!;
      for (let k = start[s]!; k < start[s + 1]!; k++) {
        const t = forward[k]!;
        if (counts[t] === 0) touched.push(t);
        counts[t]! += 1;
      }
    }
    return touched;
  }

  /** Whether any source links to the target. */
  hasSources(target: number): boolean {
    const { start } = this.reverseRows;
    return start[target + 1]! > start[target]!;
  }
}

/** Lower case without accents: "Één" and "een" are the same word to a search, and sort together. */
export function fold(text: string): string {
  // ASCII has no accents to take off: most text skips the Unicode work, which is most of an index's build.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

const NON_ASCII = /[^\x00-\x7f]/;

function words(text: string): string[] {
  const folded = fold(text);
  // In folded ASCII the letters and digits are exactly a-z and 0-9.
  return (NON_ASCII.test(folded) ? folded.match(/[\p{L}\p{N}]+/gu) : folded.match(/[a-z0-9]+/g)) ?? [];
}

/** The words of every listed resource, each word once, with the resources it occurs in. */
class WordIndex {
  /** "\n" + every distinct word, sorted, each followed by "\n": one string that indexOf scans at native speed. */
  private readonly text: string;
  /** Where each word starts in `text`. */
  private readonly starts: Uint32Array;
  private readonly postingStart: Uint32Array;
  private readonly postings: Uint32Array;
  private scratch: Uint8Array;

  private constructor(
    private readonly size: number,
    private readonly layout: WordLayout,
    /** Per word, by its place in the layout, the ordinals of the resources holding it, ascending. */
    rows: Rows,
  ) {
    this.starts = layout.starts;
    this.text = layout.text;
    this.postingStart = rows.start;
    this.postings = rows.values;
    this.scratch = new Uint8Array(size);
  }

  static of(size: number, wordsOf: (ordinal: number) => readonly number[], layout: WordLayout): WordIndex {
    const { rank } = layout;
    const count = layout.starts.length;
    const start = new Uint32Array(count + 1);
    for (let o = 0; o < size; o++) for (const w of wordsOf(o)) start[rank[w]! + 1]! += 1;
    for (let i = 0; i < count; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, count);
    const values = new Uint32Array(start[count]!);
    for (let o = 0; o < size; o++) for (const w of wordsOf(o)) values[fill[rank[w]!]!++] = o;
    return new WordIndex(size, layout, { start, values });
  }

  /**
   * The index after some resources' words changed (ids before and after, the resources keeping their ordinals), laid
   * out by `layout`: this one's, or the dictionary's after it grew. Rows of the words no change names are copied.
   */
  replacing(layout: WordLayout, changes: readonly { ordinal: number; before: number[]; after: number[] }[]): WordIndex {
    const lose = new Map<number, Set<number>>();
    const gain = new Map<number, number[]>();
    for (const { ordinal, before, after } of changes) {
      const was = new Set(before);
      const now = new Set(after);
      for (const w of before) if (!now.has(w)) (lose.get(w) ?? lose.set(w, new Set()).get(w)!).add(ordinal);
      for (const w of after) if (!was.has(w)) (gain.get(w) ?? gain.set(w, []).get(w)!).push(ordinal);
    }
    if (lose.size === 0 && gain.size === 0 && layout === this.layout) return this;
    const old = this.layout;
    const known = old.starts.length;
    const rowOf = (w: number) =>
      w < known
        ? this.postings.subarray(this.postingStart[old.rank[w]!]!, this.postingStart[old.rank[w]! + 1]!)
        : new Uint32Array(0);
    const count = layout.starts.length;
    const start = new Uint32Array(count + 1);
    for (let r = 0; r < count; r++) {
      const w = layout.order[r]!;
      start[r + 1] = start[r]! + rowOf(w).length - (lose.get(w)?.size ?? 0) + (gain.get(w)?.length ?? 0);
    }
    const values = new Uint32Array(start[count]!);
    for (let r = 0; r < count; r++) {
      const w = layout.order[r]!;
      const row = rowOf(w);
      const out = lose.get(w);
      const into = gain.get(w);
      if (out === undefined && into === undefined) {
        values.set(row, start[r]!);
        continue;
      }
      const kept = out === undefined ? [...row] : [...row].filter((o) => !out.has(o));
      values.set(Uint32Array.from([...kept, ...(into ?? [])]).sort(), start[r]!);
    }
    return new WordIndex(this.size, layout, { start, values });
  }

  /** The word (its rank) that the character at `offset` of `text` belongs to. */
  private wordAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The words containing `part` (or starting with it, for a short one). */
  private matching(part: string): number[] {
    const found: number[] = [];
    const needle = part.length >= SUBSTRING_FROM ? part : `\n${part}`;
    let from = 0;
    for (;;) {
      const hit = this.text.indexOf(needle, from);
      if (hit === -1) return found;
      const word = this.wordAt(needle === part ? hit : hit + 1);
      found.push(word);
      // On to the next word: one that holds the part twice counts once.
      from = word + 1 < this.starts.length ? this.starts[word + 1]! - (needle === part ? 0 : 1) : this.text.length;
    }
  }

  /** Ordinals of the resources holding every word of the query, in order; undefined for a query without words. */
  search(query: string): Uint32Array | undefined {
    const parts = [...new Set(words(query))].slice(0, MAX_WORDS);
    if (parts.length === 0) return undefined;
    // scratch[o] counts the parts resource o matched so far; each part raises it only from the count before it.
    const seen = this.scratch;
    seen.fill(0);
    const hits: number[] = [];
    parts.forEach((part, i) => {
      for (const w of this.matching(part)) {
        for (let k = this.postingStart[w]!; k < this.postingStart[w + 1]!; k++) {
          const o = this.postings[k]!;
          if (seen[o] === i) {
            seen[o] = i + 1;
            if (i === parts.length - 1) hits.push(o);
          }
        }
      }
    });
    return Uint32Array.from(hits).sort();
  }
}

/**
 * Each distinct ?s and ?o of a pattern, asked of the store whole or page by page. `grouped`: the pattern binds ?v to
 * IRIs, asked one row per subject (GROUP_CONCAT), since a row costs more than its text in every store.
 */
async function* subjectsAndObjects(
  store: Store,
  pattern: string,
  pageRows: number | undefined,
  grouped = false,
): AsyncGenerator<[string, RDF.Term]> {
  // The union holds a triple once per graph that states it (a keyword's name, in each of its projects).
  const head = grouped ? 'SELECT ?s (GROUP_CONCAT(DISTINCT STR(?v); separator=" ") AS ?o)' : 'SELECT DISTINCT ?s ?o';
  const tail = grouped ? ' GROUP BY ?s' : '';
  const expand = (row: [string, RDF.Term]): [string, RDF.Term][] =>
    grouped ? row[1].value.split(' ').map((iri) => [row[0], DataFactory.namedNode(iri)]) : [row];
  if (pageRows === undefined) {
    for await (const row of select(store, `${head} WHERE { ${pattern} }${tail}`)) yield* expand(row);
    return;
  }
  // Paged by subject, not OFFSET: the last subject of a full page may be cut, so the next page starts again at it.
  let after: string | undefined;
  for (;;) {
    const from = after === undefined ? '' : ` FILTER(STR(?s) >= ${JSON.stringify(after)})`;
    const page: [string, RDF.Term][] = [];
    for await (const row of select(
      store,
      `${head} WHERE { ${pattern}${from} }${tail} ORDER BY STR(?s) LIMIT ${pageRows}`,
    ))
      page.push(row);
    if (page.length < pageRows) {
      for (const row of page) yield* expand(row);
      return;
    }
    const last = page[page.length - 1]![0];
    if (page[0]![0] === last) {
      throw new InternalError(`more than ${pageRows} rows of { ${pattern} } for <${last}>: raise pageRows`);
    }
    for (const row of page) if (row[0] !== last) yield* expand(row);
    after = last;
  }
}

async function* select(store: Store, query: string): AsyncGenerator<[string, RDF.Term]> {
  const result = await store.query(query);
  if (result.type !== 'bindings') throw new InternalError(`the store answered a SELECT with ${result.type}`);
  for await (const row of result.bindings) {
    const s = row.get('s');
    const o = row.get('o');
    if (s?.termType === 'NamedNode' && o !== undefined) yield [s.value, o];
  }
}

/** Rank of a literal among a property's values: the property's rank first, then its language's. */
function literalRank(propertyRank: number, term: RDF.Literal): number {
  const lang = LANGUAGES.indexOf(term.language);
  return propertyRank * (LANGUAGES.length + 1) + (lang === -1 ? LANGUAGES.length : lang);
}

interface Best {
  rank: number;
  value: string;
}

/** The better of two values: the better rank; between equal ranks the smaller text, so every store gives one choice. */
function better(old: Best | undefined, rank: number, value: string): Best {
  return old === undefined || rank < old.rank || (rank === old.rank && value < old.value) ? { rank, value } : old;
}

/** Links the lists follow, by their place in the properties' table. */
const PARENT = 0;
const KEYWORDS = 1;
const MEMBER = 2;
const STATUS = 3;

/** What the index reads a property for, and the property's rank among those of its role (labels, descriptions). */
interface Property {
  iri: string;
  role: 'label' | 'alternate' | 'description' | 'link' | 'start' | 'end';
  rank: number;
}

function propertiesOf(base: string): Property[] {
  const links = [SCHEMA('parentOrganization'), SCHEMA('keywords'), SCHEMA('member'), ownTerms(base).status];
  return [
    ...LABELS.map((p, rank): Property => ({ iri: p.value, role: 'label', rank })),
    { iri: SCHEMA('alternateName').value, role: 'alternate', rank: 0 },
    ...DESCRIPTIONS.map((p, rank): Property => ({ iri: p.value, role: 'description', rank })),
    ...links.map((p, rank): Property => ({ iri: p.value, role: 'link', rank })),
    { iri: SCHEMA('foundingDate').value, role: 'start', rank: 0 },
    { iri: SCHEMA('dissolutionDate').value, role: 'end', rank: 0 },
  ];
}

/** A resource's statements as the index reads them, gathered in any order (every choice among them is a minimum). */
interface Statements {
  label: Best | undefined;
  description: Best | undefined;
  /** The best schema:description: the dataset's is the home page's introduction. */
  intro: Best | undefined;
  /** Texts searched: every label and alternate name; descriptions only of a resource with a label. */
  named: string[];
  described: string[];
  links: [number, string][];
  start: number;
  end: number;
}

function noStatements(): Statements {
  return {
    label: undefined,
    description: undefined,
    intro: undefined,
    named: [],
    described: [],
    links: [],
    start: 0,
    end: 0,
  };
}

/** Adds one statement: `listed` gives the local path of an IRI when it is a listed resource. */
function gather(into: Statements, property: Property, o: RDF.Term, listed: (iri: string) => string | undefined): void {
  if (property.role === 'link') {
    const to = o.termType === 'NamedNode' ? listed(o.value) : undefined;
    if (to !== undefined) into.links.push([property.rank, to]);
    return;
  }
  if (o.termType !== 'Literal') return;
  switch (property.role) {
    case 'label':
      into.label = better(into.label, literalRank(property.rank, o), o.value);
      into.named.push(o.value);
      return;
    case 'alternate':
      into.named.push(o.value);
      return;
    case 'description':
      into.description = better(into.description, literalRank(property.rank, o), o.value);
      if (property.rank === 0) into.intro = better(into.intro, literalRank(0, o), o.value);
      into.described.push(o.value);
      return;
    default: {
      const year = Number.parseInt(o.value, 10);
      // A year beyond what Int16 holds is no year a project ran in; the list shows none rather than a wrong one.
      if (!(year > 0 && year < 32768)) return;
      if (property.role === 'start') into.start = Math.max(into.start, year);
      else into.end = Math.max(into.end, year);
    }
  }
}

/** One resource as the index keeps it between builds: what its entry, its words and its links are made from. */
interface Summary {
  /** Its kind (of KINDS), undefined for the dataset. */
  kind: string | undefined;
  label: string | undefined;
  /** The label without case or accents: the lists' order. */
  key: string;
  description: string | undefined;
  intro: string | undefined;
  /** Its distinct words, as ids in the index's dictionary. */
  words: number[];
  links: [number, string][];
  start: number;
  end: number;
}

/** The dictionary's words in sorted order, as a word index searches them. */
interface WordLayout {
  /** Word ids in sorted order. */
  order: Uint32Array;
  /** Word id → its place in the sorted order. */
  rank: Uint32Array;
  /** Where each word, by its place, starts in `text`. */
  starts: Uint32Array;
  /** "\n" + every word in sorted order, each followed by "\n". */
  text: string;
}

/** The words every index of one server has met, append-only: an id stays valid in every index made before. */
class Dictionary {
  readonly words: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Word ids in sorted order, for the words there were when layout() last ran. */
  private order: number[] = [];
  private laid?: WordLayout;

  /**
   * The sorted layout of every word so far. Kept between indexes: after a change set only the words it brought are
   * sorted, and merged into the order before.
   */
  layout(): WordLayout {
    if (this.laid !== undefined && this.order.length === this.words.length) return this.laid;
    const { words } = this;
    const added = words.map((_, i) => i).slice(this.order.length);
    added.sort((a, b) => (words[a]! < words[b]! ? -1 : 1));
    const before = this.order;
    const order: number[] = new Array(words.length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < order.length; k++) {
      const takeOld = j >= added.length || (i < before.length && words[before[i]!]! < words[added[j]!]!);
      order[k] = takeOld ? before[i++]! : added[j++]!;
    }
    const rank = new Uint32Array(words.length);
    const starts = new Uint32Array(words.length);
    let at = 1;
    order.forEach((id, r) => {
      rank[id] = r;
      starts[r] = at;
      at += words[id]!.length + 1;
    });
    this.order = order;
    const text = `\n${order.map((id) => words[id]).join('\n')}\n`;
    this.laid = { order: Uint32Array.from(order), rank, starts, text };
    return this.laid;
  }

  idsOf(texts: readonly string[]): number[] {
    const out = new Set<number>();
    for (const text of texts) {
      for (const w of words(text)) {
        let id = this.ids.get(w);
        if (id === undefined) {
          id = this.words.length;
          this.words.push(w);
          this.ids.set(w, id);
        }
        out.add(id);
      }
    }
    return [...out];
  }
}

function summarise(local: string, s: Statements, dictionary: Dictionary): Summary {
  const d = s.description?.value;
  return {
    kind: kindOfLocal(local),
    label: s.label?.value,
    key: s.label === undefined ? '' : fold(s.label.value),
    // A copy: the shortened text is a slice that would otherwise keep the whole description in memory.
    description: d === undefined ? undefined : Buffer.from(shorten(d, SHORT)).toString(),
    intro: s.intro?.value,
    words: dictionary.idsOf(s.label === undefined ? s.named : [...s.named, ...s.described]),
    links: s.links,
    start: s.start,
    end: s.end,
  };
}

/** Subjects asked at once when a change set names them: few enough that a store's row limit is never near. */
const SUBJECTS_PER_QUERY = 100;

/** What an index answers from, laid out for one store state (see ListIndex's fields). */
interface Layout {
  locals: string[];
  labels: string[];
  descriptions: (string | undefined)[];
  kindOf: Uint8Array;
  byLocal: Map<string, number>;
  members: Map<string, Uint32Array>;
  startYears: Int16Array;
  endYears: Int16Array;
  relations: Record<Facet, Relation>;
  parts: Relation;
  wordIndex: WordIndex;
  statuses: Map<string, number>;
  intro: string | undefined;
}

/** Which list a link goes to, by its property and the kinds at its two ends. */
function linkList(link: number, from: string, target: string): Facet | 'parts' | undefined {
  if (link === PARENT && from === 'programme' && target === 'programme') return 'parts';
  if (from !== 'project') return undefined;
  if (link === PARENT) return target === 'programme' ? 'programme' : undefined;
  if (link === KEYWORDS) return target === 'keyword' ? 'keyword' : undefined;
  if (link === MEMBER) return target === 'organisation' ? 'organisation' : undefined;
  return link === STATUS && target === DATASET_PATHS.vocabulary ? 'status' : undefined;
}

/** What an index is made from and keeps, so that a change set needs only the resources it touches read again. */
interface Sources {
  base: string;
  options: ListIndexOptions;
  dictionary: Dictionary;
  /** Every listed resource (and the dataset), by its local path. */
  summaries: Map<string, Summary>;
  /** Each named graph → the resources it states something the index reads about: a change to it touches those. */
  graphs: Map<string, string[]>;
}

export class ListIndex {
  readonly size: number;
  private readonly locals: string[];
  private readonly labels: string[];
  private readonly descriptions: (string | undefined)[];
  private readonly kindOf: Uint8Array;
  private readonly byLocal: Map<string, number>;
  private readonly members: Map<string, Uint32Array>;
  private readonly startYears: Int16Array;
  private readonly endYears: Int16Array;
  private readonly running: Uint8Array;
  private readonly relations: Record<Facet, Relation>;
  /** Programme → the programmes that are part of it. */
  private readonly parts: Relation;
  private readonly wordIndex: WordIndex;
  /** Kept at zero between calls of facetCounts, which counts in it (a worker renders one page at a time). */
  private readonly counts: Uint32Array;
  private readonly queryMemo = new Map<string, Uint32Array>();
  /** Facet counts per result of query(): the same list paged through counts once. */
  private readonly facetMemo = new WeakMap<Uint32Array, Map<string, { value: number; count: number }[]>>();
  /** Set by apply(), which passes what this index was made from on to the next one. */
  private handedOver = false;
  /** Status code ("completed") → the ordinal of its concept, in the vocabulary's order of codes. */
  readonly statuses: Map<string, number>;
  /** The years some project ran in, ascending. */
  readonly years: readonly number[];
  /** The dataset's own description (its Dutch schema:description), for the home page's introduction. */
  readonly intro: string | undefined;

  private constructor(
    readonly base: string,
    /** The store state the index was made from: a new one needs a new index. */
    readonly state: string | undefined,
    /**
     * How it was made: read from the store whole, laid out anew after a change set, or after one that left every
     * resource in its place, from the index before with the touched resources' parts replaced.
     */
    readonly via: 'build' | 'laid out' | 'in place',
    private readonly laid: Layout,
    /** What the index was made from, kept for apply(). */
    private readonly sources: Sources,
  ) {
    this.size = laid.locals.length;
    this.locals = laid.locals;
    this.labels = laid.labels;
    this.descriptions = laid.descriptions;
    this.byLocal = laid.byLocal;
    this.kindOf = laid.kindOf;
    this.members = laid.members;
    this.relations = laid.relations;
    this.parts = laid.parts;
    this.startYears = laid.startYears;
    this.endYears = laid.endYears;
    this.statuses = laid.statuses;
    this.wordIndex = laid.wordIndex;
    this.intro = laid.intro;
    const runningStatus = new Set([...this.statuses].filter(([code]) => RUNNING.has(code)).map(([, o]) => o));
    this.running = new Uint8Array(this.size);
    const years = new Set<number>();
    let last = 0;
    for (let i = 0; i < this.size; i++) last = Math.max(last, this.startYears[i]!, this.endYears[i]!);
    for (const p of this.members.get('project') ?? []) {
      const status = this.relations.status.targets(p);
      this.running[p] = status.some((s) => runningStatus.has(s)) ? 1 : 0;
      const start = this.startYears[p]!;
      if (start === 0) continue;
      const end = this.endYears[p]! || (this.running[p] ? last : start);
      for (let y = start; y <= end; y++) years.add(y);
    }
    this.years = [...years].sort((a, b) => a - b);
    this.counts = new Uint32Array(this.size);
  }

  /** Lays out what the lists answer from, for resources in their order with their words and links. */
  private static layOut(
    base: string,
    data: {
      locals: string[];
      labels: string[];
      descriptions: (string | undefined)[];
      words: number[][];
      layout: WordLayout;
      kinds: (string | undefined)[];
      byLocal: Map<string, number>;
      links: Record<Facet | 'parts', Links>;
      startYears: Int16Array;
      endYears: Int16Array;
      intro: string | undefined;
    },
  ): Layout {
    const size = data.locals.length;
    const kindOf = new Uint8Array(size);
    const members = new Map<string, number[]>(KINDS.map((k) => [k, []]));
    data.kinds.forEach((kind, i) => {
      kindOf[i] = KINDS.indexOf(kind!);
      members.get(kind!)!.push(i);
    });
    const relation = (links: Links) => Relation.of(size, links.from, links.to);
    const statusPrefix = `${ownTerms(base).statusScheme.value.slice(base.length)}/`;
    return {
      locals: data.locals,
      labels: data.labels,
      descriptions: data.descriptions,
      kindOf,
      byLocal: data.byLocal,
      members: new Map([...members].map(([k, list]) => [k, Uint32Array.from(list)])),
      startYears: data.startYears,
      endYears: data.endYears,
      relations: {
        programme: relation(data.links.programme),
        keyword: relation(data.links.keyword),
        organisation: relation(data.links.organisation),
        status: relation(data.links.status),
      },
      parts: relation(data.links.parts),
      wordIndex: WordIndex.of(size, (o) => data.words[o]!, data.layout),
      statuses: new Map(
        data.locals
          .map((l, i) => [l, i] as const)
          .filter(([l]) => l.startsWith(statusPrefix))
          .map(([l, i]) => [l.slice(statusPrefix.length), i] as [string, number])
          .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
      ),
      intro: data.intro,
    };
  }

  /**
   * Reads the index from the store: a SELECT per property over the union of the published graphs, and one of which
   * resources each graph speaks of (what a later change set touches).
   */
  static async build(store: Store, base: string, options: ListIndexOptions = {}): Promise<ListIndex> {
    const state = store.state;
    const kept = keptOf(base);
    const statements = new Map<string, Statements>();
    for (const property of propertiesOf(base)) {
      const linked = property.role === 'link';
      const pattern = linked ? `?s <${property.iri}> ?v FILTER(isIRI(?v))` : `?s <${property.iri}> ?o`;
      for await (const [s, o] of subjectsAndObjects(store, pattern, options.pageRows, linked)) {
        const local = kept(s);
        if (local === undefined) continue;
        let into = statements.get(local);
        if (into === undefined) {
          into = noStatements();
          statements.set(local, into);
        }
        gather(into, property, o, kept);
      }
    }
    const values = propertiesOf(base)
      .map((p) => `<${p.iri}>`)
      .join(' ');
    // Per graph (here ?s) the subjects (?v) it states a read property of. Only those under the base are kept; an
    // external store is asked for those alone (its own system graphs hold many others), the embedded one for all,
    // which costs it less than the filter.
    const under = options.pageRows === undefined ? '' : ` FILTER(STRSTARTS(STR(?v), ${JSON.stringify(base)}))`;
    const pattern = `VALUES ?p { ${values} } GRAPH ?s { ?v ?p ?x${under} }`;
    const graphs = new Map<string, string[]>();
    for await (const [g, s] of subjectsAndObjects(store, pattern, options.pageRows, true)) {
      const local = kept(s.value);
      if (local === undefined) continue;
      const list = graphs.get(g);
      if (list === undefined) graphs.set(g, [local]);
      else list.push(local);
    }
    const dictionary = new Dictionary();
    const summaries = new Map<string, Summary>();
    for (const [local, s] of statements) summaries.set(local, summarise(local, s, dictionary));
    // The one order of every list: by label without case or accents, then by path; so a page is a slice.
    const order = [...summaries.keys()].filter((local) => isListed(summaries.get(local)!));
    const cmp = comparer(summaries);
    order.sort(cmp);
    return ListIndex.make(state, 'build', { base, options, dictionary, summaries, graphs }, order);
  }

  /**
   * The index after the store applied a change set: only the resources the changed graphs spoke of, before or now,
   * are read again; the rest is kept. Equal to an index built afresh from the store (a test holds it to that).
   * An index of another state than the change set's is built afresh.
   *
   * What the index was made from passes to the new one, changed where the change set says, rather than copied: a
   * copy costs as many resources as the index holds. This index goes on answering its lists as before, but moving it
   * again builds afresh.
   */
  async apply(change: ChangeSet, store: Store): Promise<ListIndex> {
    const { base, options } = this.sources;
    if (this.state === undefined || change.from !== this.state || this.handedOver) {
      return ListIndex.build(store, base, options);
    }
    this.handedOver = true;
    const kept = keptOf(base);
    const read = new Map(propertiesOf(base).map((p) => [p.iri, p]));
    const { graphs } = this.sources;
    const touched = new Set<string>();
    for (const g of change.graphs) {
      for (const local of graphs.get(g.name) ?? []) touched.add(local);
      if (g.quads === undefined) {
        graphs.delete(g.name);
        continue;
      }
      const now = new Set<string>();
      for (const q of g.quads) {
        const local =
          q.subject.termType === 'NamedNode' && read.has(q.predicate.value) ? kept(q.subject.value) : undefined;
        if (local !== undefined) now.add(local);
      }
      if (now.size === 0) graphs.delete(g.name);
      else graphs.set(g.name, [...now]);
      for (const local of now) touched.add(local);
    }
    const statements = new Map<string, Statements>();
    const values = [...read.keys()].map((iri) => `<${iri}>`).join(' ');
    const locals = [...touched];
    for (let i = 0; i < locals.length; i += SUBJECTS_PER_QUERY) {
      const subjects = locals
        .slice(i, i + SUBJECTS_PER_QUERY)
        .map((l) => `<${base}${l}>`)
        .join(' ');
      const result = await store.query(
        `SELECT DISTINCT ?s ?p ?o WHERE { VALUES ?s { ${subjects} } VALUES ?p { ${values} } ?s ?p ?o }`,
      );
      if (result.type !== 'bindings') throw new InternalError(`the store answered a SELECT with ${result.type}`);
      let rows = 0;
      for await (const row of result.bindings) {
        rows++;
        const [s, p, o] = [row.get('s'), row.get('p'), row.get('o')];
        const property = p === undefined ? undefined : read.get(p.value);
        const local = s?.termType === 'NamedNode' ? kept(s.value) : undefined;
        if (property === undefined || local === undefined || o === undefined) continue;
        if (property.role === 'link' && o.termType !== 'NamedNode') continue;
        let into = statements.get(local);
        if (into === undefined) {
          into = noStatements();
          statements.set(local, into);
        }
        gather(into, property, o, kept);
      }
      if (options.pageRows !== undefined && rows >= options.pageRows) {
        throw new InternalError(`${rows} rows for ${SUBJECTS_PER_QUERY} resources may be cut: raise pageRows`);
      }
    }
    const { summaries } = this.sources;
    // The touched resources' words before, which the word index moves from.
    const wordsBefore = new Map([...touched].map((local) => [local, summaries.get(local)?.words ?? []]));
    for (const local of touched) {
      const s = statements.get(local);
      if (s === undefined) summaries.delete(local);
      else summaries.set(local, summarise(local, s, this.sources.dictionary));
    }
    const sources = { ...this.sources, summaries, graphs };
    const inPlace = this.inPlace(store.state, touched, sources, wordsBefore);
    if (inPlace !== undefined) return inPlace;
    // The order kept, with the touched resources taken out and put back where their new label sorts.
    const cmp = comparer(summaries);
    const order = this.locals.filter((local) => !touched.has(local));
    const moved = [...touched].filter((local) => summaries.has(local) && isListed(summaries.get(local)!));
    for (const local of moved.sort(cmp)) {
      let lo = 0;
      let hi = order.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cmp(order[mid]!, local) < 0) lo = mid + 1;
        else hi = mid;
      }
      order.splice(lo, 0, local);
    }
    return ListIndex.make(store.state, 'laid out', sources, order);
  }

  /** Lays the kept resources out in the one order of every list, with their links, years and words. */
  private static make(
    state: string | undefined,
    via: 'build' | 'laid out',
    sources: Sources,
    locals: string[],
  ): ListIndex {
    const keyed = locals.map((local): [string, Summary] => [local, sources.summaries.get(local)!]);
    const ordinal = new Map(locals.map((l, i) => [l, i]));
    const kinds = keyed.map(([, s]) => s.kind);
    const noLinks = (): Links => ({ from: [], to: [] });
    const links: Record<Facet | 'parts', Links> = {
      programme: noLinks(),
      keyword: noLinks(),
      organisation: noLinks(),
      status: noLinks(),
      parts: noLinks(),
    };
    const startYears = new Int16Array(locals.length);
    const endYears = new Int16Array(locals.length);
    keyed.forEach(([, s], a) => {
      for (const [link, target] of s.links) {
        const b = ordinal.get(target);
        const list = b === undefined ? undefined : linkList(link, s.kind!, kinds[b]!);
        if (list === undefined) continue;
        // Programme → the programmes that are part of it: the link is stated the other way.
        const [x, y] = list === 'parts' ? [b!, a] : [a, b!];
        links[list].from.push(x);
        links[list].to.push(y);
      }
      startYears[a] = s.start;
      endYears[a] = s.end;
    });
    const datasetLocal = datasetIris(sources.base).dataset.value.slice(sources.base.length);
    return new ListIndex(
      sources.base,
      state,
      via,
      ListIndex.layOut(sources.base, {
        locals,
        labels: keyed.map(([, s]) => s.label!),
        descriptions: keyed.map(([, s]) => s.description),
        // The dictionary of every state so far: a word no resource has any more has no postings, and matches nothing.
        words: keyed.map(([, s]) => s.words),
        layout: sources.dictionary.layout(),
        kinds,
        byLocal: ordinal,
        links,
        startYears,
        endYears,
        intro: sources.summaries.get(datasetLocal)?.intro,
      }),
      sources,
    );
  }

  /**
   * The index after a change that leaves every listed resource in its place (none comes, goes or sorts elsewhere:
   * the usual edit of a record): this one's layout with the touched resources' entries, links and words replaced,
   * in time that grows with the change rather than with the index. Undefined when the change moves a resource.
   */
  private inPlace(
    state: string | undefined,
    touched: ReadonlySet<string>,
    sources: Sources,
    wordsBefore: ReadonlyMap<string, number[]>,
  ): ListIndex | undefined {
    const { summaries } = sources;
    const cmp = comparer(summaries);
    const places: number[] = [];
    for (const local of touched) {
      const o = this.byLocal.get(local);
      const now = summaries.get(local);
      // Listed before exactly when listed now.
      if ((o !== undefined) !== (now !== undefined && isListed(now))) return undefined;
      if (o !== undefined) places.push(o);
    }
    // Each still sorts between its neighbours: then the whole order is as it was.
    for (const o of places) {
      const local = this.locals[o]!;
      if (o > 0 && cmp(this.locals[o - 1]!, local) >= 0) return undefined;
      if (o + 1 < this.size && cmp(local, this.locals[o + 1]!) >= 0) return undefined;
    }
    const labels = this.labels.slice();
    const descriptions = this.descriptions.slice();
    const startYears = this.startYears.slice();
    const endYears = this.endYears.slice();
    const rows = Object.fromEntries([...FACETS, 'parts'].map((f) => [f, new Map<number, Uint32Array>()])) as Record<
      Facet | 'parts',
      Map<number, Uint32Array>
    >;
    const words: { ordinal: number; before: number[]; after: number[] }[] = [];
    for (const o of places) {
      const local = this.locals[o]!;
      const s = summaries.get(local)!;
      labels[o] = s.label!;
      descriptions[o] = s.description;
      startYears[o] = s.start;
      endYears[o] = s.end;
      const lists: Record<Facet | 'parts', number[]> = {
        programme: [],
        keyword: [],
        organisation: [],
        status: [],
        parts: [],
      };
      for (const [link, target] of s.links) {
        const b = this.byLocal.get(target);
        const list = b === undefined ? undefined : linkList(link, s.kind!, KINDS[this.kindOf[b]!]!);
        if (list !== undefined) lists[list].push(b!);
      }
      // A project's facet rows are its own links; a programme's parents are the sources of its row in `parts`.
      for (const f of [...FACETS, 'parts'] as const) rows[f].set(o, Uint32Array.from(new Set(lists[f])).sort());
      words.push({ ordinal: o, before: wordsBefore.get(local)!, after: s.words });
    }
    const datasetLocal = datasetIris(sources.base).dataset.value.slice(sources.base.length);
    const { relations } = this.laid;
    return new ListIndex(
      this.base,
      state,
      'in place',
      {
        ...this.laid,
        labels,
        descriptions,
        startYears,
        endYears,
        relations: {
          programme: relations.programme.replacing('targets', rows.programme),
          keyword: relations.keyword.replacing('targets', rows.keyword),
          organisation: relations.organisation.replacing('targets', rows.organisation),
          status: relations.status.replacing('targets', rows.status),
        },
        parts: this.laid.parts.replacing('sources', rows.parts),
        wordIndex: this.wordIndex.replacing(sources.dictionary.layout(), words),
        intro: summaries.get(datasetLocal)?.intro,
      },
      sources,
    );
  }

  entry(ordinal: number): Entry {
    const start = this.startYears[ordinal]!;
    const end = this.endYears[ordinal]!;
    return {
      ordinal,
      local: this.locals[ordinal]!,
      kind: KINDS[this.kindOf[ordinal]!]!,
      label: this.labels[ordinal]!,
      description: this.descriptions[ordinal],
      startYear: start === 0 ? undefined : start,
      endYear: end === 0 ? undefined : end,
    };
  }

  /** The ordinal of the resource at this path under the base, if it is listed. */
  find(local: string): number | undefined {
    return this.byLocal.get(local);
  }

  /** How many resources of a kind there are. */
  count(kind: string): number {
    return this.members.get(kind)?.length ?? 0;
  }

  /** The resources of a kind, in order. */
  kind(kind: string): Uint32Array {
    return this.members.get(kind) ?? new Uint32Array(0);
  }

  /** What a project links to by a facet (its programme, keywords, organisations, status), in order. */
  linked(facet: Facet, project: number): Uint32Array {
    return this.relations[facet].targets(project);
  }

  /** The projects linking to a resource by a facet (a keyword's projects), in order. */
  projectsOf(facet: Facet, target: number): Uint32Array {
    return this.relations[facet].sources(target);
  }

  /** The programmes that are part of a programme. */
  subProgrammes(programme: number): Uint32Array {
    return this.parts.targets(programme);
  }

  /** Whether a resource is a value of the facet (a keyword some project has, a programme with projects). */
  isFacetValue(facet: Facet, target: number): boolean {
    return this.relations[facet].hasSources(target);
  }

  /** Whether a project ran in a year: from its start to its end year, or on to now while planned or ongoing. */
  ranIn(project: number, year: number): boolean {
    const start = this.startYears[project]!;
    if (start === 0 || year < start) return false;
    const end = this.endYears[project]!;
    if (end !== 0) return year <= end;
    return this.running[project] === 1 || year === start;
  }

  /** The resources that match every part of the query, in order; the last few answers are kept for the next pages. */
  query(query: ListQuery): Uint32Array {
    const key = JSON.stringify([query.kind, query.q, query.filters, query.year]);
    const known = this.queryMemo.get(key);
    if (known !== undefined) {
      // Moved to the end: the Map's order is the order of use, oldest first.
      this.queryMemo.delete(key);
      this.queryMemo.set(key, known);
      return known;
    }
    const result = this.evaluate(query);
    this.queryMemo.set(key, result);
    if (this.queryMemo.size > MEMO_QUERIES) this.queryMemo.delete(this.queryMemo.keys().next().value!);
    return result;
  }

  private evaluate(query: ListQuery): Uint32Array {
    const lists: Uint32Array[] = [];
    if (query.kind !== undefined) lists.push(this.kind(query.kind));
    for (const facet of FACETS) {
      const target = query.filters?.[facet];
      if (target !== undefined) lists.push(this.projectsOf(facet, target));
    }
    if (query.year !== undefined && query.kind === undefined) lists.push(this.kind('project'));
    if (query.q !== undefined) {
      const found = this.wordIndex.search(query.q);
      if (found !== undefined) lists.push(found);
    }
    let result = lists.length === 0 ? allOrdinals(this.size) : intersect(lists);
    const year = query.year;
    if (year !== undefined) result = result.filter((o) => this.ranIn(o, year));
    return result;
  }

  /** The facet's values among the given projects with how many of them link to each, most first, then in order. */
  facetCounts(facet: Facet, projects: Uint32Array, limit: number): { value: number; count: number }[] {
    const known = this.facetMemo.get(projects)?.get(`${facet} ${limit}`);
    if (known !== undefined) return known;
    const counts = this.counts;
    const touched = this.relations[facet].countTargets(projects, counts);
    const found = touched.map((value) => ({ value, count: counts[value]! }));
    for (const t of touched) counts[t] = 0;
    const best = found.sort((a, b) => b.count - a.count || a.value - b.value).slice(0, limit);
    const memo = this.facetMemo.get(projects) ?? new Map();
    memo.set(`${facet} ${limit}`, best);
    this.facetMemo.set(projects, memo);
    return best;
  }
}

/** The kind of a resource's path: its first segment, when that is a listed kind and the path goes on after it. */
export function kindOfLocal(local: string): string | undefined {
  const slash = local.indexOf('/');
  if (slash <= 0 || slash === local.length - 1) return undefined;
  const kind = local.slice(0, slash);
  return KINDS.includes(kind) ? kind : undefined;
}

function allOrdinals(size: number): Uint32Array {
  const all = new Uint32Array(size);
  for (let i = 0; i < size; i++) all[i] = i;
  return all;
}

/** The ordinals in every list (each sorted), in order: the shortest list is walked, the others searched. */
function intersect(lists: Uint32Array[]): Uint32Array {
  const [first, ...rest] = [...lists].sort((a, b) => a.length - b.length);
  if (rest.length === 0) return first!;
  const out: number[] = [];
  for (const o of first!) if (rest.every((l) => contains(l, o))) out.push(o);
  return Uint32Array.from(out);
}

function contains(list: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = list[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Whether a kept resource is in the lists: one of a listed kind, with a label. */
function isListed(s: Summary): boolean {
  return s.label !== undefined && s.kind !== undefined;
}

/** The lists' order of kept resources: by label without case or accents, then by path. */
function comparer(summaries: ReadonlyMap<string, Summary>): (a: string, b: string) => number {
  return (a, b) => {
    const x = summaries.get(a)!.key;
    const y = summaries.get(b)!.key;
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  };
}

/** The local path of an IRI the index keeps: a listed resource, or the dataset (whose description is the intro). */
function keptOf(base: string): (iri: string) => string | undefined {
  const dataset = datasetIris(base).dataset.value;
  return (iri) => {
    if (iri === dataset) return iri.slice(base.length);
    if (!iri.startsWith(base) || iri.includes('#')) return undefined;
    const local = iri.slice(base.length);
    return kindOfLocal(local) === undefined ? undefined : local;
  };
}
