// Writes dataset.jsonld: compact JSON-LD with our shipped context, built per subject straight from the quads.
import { InternalError, invariant } from '../errors.ts';
import jsonld from 'jsonld';
import type { Literal, Quad, Term } from '@rdfjs/types';
import { RDF, XSD } from '../vocab.ts';
import { sortedGraph } from './graph.ts';

/*
 * jsonld.js `fromRDF` + `compact` holds the whole graph in its own structures and runs the general compaction
 * algorithm, which does far more than our flat, fixed context needs and does not scale to the largest dumps
 * (bench/README.md has the figures). This builder writes each subject as one node object using the
 * context's terms (language maps, @id and datatype coercion) and falls back to compact IRIs or full IRIs for
 * anything a term cannot hold, so the document always expands to exactly the input graph.
 * test/publish/jsonld.test.ts checks that by expanding the output with jsonld.js and comparing graphs.
 */

const RDF_TYPE = RDF('type').value;
const XSD_STRING = XSD('string').value;

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type NodeObject = { [key: string]: JsonValue };

interface TermDef {
  name: string;
  iri: string;
  /** '@id' for IRIs, a datatype IRI for typed literals, undefined for no coercion. */
  type?: string;
  language: boolean;
}

/** What the builder needs from a context: its prefixes, @vocab and term definitions, read once. */
export class CompactionRules {
  /** False when the context uses a feature this builder does not reproduce (then jsonld.js does the work). */
  readonly supported: boolean;
  private readonly prefixes: [string, string][] = [];
  /**
   * The namespaces, longest first, as one pattern: a namespace with at least one character after it that does not
   * begin with `//`, tried in turn as the list would be (String#startsWith per namespace costs far more).
   */
  private readonly namespacePattern: RegExp | undefined;
  private readonly prefixOf = new Map<string, string>();
  private readonly vocab: string | undefined;
  private readonly terms = new Map<string, TermDef[]>();
  private readonly termNames = new Set<string>();
  private readonly keyCache = new Map<string, string>();
  private readonly jsonCache = new Map<string, string>();
  private readonly keyJsonCache = new Map<string, string>();

