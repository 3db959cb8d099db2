// Error types of projectgraph: each carries a stable code and, where it has one, the source location it is about.

/** Where in a source file something is: 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export type ErrorCode =
  | 'USAGE' // wrong command-line use: exit 2
  | 'YAML_SYNTAX'
  | 'RECORD_SCHEMA'
  | 'DUPLICATE_ID'
  | 'UNKNOWN_REFERENCE'
  | 'INVALID_YEARS'
  | 'INVALID_ID'
  | 'SHACL_VIOLATION'
  | 'FILE_TOO_LARGE'
  | 'ENCODING'
  | 'IO';

/** One problem in the data, located and worded for an editor. */
export interface Problem {
  code: ErrorCode;
  message: string;
  location?: SourceLocation;
  /** The record field the problem is about, as a path such as `publications[2].event.place`. */
  field?: string;
  /** The offending value, printed as the editor wrote it. */
  value?: string;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '(no location)';
}

/** One line per problem, `file:line:column: field: message (value)`, the shape editors and editors' tools read. */
export function formatProblem(p: Problem): string {
  const where = formatLocation(p.location);
  const field = p.field ? ` ${p.field}:` : '';
  const value = p.value !== undefined ? ` (got ${JSON.stringify(p.value)})` : '';
  return `${where}:${field} ${p.message}${value}`;
}

/** Thrown when input is invalid: carries every problem found, so an editor sees them all at once. */
export class DataError extends Error {
  readonly code: ErrorCode;
  constructor(readonly problems: Problem[], options?: { cause?: unknown }) {
    super(problems.map(formatProblem).join('\n'), options);
    this.name = 'DataError';
    this.code = problems[0]?.code ?? 'RECORD_SCHEMA';
  }
}

/** Thrown for wrong command-line use. */
export class UsageError extends Error {
  readonly code = 'USAGE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Thrown when the build will not use an output directory (a folder that is not projectgraph's, the data, the
 * project, a `.git`) or another build holds it: exit 2, and nothing was touched.
 */
export class OutputError extends Error {
  readonly code = 'OUTPUT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** A build that failed for a reason other than the data: `state` says, in words, what the output is now. */
export class PublishFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly state: string,
  ) {
    super(`${cause instanceof Error ? cause.message : String(cause)}; ${state}`, { cause });
    this.name = 'PublishFailure';
  }
}
