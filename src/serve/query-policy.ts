// What the endpoint agrees to run: parses a query with the parser Comunica uses and refuses, before any evaluation,
// updates, LOAD, SERVICE and dataset clauses naming graphs the store does not hold.
import { Parser } from '@traqula/parser-sparql-1-2';
import { toAlgebra } from '@traqula/algebra-sparql-1-2';
import { DataFactory } from 'n3';
import { XSD } from '../vocab.ts';

/** A query the endpoint refuses; `status` is the HTTP status to answer with. */
export class PolicyError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
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
    super(message, 400);
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
}

/** Parses and checks a query; throws QuerySyntaxError or PolicyError, never evaluates anything. */
export function parseQuery(text: string, options: PolicyOptions): ParsedQuery {
  let ast: { type: string };
  try {
    ast = parser.parse(text, { baseIRI: options.baseIri }) as { type: string };
  } catch (e) {
    throw syntaxError(text, e);
  }
  if (ast.type === 'update') throw new PolicyError('SPARQL Update is not allowed: this endpoint is read-only');
  let algebra: AlgebraNode;
  try {
    algebra = toAlgebra(ast as never, { quads: true, blankToVariable: true, baseIRI: options.baseIri }) as AlgebraNode;
  } catch (e) {
    // The translation rejects a few queries the grammar accepts (e.g. a variable bound twice in a SELECT).
    throw new QuerySyntaxError(`invalid query: ${e instanceof Error ? e.message : String(e)}`);
  }
  visit(algebra, (node) => {
    const refusal = REFUSED[node.type];
    if (refusal) throw new PolicyError(refusal);
    if (node.type === 'from') checkGraphs(node, options.knownGraphs);
    // Functions named by IRI: only the XSD casts are built in; anything else is unknown here, and never looked up.
    if (node.type === 'expression' && node['subType'] === 'named') {
      const name = (node['name'] as { value?: string } | undefined)?.value ?? '';
      if (!name.startsWith(XSD.iri)) throw new PolicyError(`unknown function <${name}>: only SPARQL's built-in functions and XSD casts are available`);
    }
  });
  const body = algebra.type === 'from' ? (algebra['input'] as AlgebraNode) : algebra;
  const form: QueryForm =
    body.type === 'ask' ? 'ask' : body.type === 'construct' ? 'construct' : body.type === 'describe' ? 'describe' : 'select';
  return {
    form,
    withDataset(defaultGraphs, namedGraphs) {
      if (!defaultGraphs?.length && !namedGraphs?.length) return algebra;
      // The protocol's dataset replaces the query's; graphs the store lacks are simply empty (nothing is ever fetched).
      return {
        type: 'from',
        input: body,
        default: (defaultGraphs ?? []).map((g) => DataFactory.namedNode(g)),
        named: (namedGraphs ?? []).map((g) => DataFactory.namedNode(g)),
      };
    },
  };
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

/** Walks every object in the algebra, including expressions (FILTER EXISTS holds patterns too). */
function visit(value: unknown, onNode: (node: AlgebraNode) => void, depth = 0): void {
  if (depth > 10_000) throw new PolicyError('query is nested too deeply');
  if (Array.isArray(value)) {
    for (const item of value) visit(item, onNode, depth + 1);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  // RDF terms carry termType; they hold no operations.
  if ('termType' in value && !('type' in value)) return;
  if ('type' in value && typeof value.type === 'string') onNode(value as AlgebraNode);
  for (const child of Object.values(value)) visit(child, onNode, depth + 1);
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