  constructor(readonly context: Record<string, unknown>) {
    this.vocab = typeof context['@vocab'] === 'string' ? context['@vocab'] : undefined;
    this.supported = Object.entries(context).every(([name, def]) => {
      if (name.startsWith('@')) return name === '@vocab' && typeof def === 'string';
      if (typeof def === 'string') return !def.startsWith('@');
      if (def === null || typeof def !== 'object') return false;
      return Object.entries(def as Record<string, unknown>).every(([k, v]) =>
        k === '@container'
          ? v === '@language'
          : (k === '@id' || k === '@type') &&
            typeof v === 'string' &&
            (!v.startsWith('@') || (k === '@type' && v === '@id')),
      );
    });
    for (const [name, def] of Object.entries(context)) {
      if (name.startsWith('@')) continue;
      this.termNames.add(name);
      // JSON-LD 1.1 uses a simple term as a prefix only when its IRI ends with a gen-delim character.
      if (typeof def === 'string' && /[:/?#[\]@]$/.test(def)) this.prefixes.push([name, def]);
    }
    // Longest namespace first, so the most specific prefix wins (pg: under the base IRI before any shorter one).
    this.prefixes.sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    for (const [name, ns] of this.prefixes) if (!this.prefixOf.has(ns)) this.prefixOf.set(ns, name);
    if (this.prefixes.length > 0) {
      const alternatives = this.prefixes.map(([, ns]) => ns.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
      this.namespacePattern = new RegExp(`^(?:${alternatives.join('|')})(?=[^])(?!//)`);
    }
    for (const [name, def] of Object.entries(context)) {
      if (name.startsWith('@') || typeof def === 'string' || def === null || typeof def !== 'object') continue;
      const d = def as Record<string, unknown>;
      const iri =
        typeof d['@id'] === 'string' ? this.expand(d['@id']) : this.vocab !== undefined ? this.vocab + name : undefined;
      if (iri === undefined) continue;
      const type =
        typeof d['@type'] === 'string' ? (d['@type'] === '@id' ? '@id' : this.expand(d['@type'])) : undefined;
      const list = this.terms.get(iri) ?? [];
      list.push({ name, iri, ...(type !== undefined ? { type } : {}), language: d['@container'] === '@language' });
      list.sort((a, b) => a.name.length - b.name.length || (a.name < b.name ? -1 : 1));
      this.terms.set(iri, list);
    }
  }

  /** A compact IRI (`prefix:suffix`) in the context's terms, or the IRI itself. */
  private expand(value: string): string {
    const colon = value.indexOf(':');
    if (colon > 0) {
      const def = this.context[value.slice(0, colon)];
      if (typeof def === 'string' && !value.slice(colon + 1).startsWith('//')) return def + value.slice(colon + 1);
    }
    return value;
  }

  /** `prefix:suffix` for an IRI under one of the prefixes, or undefined. */
  private compact(iri: string): string | undefined {
    const ns = this.namespacePattern?.exec(iri)?.[0];
    return ns === undefined ? undefined : `${this.prefixOf.get(ns)}:${iri.slice(ns.length)}`;
  }

  /** An IRI in @id position: a compact IRI where a prefix fits, otherwise the full IRI. */
  id(term: Term): string {
    if (term.termType === 'BlankNode') return `_:${term.value}`;
    return this.compact(term.value) ?? term.value;
  }

  /** An IRI in vocabulary position (@type values, keys): a bare name under @vocab where that is unambiguous. */
  vocabIri(iri: string): string {
    let key = this.keyCache.get(iri);
    if (key !== undefined) return key;
    key = iri;
    if (this.vocab !== undefined && iri.startsWith(this.vocab)) {
      const local = iri.slice(this.vocab.length);
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(local) && !this.termNames.has(local)) key = local;
    }
    if (key === iri) key = this.compact(iri) ?? iri;
    this.keyCache.set(iri, key);
    return key;
  }

  /** The term that can hold `object` as the value of `predicate`, if the context has one. */
  term(predicate: string, object: Term): TermDef | undefined {
    for (const t of this.terms.get(predicate) ?? []) {
      if (t.language) {
        if (object.termType === 'Literal' && object.language !== '') return t;
      } else if (t.type === '@id') {
        if (object.termType === 'NamedNode' || object.termType === 'BlankNode') return t;
      } else if (t.type !== undefined) {
        if (object.termType === 'Literal' && object.language === '' && object.datatype.value === t.type) return t;
      } else return t;
    }
    return undefined;
  }

  /** term(), from the object's parts read once: its term type, language and (for other literals) datatype IRI. */
  termFor(predicate: string, kind: Term['termType'], language: string, datatype: string): TermDef | undefined {
    const terms = this.terms.get(predicate);
    if (terms === undefined) return undefined;
    for (const t of terms) {
      if (t.language) {
        if (kind === 'Literal' && language !== '') return t;
      } else if (t.type === '@id') {
        if (kind === 'NamedNode' || kind === 'BlankNode') return t;
      } else if (t.type !== undefined) {
        if (kind === 'Literal' && language === '' && datatype === t.type) return t;
      } else return t;
    }
    return undefined;
  }

  /** A key as JSON text. */
  keyJson(key: string): string {
    let text = this.keyJsonCache.get(key);
    if (text === undefined) {
      text = JSON.stringify(key);
      this.keyJsonCache.set(key, text);
    }
    return text;
  }

  /** vocabIri as JSON text. */
  vocabJson(iri: string): string {
    let text = this.jsonCache.get(iri);
    if (text === undefined) {
      text = JSON.stringify(this.vocabIri(iri));
      this.jsonCache.set(iri, text);
    }
    return text;
  }

  /** A value in expanded form, for keys without coercion. */
  value(object: Term): JsonValue {
    if (object.termType !== 'Literal') return { '@id': this.id(object) };
    const l = object as Literal;
    if (l.language !== '') return { '@value': l.value, '@language': l.language };
    if (l.datatype.value === XSD_STRING) return l.value;
    return { '@value': l.value, '@type': this.vocabIri(l.datatype.value) };
  }
}

/** Rules are read once per context object: pages call toJsonLd once per resource with the same context. */
const ruleCache = new WeakMap<object, CompactionRules>();
function rulesFor(context: Record<string, unknown>): CompactionRules {
  let rules = ruleCache.get(context);
  if (!rules) {
    rules = new CompactionRules(context);
    ruleCache.set(context, rules);
  }
  return rules;
}

/** One subject's statements as a compact node object; keys sorted, @id and @type first. */
export function nodeObject(subject: Term, quads: readonly Quad[], rules: CompactionRules): NodeObject {
  const types: string[] = [];
  const plain = new Map<string, JsonValue[]>();
  const maps = new Map<string, Map<string, string[]>>();
  for (const q of quads) {
    const p = q.predicate.value;
    const o = q.object;
    if (p === RDF_TYPE && o.termType === 'NamedNode') {
      types.push(rules.vocabIri(o.value));
      continue;
    }
    const term = rules.term(p, o);
    if (term?.language) {
      const byLang = maps.get(term.name) ?? new Map<string, string[]>();
      const l = o as Literal;
      byLang.set(l.language, [...(byLang.get(l.language) ?? []), l.value]);
      maps.set(term.name, byLang);
      continue;
    }
    const key = term ? term.name : rules.vocabIri(p);
    const value: JsonValue =
      !term || term.type === undefined ? rules.value(o) : term.type === '@id' ? rules.id(o) : o.value;
    const list = plain.get(key) ?? [];
    list.push(value);
    plain.set(key, list);
  }
  const node: NodeObject = { '@id': rules.id(subject) };
  if (types.length > 0) node['@type'] = types.length === 1 ? types[0]! : types;
  const keys = [...new Set([...plain.keys(), ...maps.keys()])].sort();
  for (const key of keys) {
    const byLang = maps.get(key);
    if (byLang) {
      const langs: { [lang: string]: JsonValue } = {};
      for (const lang of [...byLang.keys()].sort()) {
        const vs = byLang.get(lang)!;
        langs[lang] = vs.length === 1 ? vs[0]! : vs;
      }
      node[key] = langs;
    } else {
      const vs = plain.get(key)!;
      node[key] = vs.length === 1 ? vs[0]! : vs;
    }
  }
  return node;
}

/*
 * The text of a node object is written directly, laid out exactly as `JSON.stringify(nodeObject(...), null, 2)`
 * indented to its place in the document: building the objects and stringifying them was most of the cost. The text
 * goes into an array of parts joined once per batch, so the document never becomes a tree of concatenated strings
 * (those survive until written and make every young-generation collection copy them).
 * A value is its JSON text, or the key/value JSON texts of a small object ({"@id"}, {"@value", ...}).
 */
type ValueText = string | string[];

/** A line break with the indentation of each depth, and the same after a comma, so layout never builds them. */
const BREAK: string[] = Array.from({ length: 16 }, (_, i) => `\n${' '.repeat(i)}`);
const COMMA_BREAK: string[] = BREAK.map((b) => `,${b}`);
const breakAt = (depth: number): string => BREAK[depth] ?? `\n${' '.repeat(depth)}`;
const commaBreakAt = (depth: number): string => COMMA_BREAK[depth] ?? `,\n${' '.repeat(depth)}`;
/** Characters JSON.stringify escapes in a string (surrogates only when unpaired, which it then works out). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** A string's JSON text, as JSON.stringify writes it; most strings need no escape, and quoting them costs less. */
export const jsonString = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);
const json = jsonString;

/** Sorted in place by UTF-16 code units, as Array.prototype.sort does; insertion sort for the few keys of a node. */
function sortStrings(a: string[]): string[] {
  if (a.length > 16) return a.sort();
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
  return a;
}

/**
 * Keys `JSON.stringify` would not write in insertion order (array indices come first), keys that would clash with
 * @id and @type, and `__proto__`, which an object literal drops: those nodes go through nodeObject, as before.
 */
function irregularKey(key: string): boolean {
  return key.startsWith('@') || key === '__proto__' || (/^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1);
}

function writeValue(out: string[], v: ValueText, depth: number): void {
  if (typeof v === 'string') {
    out.push(v);
    return;
  }
  out.push('{');
  for (let i = 0; i < v.length; i += 2)
    out.push(i === 0 ? breakAt(depth + 2) : commaBreakAt(depth + 2), v[i]!, ': ', v[i + 1]!);
  out.push(breakAt(depth), '}');
}

/** One value alone, several as an array (compactArrays), at a key indented by `depth`. */
function writeList(out: string[], vs: readonly ValueText[], depth: number): void {
  if (vs.length === 1) {
    writeValue(out, vs[0]!, depth);
    return;
  }
  out.push('[');
  for (let i = 0; i < vs.length; i++) {
    out.push(i === 0 ? breakAt(depth + 2) : commaBreakAt(depth + 2));
    writeValue(out, vs[i]!, depth + 2);
  }
  out.push(breakAt(depth), ']');
}

const ID_KEY = json('@id');
const VALUE_KEY = json('@value');
const LANGUAGE_KEY = json('@language');
const TYPE_KEY = json('@type');

/** The statements of one subject: quads[start] to quads[end - 1]. */
type Run = readonly [quads: readonly Quad[], start: number, end: number];

/** A node's values by key, in first-seen order; a key's values in statement order. */
class Slots<V> {
  readonly keys: string[] = [];
  readonly values: V[][] = [];
  private last = -1;
  private index: Map<string, number> | undefined;

