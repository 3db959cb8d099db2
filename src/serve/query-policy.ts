// What the endpoint agrees to run: parses a query with the parser Comunica uses and refuses, before any evaluation,
// updates, LOAD, SERVICE and dataset clauses naming graphs the store does not hold.
import { Parser } from '@traqula/parser-sparql-1-2';
import { toAlgebra } from '@traqula/algebra-sparql-1-2';
import { DataFactory } from 'n3';
import { ProjectgraphError } from '../errors.ts';
import { XSD } from '../vocab.ts';

/** A query the endpoint refuses; `status` is the HTTP status to answer with. */
export class PolicyError extends ProjectgraphError {
  declare readonly code: 'QUERY_REFUSED' | 'QUERY_SYNTAX';
  constructor(
    message: string,
    readonly status = 400,
    code: 'QUERY_REFUSED' | 'QUERY_SYNTAX' = 'QUERY_REFUSED',
  ) {
    super(code, message);
    this.name = 'PolicyError';
  }
}

/** The query text does not parse; the message carries the parser's words and, where known, line and column. */
export class QuerySyntaxError extends PolicyError {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message, 400, 'QUERY_SYNTAX');
    this.name = 'QuerySyntaxError';
  }
}

export type QueryForm = 'select' | 'ask' | 'construct' | 'describe';

/** A node of the SPARQL algebra, as far as the policy needs to see it. */
interface AlgebraNode {
  type: string;
  [key: string]: unknown;
}

export interface ParsedQuery {
  form: QueryForm;
  /** The query as the client sent it: a store that takes whole queries parses it with its own parser. */
  text?: string;
  /** The algebra with the dataset of the request applied: protocol graphs replace the query's own FROM clauses. */
  withDataset(defaultGraphs?: string[], namedGraphs?: string[]): unknown;
}

// Algebra operations that change data or reach elsewhere. Updates are caught earlier by the AST type; these are the backstop.
const REFUSED: Record<string, string> = {
  service: 'SERVICE is not allowed: this endpoint never sends queries to other services',
  load: 'LOAD is not allowed: this endpoint is read-only and never fetches data',
  compositeupdate: 'SPARQL Update is not allowed: this endpoint is read-only',
  deleteinsert: 'SPARQL Update is not allowed: this endpoint is read-only',
  clear: 'SPARQL Update is not allowed: this endpoint is read-only',
  create: 'SPARQL Update is not allowed: this endpoint is read-only',
  drop: 'SPARQL Update is not allowed: this endpoint is read-only',
  add: 'SPARQL Update is not allowed: this endpoint is read-only',
  move: 'SPARQL Update is not allowed: this endpoint is read-only',
  copy: 'SPARQL Update is not allowed: this endpoint is read-only',
};

const parser = new Parser({ lexerConfig: { positionTracking: 'full' } });

export interface PolicyOptions {
  baseIri: string;
  /** IRIs of the named graphs in the store: the only graphs FROM / FROM NAMED may name. */
  knownGraphs: ReadonlySet<string>;
  /** SPARQL endpoints the operator allow-listed (`serve --allow-service`): the only ones SERVICE may name. */
  allowService?: ReadonlySet<string>;
}

/**
 * The XSD casts Comunica evaluates (it has a function-factory actor for each); any other xsd: function would fail
 * only when evaluated, as a fault of ours instead of the client's.
 */
const XSD_CASTS = new Set(
  [
    'string',
    'boolean',
    'integer',
    'decimal',
    'float',
    'double',
    'dateTime',
    'date',
    'time',
    'duration',
    'dayTimeDuration',
    'yearMonthDuration',
  ].map((name) => `${XSD.iri}${name}`),
);

/**
 * Operations nested deeper than this are refused: the engine evaluates the algebra recursively and would run out of
 * stack (50,000 FILTERs in one group nest 50,000 deep). Real queries stay far below it.
 */
export const MAX_NESTING = 1_000;

