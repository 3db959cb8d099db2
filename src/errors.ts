// The one error model: the catalogue of codes (each with its exit status) and the errors that carry them.

/** Where in a source file something is: 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Exit statuses of the command line: scripts may retry on 4 alone (the same command may succeed later). */
export const EXIT = { ok: 0, invalid: 1, usage: 2, fault: 3, unavailable: 4 } as const;
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/**
 * Every code an error or finding of projectgraph carries, with the exit status a command ends with when it fails
 * for that reason, or, for what only the server answers to one request, the HTTP status it answers with.
 * README.md's "Exit codes and error codes" section lists the same codes (a test holds the two together).
 */
export const CODES = {
  // The records (build, validate) and the data an import writes into: exit 1.
  YAML_SYNTAX: { exit: EXIT.invalid, meaning: 'a file is not valid YAML' },
  RECORD_SCHEMA: {
    exit: EXIT.invalid,
    meaning: 'a record lacks a field, has an extra one, or a value of a wrong kind',
  },
  DUPLICATE_ID: { exit: EXIT.invalid, meaning: 'two records have the same id' },
  UNKNOWN_REFERENCE: { exit: EXIT.invalid, meaning: 'a record names an id no record has' },
  INVALID_YEARS: { exit: EXIT.invalid, meaning: 'an end year before the start year, or without one' },
  INVALID_ID: { exit: EXIT.invalid, meaning: 'an id, keyword, place or link that gives no valid IRI' },
  SHACL_VIOLATION: { exit: EXIT.invalid, meaning: 'the RDF of a record breaks a SHACL shape' },
  FILE_TOO_LARGE: { exit: EXIT.invalid, meaning: 'a record or page file is larger than projectgraph reads' },
  ENCODING: { exit: EXIT.invalid, meaning: 'a file is not UTF-8' },
  IO: { exit: EXIT.invalid, meaning: 'a file or directory named as input cannot be found or read' },
  // Wiki pages (import): exit 1 when any is an error; as warnings they do not fail the import.
  EMPTY_FILE: { exit: EXIT.invalid, meaning: 'a page file is empty' },
  BINARY_FILE: { exit: EXIT.invalid, meaning: 'a page file is not text' },
  NOT_A_PAGE: { exit: EXIT.invalid, meaning: 'a file is not a wiki page projectgraph reads' },
  XML_SYNTAX: { exit: EXIT.invalid, meaning: 'a Special:Export file is not well-formed XML' },
  NO_TITLE: { exit: EXIT.invalid, meaning: 'a page has no title' },
  TEMPLATE_BRACES: { exit: EXIT.invalid, meaning: 'a page has unbalanced {{ }}' },
  UNKNOWN_LABEL: { exit: EXIT.invalid, meaning: 'an infobox label the label set does not know' },
  UNKNOWN_SECTION: { exit: EXIT.invalid, meaning: 'a section heading the label set does not know' },
  UNMAPPED_LINE: { exit: EXIT.invalid, meaning: 'a line of a page that becomes no field' },
  INVISIBLE_CHARACTER: { exit: EXIT.invalid, meaning: 'an invisible control character, removed' },
  BAD_VALUE: { exit: EXIT.invalid, meaning: 'a value on a page that does not fit its field' },
  MISSING_FIELD: { exit: EXIT.invalid, meaning: 'a page lacks a field a record needs' },
  DUPLICATE_PAGE: { exit: EXIT.invalid, meaning: 'the same page is given twice' },
  ID_CLASH: { exit: EXIT.invalid, meaning: 'two pages or organisations give the same record id' },
  HAND_EDITED: { exit: EXIT.invalid, meaning: 'a record edited by hand, kept as it is' },
  WRITE_FAILED: { exit: EXIT.invalid, meaning: 'a record could not be written; none were' },
  // Wrong use: exit 2.
  USAGE: { exit: EXIT.usage, meaning: 'wrong command-line use' },
  OUTPUT: { exit: EXIT.usage, meaning: 'an output directory the build refuses, or one another build holds' },
  BUILD_DAMAGED: { exit: EXIT.usage, meaning: 'a build on disk does not match its graphs.json: build again' },
  STORE_LOAD: { exit: EXIT.usage, meaning: 'serve cannot load the build or the store it is pointed at' },
  STORE_CREDENTIALS: { exit: EXIT.usage, meaning: 'the store refused the user name or password' },
  STORE_FORBIDDEN: { exit: EXIT.usage, meaning: 'the account may not write to the store' },
  // The store refused the data: exit 1.
  STORE_REFUSED: { exit: EXIT.invalid, meaning: 'the store refused what was sent, or its answer cannot be read' },
  // Faults: exit 3.
  FAULT: { exit: EXIT.fault, meaning: 'an unexpected failure: a bug of projectgraph' },
  FILESYSTEM: { exit: EXIT.fault, meaning: 'the file system failed (a full disk, a read-only directory)' },
  STORE_DIFFERS: { exit: EXIT.fault, meaning: 'the store holds something other than what was sent' },
  // The store could not be reached: exit 4, retry later.
  STORE_UNREACHABLE: { exit: EXIT.unavailable, meaning: 'the store could not be reached' },
  STORE_TIMEOUT: { exit: EXIT.unavailable, meaning: 'the store did not answer in time' },
  // Answered by the server to one request; they never end a command.
  QUERY_SYNTAX: { http: 400, meaning: 'the query does not parse' },
  QUERY_REFUSED: { http: 400, meaning: 'a query or answer the endpoint refuses (updates, SERVICE, unknown graphs)' },
  QUERY_BUSY: { http: 503, meaning: 'too many queries at once' },
  QUERY_TIMEOUT: { http: 503, meaning: 'the query ran into the time limit' },
  QUERY_MEMORY: { http: 500, meaning: 'the query needed more memory than a query may use' },
  QUERY_FAULT: { http: 500, meaning: 'the query could not be evaluated' },
} as const satisfies Record<string, { meaning: string } & ({ exit: ExitStatus } | { http: number })>;