  /** The values of `key`, or undefined when it has none yet. */
  get(key: string): V[] | undefined {
    if (this.last >= 0 && this.keys[this.last] === key) return this.values[this.last];
    let i: number;
    if (this.index) i = this.index.get(key) ?? -1;
    else i = this.keys.indexOf(key);
    if (i < 0) return undefined;
    this.last = i;
    return this.values[i];
  }

  add(key: string, first: V): void {
    this.last = this.keys.length;
    this.keys.push(key);
    this.values.push([first]);
    // A node with many keys (a rare, wide resource) would make indexOf quadratic.
    if (this.index) this.index.set(key, this.last);
    else if (this.keys.length > 32) this.index = new Map(this.keys.map((k, i) => [k, i]));
  }
}

/**
 * Writes one subject's node object into `out`: JSON text whose first line (`{`) is at indentation `depth` (the
 * caller writes that indentation) and whose other lines are indented for that place; equal to nodeObject
 * stringified there.
 */
function writeNode(out: string[], run: Run, rules: CompactionRules, depth: number): void {
  if (!writeRegularNode(out, run, rules, depth)) {
    const [quads, start, end] = run;
    const node = nodeObject(quads[start]!.subject, quads.slice(start, end), rules);
    out.push(JSON.stringify(node, null, 2).replace(/\n/g, breakAt(depth)));
  }
}

/** Parts of the node being written, reused: each node becomes one flat string, its small parts garbage at once. */
const parts: string[] = [];

/** One node object's text (writeNode) as one string. */
function nodeString(run: Run, rules: CompactionRules, depth: number): string {
  parts.length = 0;
  writeNode(parts, run, rules, depth);
  const text = parts.join('');
  parts.length = 0;
  return text;
}

/** writeNode, or false, writing nothing, for a node with an irregular key. */
function writeRegularNode(out: string[], [quads, start, end]: Run, rules: CompactionRules, depth: number): boolean {
  const types: string[] = [];
  const plain = new Slots<ValueText>();
  // Language maps by key, each a Slots of values by language.
  let maps: Slots<Slots<string>> | undefined;
  let irregular = false;
  for (let i = start; i < end; i++) {
    const q = quads[i]!;
    const p = q.predicate.value;
    const o = q.object;
    const kind = o.termType;
    if (kind === 'NamedNode' && p === RDF_TYPE) {
      types.push(rules.vocabJson(o.value));
      continue;
    }
    // Each getter of an n3 literal scans its id: read them once.
    const value = o.value;
    const language = kind === 'Literal' ? (o as Literal).language : '';
    const datatype = kind === 'Literal' && language === '' ? (o as Literal).datatype.value : '';
    const term = rules.termFor(p, kind, language, datatype);
    if (term?.language) {
      maps ??= new Slots();
      let byLang = maps.get(term.name)?.[0];
      if (!byLang) {
        byLang = new Slots();
        maps.add(term.name, byLang);
      }
      const vs = byLang.get(language);
      if (vs) vs.push(json(value));
      else {
        if (irregularKey(language)) irregular = true;
        byLang.add(language, json(value));
      }
      continue;
    }
    const key = term ? term.name : rules.vocabIri(p);
    let text: ValueText;
    if (term?.type === '@id') text = json(rules.id(o));
    else if (term?.type !== undefined) text = json(value);
    else if (kind !== 'Literal') text = [ID_KEY, json(rules.id(o))];
    else if (language !== '') text = [VALUE_KEY, json(value), LANGUAGE_KEY, json(language)];
    else if (datatype === XSD_STRING) text = json(value);
    else text = [VALUE_KEY, json(value), TYPE_KEY, rules.vocabJson(datatype)];
    const list = plain.get(key);
    if (list) list.push(text);
    else {
      if (irregularKey(key)) irregular = true;
      plain.add(key, text);
    }
  }
  if (irregular) return false;
  const at = commaBreakAt(depth + 2);
  out.push('{', breakAt(depth + 2), ID_KEY, ': ', json(rules.id(quads[start]!.subject)));
  if (types.length > 0) {
    out.push(at, TYPE_KEY, ': ');
    writeList(out, types, depth + 2);
  }
  const keys = plain.keys.slice();
  if (maps) for (const k of maps.keys) if (!plain.get(k)) keys.push(k);
  for (const key of sortStrings(keys)) {
    out.push(at, rules.keyJson(key), ': ');
    // A key that is both a language map and plain values is written as the map, as nodeObject does.
    const byLang = maps?.get(key)?.[0];
    if (byLang) {
      const langs = sortStrings(byLang.keys.slice());
      out.push('{');
      for (let i = 0; i < langs.length; i++) {
        out.push(i === 0 ? breakAt(depth + 4) : commaBreakAt(depth + 4), json(langs[i]!), ': ');
        writeList(out, byLang.get(langs[i]!)!, depth + 4);
      }
      out.push(breakAt(depth + 2), '}');
    } else writeList(out, plain.get(key)!, depth + 2);
  }
  out.push(breakAt(depth), '}');
  return true;
}

/** The document around the node objects: `head`, then pieces separated by `separator`, then `tail`. */
export interface JsonLdFrame {
  head: string;
  separator: string;
  tail: string;
}

const frames = new WeakMap<object, JsonLdFrame>();

/**
 * The frame of a dataset document with `@context` and a `@graph` array. Every piece (jsonLdPiece) starts with its
 * own line break, so head + pieces joined by separator + tail is the document, also with no pieces at all; with
 * two subjects or more in the same order it is byte-identical to jsonLdChunks of the same graph.
 */
export function jsonLdFrame(context: Record<string, unknown>): JsonLdFrame {
  let frame = frames.get(context);
  if (!frame) {
    const ctx = JSON.stringify(context, null, 2).replace(/\n/g, '\n  ');
    frame = { head: `{\n  "@context": ${ctx},\n  "@graph": [`, separator: ',', tail: '\n  ]\n}\n' };
    frames.set(context, frame);
  }
  return frame;
}

function supportedRules(context: Record<string, unknown>): CompactionRules {
  const rules = rulesFor(context);
  invariant(rules.supported, 'this JSON-LD context uses features the direct builder does not support; use toJsonLd');
  return rules;
}

/** Runs of adjacent statements with the same subject: ranges of an array, groups gathered from other iterables. */
function* subjectRuns(quads: Iterable<Quad>): Generator<Run> {
  if (Array.isArray(quads)) {
    const all = quads as readonly Quad[];
    let start = 0;
    for (let i = 1; i <= all.length; i++) {
      if (i === all.length || !all[i]!.subject.equals(all[start]!.subject)) {
        yield [all, start, i];
        start = i;
      }
    }
    return;
  }
  let group: Quad[] = [];
  for (const q of quads) {
    if (group.length > 0 && !q.subject.equals(group[0]!.subject)) {
      yield [group, 0, group.length];
      group = [];
    }
    group.push(q);
  }
  if (group.length > 0) yield [group, 0, group.length];
}

/**
 * One piece of the dataset document's `@graph`: the node objects of a group of statements (for example one
 * record's), each starting on a line of its own, for jsonLdFrame. The statements may come in any order and
 * repeat: they are put in the dumps' order first, so the piece depends only on the set of statements. Pass
 * `sorted` when they already are in that order (sortedGraph's), to skip the sort. Empty for no statements; an
 * empty piece must not be joined (assembleJsonLd skips it). A subject should be in one piece only: in two, its
 * node objects still expand to the same graph, but the document holds it twice.
 */
export function jsonLdPiece(
  quads: Iterable<Quad>,
  context: Record<string, unknown>,
  options: { sorted?: boolean } = {},
): string {
  const rules = supportedRules(context);
  const out: string[] = [];
  for (const run of subjectRuns(options.sorted ? quads : sortedGraph(quads).quads)) {
    out.push(out.length === 0 ? NODE_FIRST : NODE_NEXT, nodeString(run, rules, 4));
  }
  return out.join('');
}

/** The dataset document from pieces (jsonLdPiece), written as they come: the frame around the non-empty ones. */
export async function* assembleJsonLd(
  context: Record<string, unknown>,
  pieces: Iterable<string> | AsyncIterable<string>,
): AsyncGenerator<string> {
  const frame = jsonLdFrame(context);
  yield frame.head;
  let first = true;
  for await (const piece of pieces) {
    if (piece === '') continue;
    yield first ? piece : frame.separator + piece;
    first = false;
  }
  yield frame.tail;
}

/** What comes before a node object in @graph: the first, and every other. */
const NODE_FIRST = breakAt(4);
const NODE_NEXT = commaBreakAt(4);
/**
 * Characters per chunk: one string of a megabyte, as many as writePieces gathers before it writes, so it writes each
 * chunk as it comes rather than joining pieces again, and a chunk is one large object V8 never copies between
 * generations rather than thousands of small strings that every young-generation collection would copy.
 */
const CHUNK_CHARS = 1 << 20;

/** Chunks of one document from subjects and their statements: a lone subject is merged into the top level. */
function* documentChunks(
  runs: Iterable<Run>,
  context: Record<string, unknown>,
  rules: CompactionRules,
): Generator<string> {
  // The first subject is held back until a second one shows whether the document needs @graph.
  let first: Run | undefined;
  let count = 0;
  let out: string[] = [];
  let chars = 0;
  for (const run of runs) {
    count++;
    if (count === 1) {
      first = run;
      continue;
    }
    if (count === 2) {
      out.push(jsonLdFrame(context).head, NODE_FIRST, nodeString(first!, rules, 4));
      first = undefined;
    }
    const node = nodeString(run, rules, 4);
    out.push(NODE_NEXT, node);
    chars += NODE_NEXT.length + node.length;
    if (chars >= CHUNK_CHARS) {
      yield out.join('');
      out = [];
      chars = 0;
    }
  }
  if (count >= 2) {
    out.push(jsonLdFrame(context).tail);
    yield out.join('');
  } else if (first === undefined) yield `${JSON.stringify({ '@context': context, '@graph': [] }, null, 2)}\n`;
  else {
    // The node's keys after the context's, as `{ '@context': context, ...node }` has them (with regular keys).
    const node: string[] = [];
    if (writeRegularNode(node, first, rules, 0)) {
      // The document's object in place of the node's opening brace, the context as its first key.
      node[0] = `{\n  "@context": ${JSON.stringify(context, null, 2).replace(/\n/g, '\n  ')},`;
      node.push('\n');
      yield node.join('');
    } else {
      const [quads, start, end] = first;
      const object = nodeObject(quads[start]!.subject, quads.slice(start, end), rules);
      yield `${JSON.stringify({ '@context': context, ...object }, null, 2)}\n`;
    }
  }
}

/**
 * The document in pieces, one subject at a time, so a large graph never becomes one string. Statements about
 * a subject must be adjacent (as in the sorted graph). The pieces joined equal
 * `JSON.stringify(document, null, 2)`: a lone subject is merged into the top level, as jsonld.js does.
 */
export function* jsonLdChunks(quads: Iterable<Quad>, context: Record<string, unknown>): Generator<string> {
  yield* documentChunks(subjectRuns(quads), context, supportedRules(context));
}

/**
 * The graph as one compact JSON-LD document (subjects in the dumps' order), for small graphs such as one resource's.
 * Named graphs, or a context with features beyond prefixes, @vocab and simple terms, go through jsonld.js.
 */
export async function toJsonLd(quads: Quad[], context: Record<string, unknown>): Promise<string> {
  const rules = rulesFor(context);
  if (!rules.supported || quads.some((q) => q.graph.termType !== 'DefaultGraph')) {
    return viaJsonLdJs(quads, context);
  }
  // Subjects in the dumps' order (N-Triples order of the subject term); each subject's statements in input order.
  const bySubject = new Map<string, Quad[]>();
  for (const q of quads) {
    const key = q.subject.termType === 'BlankNode' ? `_:${q.subject.value}` : `<${q.subject.value}>`;
    const group = bySubject.get(key);
    if (group) group.push(q);
    else bySubject.set(key, [q]);
  }
  const keys = [...bySubject.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    ...documentChunks(
      keys.map((k): Run => [bySubject.get(k)!, 0, bySubject.get(k)!.length]),
      context,
      rules,
    ),
  ].join('');
}

/** jsonld.js must never fetch: every context it sees is given inline (our own), so a fetch is a bug of ours. */
const noNetwork = async (url: string): Promise<never> => {
  throw new InternalError(`refusing to load a remote JSON-LD document: ${url}`);
};

/** jsonld.js fromRDF + compact: the reference the builder is tested against, and the route for what it does not cover. */
export async function viaJsonLdJs(quads: Quad[], context: Record<string, unknown>): Promise<string> {
  // jsonld.js reads RDF/JS quads directly; its typings only know its own dataset shape.
  const expanded = await jsonld.fromRDF(quads as never, { useNativeTypes: false });
  const compacted = await jsonld.compact(expanded, context as jsonld.ContextDefinition, {
    documentLoader: noNetwork as never,
    compactArrays: true,
  });
  return `${JSON.stringify(compacted, null, 2)}\n`;
}
