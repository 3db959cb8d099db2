// Writes dataset.jsonld: compact JSON-LD with our shipped context, built per subject straight from the quads.
import { InternalError, invariant } from '../errors.ts';
import jsonld from 'jsonld';
import type { Literal, Quad, Term } from '@rdfjs/types';
import { RDF, XSD } from '../vocab.ts';

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
  private readonly vocab: string | undefined;
  private readonly terms = new Map<string, TermDef[]>();
  private readonly termNames = new Set<string>();
  private readonly keyCache = new Map<string, string>();

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

  /** An IRI in @id position: a compact IRI where a prefix fits, otherwise the full IRI. */
  id(term: Term): string {
    if (term.termType === 'BlankNode') return `_:${term.value}`;
    const iri = term.value;
    for (const [name, ns] of this.prefixes) {
      if (iri.length > ns.length && iri.startsWith(ns) && !iri.slice(ns.length).startsWith('//'))
        return `${name}:${iri.slice(ns.length)}`;
    }
    return iri;
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
    if (key === iri) {
      for (const [name, ns] of this.prefixes) {
        const local = iri.slice(ns.length);
        if (iri.length > ns.length && iri.startsWith(ns) && !local.startsWith('//')) {
          key = `${name}:${local}`;
          break;
        }
      }
    }
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

/**
 * The document in pieces, one subject at a time, so a large graph never becomes one string. Statements about
 * a subject must be adjacent (as in the sorted graph). The pieces joined equal
 * `JSON.stringify(document, null, 2)`: a lone subject is merged into the top level, as jsonld.js does.
 */
export function* jsonLdChunks(quads: Iterable<Quad>, context: Record<string, unknown>): Generator<string> {
  const rules = rulesFor(context);
  invariant(rules.supported, 'this JSON-LD context uses features the direct builder does not support; use toJsonLd');
  const indent = (json: string, pad: string) => json.replace(/\n/g, `\n${pad}`);
  let first: NodeObject | undefined;
  let count = 0;
  const emit = function* (node: NodeObject): Generator<string> {
    count++;
    if (count === 1) {
      first = node;
      return;
    }
    if (count === 2) {
      yield `{\n  "@context": ${indent(JSON.stringify(context, null, 2), '  ')},\n  "@graph": [\n    ${indent(JSON.stringify(first, null, 2), '    ')}`;
      first = undefined;
    }
    yield `,\n    ${indent(JSON.stringify(node, null, 2), '    ')}`;
  };
  let subject: Term | undefined;
  let group: Quad[] = [];
  for (const q of quads) {
    if (subject !== undefined && !q.subject.equals(subject)) {
      yield* emit(nodeObject(subject, group, rules));
      group = [];
    }
    subject = q.subject;
    group.push(q);
  }
  if (subject !== undefined) yield* emit(nodeObject(subject, group, rules));
  if (count >= 2) yield '\n  ]\n}\n';
  else yield `${JSON.stringify({ '@context': context, ...(first ?? { '@graph': [] }) }, null, 2)}\n`;
}

/**
 * The node objects of `quads` (statements about a subject adjacent), each as jsonLdChunks writes it inside
 * "@graph": a dump of two or more nodes is jsonLdHead + the nodes joined by ",\n    " + jsonLdTail.
 */
export function jsonLdNodes(quads: Iterable<Quad>, context: Record<string, unknown>): string[] {
  const rules = rulesFor(context);
  invariant(rules.supported, 'this JSON-LD context uses features the direct builder does not support; use toJsonLd');
  const out: string[] = [];
  let subject: Term | undefined;
  let group: Quad[] = [];
  const emit = () => {
    if (subject !== undefined)
      out.push(JSON.stringify(nodeObject(subject, group, rules), null, 2).replace(/\n/g, '\n    '));
  };
  for (const q of quads) {
    if (subject !== undefined && !q.subject.equals(subject)) {
      emit();
      group = [];
    }
    subject = q.subject;
    group.push(q);
  }
  emit();
  return out;
}

/** What comes before the nodes of a dump of two or more (see jsonLdNodes). */
export function jsonLdHead(context: Record<string, unknown>): string {
  return `{\n  "@context": ${JSON.stringify(context, null, 2).replace(/\n/g, '\n  ')},\n  "@graph": [\n    `;
}

export const jsonLdTail = '\n  ]\n}\n';

/**
 * The graph as one compact JSON-LD document (subjects in the dumps' order), for small graphs such as one resource's.
 * Named graphs, or a context with features beyond prefixes, @vocab and simple terms, go through jsonld.js.
 */
export async function toJsonLd(quads: Quad[], context: Record<string, unknown>): Promise<string> {
  if (!rulesFor(context).supported || quads.some((q) => q.graph.termType !== 'DefaultGraph')) {
    return viaJsonLdJs(quads, context);
  }
  // Subjects in the dumps' order (N-Triples order of the subject term); each subject's statements in input order.
  const bySubject = new Map<string, Quad[]>();
  for (const q of quads) {
    const key = q.subject.termType === 'BlankNode' ? `_:${q.subject.value}` : `<${q.subject.value}>`;
    const list = bySubject.get(key);
    if (list) list.push(q);
    else bySubject.set(key, [q]);
  }
  const keys = [...bySubject.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    ...jsonLdChunks(
      keys.flatMap((k) => bySubject.get(k)!),
      context,
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