/** Parses and checks a query; throws QuerySyntaxError or PolicyError, never evaluates anything. */
export function parseQuery(text: string, options: PolicyOptions): ParsedQuery {
  let ast: { type: string; subType?: string; updates?: { operation?: unknown }[] };
  try {
    ast = parser.parse(text, { baseIRI: options.baseIri }) as typeof ast;
  } catch (e) {
    // The parser descends recursively: a query nested thousands of groups deep exhausts its stack.
    if (e instanceof RangeError) throw tooDeep();
    throw syntaxError(text, e);
  }
  if (ast.type === 'update') {
    // The grammar reads a text with no operation at all (empty, only comments or PREFIXes) as an empty update.
    if (!ast.updates?.some((u) => u.operation))
      throw new PolicyError('the query is empty: send a SELECT, ASK, CONSTRUCT or DESCRIBE query');
    throw new PolicyError('SPARQL Update is not allowed: this endpoint is read-only');
  }
  let algebra: AlgebraNode;
  try {
    algebra = toAlgebra(ast as never, { quads: true, blankToVariable: true, baseIRI: options.baseIri }) as AlgebraNode;
  } catch (e) {
    if (e instanceof RangeError) throw tooDeep();
    // The translation rejects a few queries the grammar accepts (e.g. a variable bound twice in a SELECT).
    throw new QuerySyntaxError(`invalid query: ${e instanceof Error ? e.message : String(e)}`);
  }
  visit(algebra, (node, depth) => {
    if (depth > MAX_NESTING) throw tooDeep();
    if (node.type === 'service' && options.allowService?.size) {
      checkService(node, options.allowService);
      return;
    }
    const refusal = REFUSED[node.type];
    if (refusal) throw new PolicyError(refusal);
    if (node.type === 'from') checkGraphs(node, options.knownGraphs);
    if (node.type === 'expression' && node.subType === 'operator') checkConstantArguments(node);
    // Functions named by IRI: only the XSD casts are built in; anything else is unknown here, and never looked up.
    if (node.type === 'expression' && node.subType === 'named') {
      const name = (node.name as { value?: string } | undefined)?.value ?? '';
      if (!XSD_CASTS.has(name)) {
        throw new PolicyError(
          `unknown function <${name}>: only SPARQL's built-in functions and the XSD casts are available`,
        );
      }
    }
  });
  // The form is the query's own: the algebra's top is a slice, distinct or order when solution modifiers are given.
  const form = (['ask', 'construct', 'describe'] as const).find((f) => f === ast.subType) ?? 'select';
  if (form === 'select' && isWildcard(ast)) orderWildcard(algebra, ast);
  else if (form !== 'select') algebra = sliceSolutions(algebra);
  const body = algebra.type === 'from' ? (algebra.input as AlgebraNode) : algebra;
  const withFrom = (from: AlgebraNode | undefined): unknown => {
    if (!from) return body;
    // Above an ASK, CONSTRUCT or DESCRIBE the dataset would make Comunica take the query for a SELECT (the whole
    // operation goes to the store as it stands): it goes under the form, over the pattern the form is made from.
    if (form === 'select') return { ...from, input: body };
    return { ...body, input: { ...from, input: body.input } };
  };
  const own = algebra.type === 'from' ? algebra : undefined;
  return {
    form,
    text,
    withDataset(defaultGraphs, namedGraphs) {
      if (!defaultGraphs?.length && !namedGraphs?.length) return withFrom(own);
      // The protocol's dataset replaces the query's; graphs the store lacks are simply empty (nothing is ever fetched).
      return withFrom({
        type: 'from',
        default: (defaultGraphs ?? []).map((g) => DataFactory.namedNode(g)),
        named: (namedGraphs ?? []).map((g) => DataFactory.namedNode(g)),
      });
    },
  };
}

/**
 * LIMIT and OFFSET cut the solutions an ASK, CONSTRUCT or DESCRIBE is made of (SPARQL 1.1 §18.2.4), but the
 * translation puts the slice above the form, so Comunica cut the triples instead and ignored it for ASK (which
 * answered true with OFFSET 100). The slice is moved under the form, where ORDER BY already is.
 */
function sliceSolutions(algebra: AlgebraNode): AlgebraNode {
  if (algebra.type === 'from') return { ...algebra, input: sliceSolutions(algebra.input as AlgebraNode) };
  const form = algebra.input as AlgebraNode | undefined;
  if (algebra.type !== 'slice' || !form || !['ask', 'construct', 'describe'].includes(form.type)) return algebra;
  return { ...form, input: { ...algebra, input: form.input } };
}

