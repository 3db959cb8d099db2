// The fast path for reading a record: js-yaml, held to give exactly the `yaml` package's value, or to step aside.
import { load, Schema, Type, type State } from 'js-yaml';
import { Document, isScalar } from 'yaml';
import { InternalError } from '../errors.ts';

/*
 * The `yaml` package (parseDocument, then toJS) defines what a record file means: its YAML 1.2 core schema, its
 * errors, its alias limit, its duplicate-key check. js-yaml reads the same files several times faster. This module
 * runs js-yaml only where the two are known to agree and answers `undefined` everywhere else, so that the caller
 * reads the file with `yaml` as before; anything js-yaml refuses also goes back to `yaml`, which then either
 * refuses it with its own located message or, where js-yaml was the stricter one, reads it.
 *
 * Where they differ, and how each difference is kept out:
 * - Plain scalars: js-yaml's own types are not used. One implicit type asks the `yaml` package's core-schema tags
 *   themselves (taken from a Document, so the same objects parseDocument uses), in their order: `yes`, `0777`,
 *   `2020-01-01`, `1_000` and `<<` stay text, `0o17` is 15, exactly as today.
 * - Explicit tags (`!!str`, `!x`, `!`) and anchors or aliases: js-yaml's schema here names no standard tag, so a
 *   tag is an "unknown tag" error, and the listener steps aside at any `!` or anchor. No alias can then resolve,
 *   so the `yaml` path keeps its limit on alias expansion ("billion laughs").
 * - Directives (`%YAML 1.1` switches `yaml` to the 1.1 schema) and verbatim tags: stepped aside from on sight.
 * - Keys: js-yaml writes a null key as "null" and a list key as its items joined by commas, where `yaml` writes
 *   "" and YAML text; a "null" key, or any list or map that closed without ending up as a value, steps aside.
 * - Duplicate keys, multiple documents, non-printable characters, nesting deeper than 100: js-yaml throws.
 */

/** The core-schema scalar tags parseDocument resolves plain scalars with, in the order it tries them. */
const YAML_DOCUMENT = new Document();
const CORE_SCALAR_TAGS = YAML_DOCUMENT.schema.tags.filter((t) => !t.collection && t.default === true && t.test);
/** A tag that applies only to keys would need to know which scalars are keys, which this path does not track. */
const KEY_ONLY_TAGS = YAML_DOCUMENT.schema.tags.some((t) => t.default === 'key');

/** Thrown from inside js-yaml to stop at the first sign that only `yaml` can say what the file means. */
const STEP_ASIDE = new InternalError('read with the yaml package');

let resolved: unknown;
const yamlCoreScalar = new Type('tag:projectgraph.invalid,2026:yaml-core-scalar', {
  kind: 'scalar',
  resolve(data: unknown): boolean {
    if (typeof data !== 'string') return false;
    for (const tag of CORE_SCALAR_TAGS) {
      if (!tag.test?.test(data)) continue;
      let failed = false;
      const value: unknown = tag.resolve(data, () => (failed = true), YAML_DOCUMENT.options);
      if (failed) throw STEP_ASIDE;
      resolved = isScalar(value) ? value.value : value;
      return true;
    }
    return false;
  },
  construct: () => resolved,
});

const SCHEMA = new Schema({ implicit: [yamlCoreScalar] });

/**
 * Text where the two parsers were seen to read differently, found by comparing them (test/ingest/fast-yaml.test.ts):
 * a tab (js-yaml lets tabs indent where `yaml` refuses them), a verbatim tag, a directive line, a carriage return
 * that ends no line, a backslash at a line end (an escaped line break in double quotes), a document marker line,
 * a `#` straight after a quote, bracket or comma, a byte-order mark inside the text.
 */
const SEEN_DIFFERENT = /\t|!<|(?:^|[\r\n])(?:%|---|\.\.\.)|\r(?!\n)|\\\r?\n|["'[\]{},]#|\ufeff/;

/**
 * An empty list item (a line holding only its dash), then a dash at another column: js-yaml takes any dash after an
 * empty item for the same list, where `yaml` refuses a dash less indented than the list's.
 */
const EMPTY_ITEM_THEN_OTHER_DASH =
  /^( *)- *(?:#[^\r\n]*)?\r?\n(?: *(?:#[^\r\n]*)?\r?\n)*(?!\1-(?:[ \r\n]|$)) *-(?:[ \r\n]|$)/m;

/** The parts of js-yaml's parser state the listener reads, which @types/js-yaml does not declare. */
interface NodeState extends State {
  tag: string | null;
  anchor: string | null;
}

/** The value `yaml` would give `text` (already decoded, without its byte-order mark), or undefined: ask `yaml`. */
export function fastParse(text: string): unknown {
  if (KEY_ONLY_TAGS || SEEN_DIFFERENT.test(text) || EMPTY_ITEM_THEN_OTHER_DASH.test(text)) return undefined;
  const collections = new Set<unknown>();
  const opened: number[] = [];
  let value: unknown;
  try {
    value = load(text, {
      schema: SCHEMA,
      listener(event, state) {
        if (event === 'open') {
          opened.push(state.position);
          return;
        }
        const s = state as NodeState;
        const from = opened.pop() ?? 0;
        if (s.anchor !== null || s.tag === '!') throw STEP_ASIDE;
        if (s.kind === 'mapping' || s.kind === 'sequence') collections.add(s.result);
        // A quoted scalar or flow collection over several lines: js-yaml does not hold its lines to the indentation
        // `yaml` requires of them.
        const last = s.input[s.position - 1];
        if (last === '"' || last === "'" || last === ']' || last === '}') {
          const first = firstTokenAt(s.input, from);
          if (CLOSER[s.input[first] ?? ''] === last && first < s.lineStart) {
            throw STEP_ASIDE;
          }
        }
      },
    });
  } catch {
    return undefined;
  }
  // An empty file, or one holding a lone scalar: rare, and `yaml` settles them without a question of keys.
  if (value === null || typeof value !== 'object') return undefined;
  if (!onlyValueCollections(value, collections) || collections.size > 0) return undefined;
  return value;
}

/** The closing character of a quoted scalar or flow collection, by its opening one. */
const CLOSER: Readonly<Record<string, string>> = { '"': '"', "'": "'", '[': ']', '{': '}' };

/** Where the next token starts from `at`: past spaces, line breaks and comments. */
function firstTokenAt(input: string, at: number): number {
  let i = at;
  for (;;) {
    const c = input.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23) {
      while (i < input.length && input.charCodeAt(i) !== 0x0a && input.charCodeAt(i) !== 0x0d) i++;
    } else return i;
  }
}

/**
 * Walks the value, taking every list and map it reaches out of `collections` (what is left closed as a key);
 * false at a key js-yaml made from a null or a map.
 */
function onlyValueCollections(root: object, collections: Set<unknown>): boolean {
  const stack: object[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    collections.delete(node);
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push(item);
      continue;
    }
    for (const key of Object.keys(node)) {
      if (key === 'null' || key === '[object Object]') return false;
      const item: unknown = (node as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') stack.push(item);
    }
  }
  return true;
}