export type ErrorCode = keyof typeof CODES;

/** The exit status of a command that failed with `code`; a server-only code reaching the command line is a fault. */
export function exitStatus(code: ErrorCode): ExitStatus {
  const entry = CODES[code];
  return 'exit' in entry ? entry.exit : EXIT.fault;
}

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

export interface ErrorDetails {
  location?: SourceLocation;
  field?: string;
  cause?: unknown;
}

/** The base of every error projectgraph throws on purpose: its code, and where known the file and field. */
export class ProjectgraphError extends Error {
  readonly location?: SourceLocation;
  readonly field?: string;
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = 'ProjectgraphError';
    if (details.location) this.location = details.location;
    if (details.field !== undefined) this.field = details.field;
  }
}

/** The code of anything thrown: its own, a file system error's, else a fault. */
export function codeOf(e: unknown): ErrorCode {
  if (e instanceof ProjectgraphError) return e.code;
  if (isFileSystemError(e)) return 'FILESYSTEM';
  return 'FAULT';
}

/** A Node.js system error of the file system (ENOSPC, EROFS, EACCES …): the environment's problem, not a bug. */
export function isFileSystemError(e: unknown): e is NodeJS.ErrnoException & { syscall: string; code: string } {
  const err = e as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof err.syscall !== 'string') return false;
  return typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code);
}

/** Thrown when input is invalid: carries every problem found, so an editor sees them all at once. */
export class DataError extends ProjectgraphError {
  constructor(
    readonly problems: Problem[],
    options?: { cause?: unknown },
  ) {
    const first = problems[0];
    super(first?.code ?? 'RECORD_SCHEMA', problems.map(formatProblem).join('\n'), {
      ...(first?.location ? { location: first.location } : {}),
      ...(first?.field !== undefined ? { field: first.field } : {}),
      ...(options?.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.name = 'DataError';
  }
}

/** Thrown for wrong command-line use. */
export class UsageError extends ProjectgraphError {
  declare readonly code: 'USAGE';
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

/**
 * Thrown when the build will not use an output directory (a folder that is not projectgraph's, the data, the
 * project, a `.git`) or another build holds it: exit 2, and nothing was touched.
 */
export class OutputError extends ProjectgraphError {
  declare readonly code: 'OUTPUT';
  constructor(message: string) {
    super('OUTPUT', message);
    this.name = 'OutputError';
  }
}

/** A build that failed for a reason other than the data: `state` says, in words, what the output is now. */
export class PublishFailure extends ProjectgraphError {
  constructor(
    override readonly cause: unknown,
    readonly state: string,
  ) {
    super(codeOf(cause), `${cause instanceof Error ? cause.message : String(cause)}; ${state}`, { cause });
    this.name = 'PublishFailure';
  }
}

/**
 * A broken invariant of projectgraph's own code (code FAULT): what no input should reach, so a user who meets it
 * has found a bug. The command line prints it with its stack.
 */
export class InternalError extends ProjectgraphError {
  declare readonly code: 'FAULT';
  constructor(message: string, details: ErrorDetails = {}) {
    super('FAULT', message, details);
    this.name = 'InternalError';
  }
}

/** Asserts an invariant of projectgraph's own code; an InternalError when it does not hold. */
export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InternalError(typeof message === 'string' ? message : message());
}