/** Characters no IRI may hold (RFC 3987). */
export const NOT_IN_IRI = /[\u0000-\u0020<>"{}|^`\\]/;
/** The flags of XPath regular expressions, which SPARQL's REGEX and REPLACE take. */
const REGEX_FLAGS = /^[smixq]*$/;

/** The value of an argument written as a literal in the query, if it is one. */
function constant(arg: unknown): string | undefined {
  const node = arg as { subType?: string; term?: { termType?: string; value?: string } } | undefined;
  return node?.subType === 'term' && node.term?.termType === 'Literal' ? node.term.value : undefined;
}

/**
 * Mistakes written into the query itself: a regular expression or flags that cannot be compiled, an IRI() of a
 * string no IRI can be. Evaluated, each would be an expression error that quietly drops solutions; refused here,
 * the client learns what it got wrong.
 */
function checkConstantArguments(node: AlgebraNode): void {
  const args = (node.args ?? []) as unknown[];
  const operator = String(node.operator);
  if (operator === 'regex' || operator === 'replace') {
    const pattern = constant(args[1]);
    const flags = constant(args[operator === 'regex' ? 2 : 3]) ?? '';
    if (!REGEX_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
      throw new PolicyError(
        `invalid query: REGEX or REPLACE flags: "${flags}" (SPARQL takes s, m, i, x and q, once each)`,
      );
    }
    if (pattern === undefined || flags.includes('q')) return;
    const source = flags.includes('x') ? pattern.replace(/\s+/g, '') : pattern;
    try {
      new RegExp(source, flags.replace(/[xq]/g, ''));
    } catch (e) {
      throw new PolicyError(`invalid query: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (operator === 'iri' || operator === 'uri') {
    const value = constant(args[0]);
    if (value !== undefined && NOT_IN_IRI.test(value)) {
      throw new PolicyError(`the query made an IRI that is not valid: ${JSON.stringify(value.slice(0, 200))}`);
    }
  }
}

/** SERVICE to an allow-listed endpoint, named by its IRI (a variable could name any endpoint at all). */
function checkService(node: AlgebraNode, allowed: ReadonlySet<string>): void {
  const name = node.name as { termType?: string; value?: string } | undefined;
  if (name?.termType !== 'NamedNode' || !allowed.has(name.value ?? '')) {
    const which = name?.termType === 'NamedNode' ? `<${name.value}>` : 'by a variable';
    throw new PolicyError(
      `SERVICE ${which} is not allowed: this endpoint only queries the endpoints its operator allow-listed (${[...allowed].join(', ')})`,
    );
  }
}

function tooDeep(): PolicyError {
  return new PolicyError(`the query nests its operations too deeply: at most ${MAX_NESTING} levels are evaluated here`);
}

function isWildcard(ast: unknown): boolean {
  const variables = (ast as { variables?: { type?: string }[] }).variables;
  return variables?.length === 1 && variables[0]?.type === 'wildcard';
}

/**
 * SELECT * lists the in-scope variables in the order they first appear in the query, as the spec's examples and
 * Jena and Oxigraph do; the algebra translation sorts them by name.
 */
function orderWildcard(algebra: AlgebraNode, ast: unknown): void {
  let node: AlgebraNode | undefined = algebra;
  // The projection sits under the solution modifiers and the dataset.
  while (node && node.type !== 'project') node = node.input as AlgebraNode | undefined;
  const variables = node?.variables as { value: string }[] | undefined;
  if (!variables) return;
  const order = new Map<string, number>();
  visit((ast as { where?: unknown }).where, (n) => {
    if (n.type === 'term' && n.subType === 'variable' && typeof n.value === 'string' && !order.has(n.value)) {
      order.set(n.value, order.size);
    }
  });
  const rank = (name: string) => order.get(name) ?? Number.MAX_SAFE_INTEGER;
  variables.sort((a, b) => rank(a.value) - rank(b.value));
}

function checkGraphs(node: AlgebraNode, known: ReadonlySet<string>): void {
  for (const key of ['default', 'named'] as const) {
    for (const graph of (node[key] as { value: string }[] | undefined) ?? []) {
      if (!known.has(graph.value)) {
        const clause = key === 'default' ? 'FROM' : 'FROM NAMED';
        throw new PolicyError(
          `${clause} <${graph.value}> names a graph that is not in this dataset; this endpoint only queries its own data and never fetches graphs`,
        );
      }
    }
  }
}

/**
 * Walks every object in the algebra (or AST) in document order, including expressions (FILTER EXISTS holds patterns
 * too). Iterative, so that no query can exhaust the stack here; `depth` counts the typed nodes above a node.
 */
function visit(root: unknown, onNode: (node: AlgebraNode, depth: number) => void): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], depth]);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    // RDF terms carry termType; they hold no operations.
    if ('termType' in value && !('type' in value)) continue;
    const typed = 'type' in value && typeof value.type === 'string';
    if (typed) onNode(value as AlgebraNode, depth);
    const children = Object.values(value);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], typed ? depth + 1 : depth]);
  }
}

/** The parser's message, with line and column added where the parser gave only an offset or nothing. */
function syntaxError(text: string, e: unknown): QuerySyntaxError {
  const message = e instanceof Error ? e.message : String(e);
  let line: number | undefined;
  let column: number | undefined;
  const lineMatch = /on line (\d+)/.exec(message);
  const offsetMatch = /at offset: (\d+)/.exec(message);
  if (offsetMatch) {
    ({ line, column } = position(text, Number(offsetMatch[1])));
  } else if (/found --> '' <--/.test(message)) {
    // The parser ran out of input: the error is at the end of the query.
    ({ line, column } = position(text, text.length));
  } else if (lineMatch) {
    line = Number(lineMatch[1]);
    // The parser draws a caret under the offending token; its dashes give the column.
    const caret = /\n(-*)\^/.exec(message);
    if (caret?.[1] !== undefined) column = caret[1].length + 1;
  }
  const where = line !== undefined ? `line ${line}${column !== undefined ? `, column ${column}` : ''}: ` : '';
  return new QuerySyntaxError(where ? `syntax error at ${where}${message}` : `syntax error: ${message}`, line, column);
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
