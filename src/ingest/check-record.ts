// Checks one parsed YAML value against its record schema and words every problem in YAML terms, located in the file.
import { z } from 'zod';
import { DataError, type Problem } from '../errors.ts';
import { formatField, type FieldPath, type YamlSource } from './read-yaml.ts';

export interface Sourced<T> {
  data: T;
  source: YamlSource;
}

/** Unknown keys listed in one message; the rest are counted (a file of 100,000 stray keys needs no list of them). */
const MAX_KEYS_LISTED = 5;

/**
 * The parsed value of one file checked against `schema`. Throws a DataError naming file, line, column and
 * field for every problem; `what` names the record for messages about the file as a whole ("organisation record").
 */
export function checkRecord<T>(value: unknown, source: YamlSource, schema: z.ZodType<T>, what: string): Sourced<T> {
  const whole = wholeFileProblem(value, schema, what);
  if (whole !== undefined) {
    throw new DataError([{ code: 'RECORD_SCHEMA', message: whole, location: source.locate([]), field: '(record)' }]);
  }
  const parsed = schema.safeParse(value, { error: inYamlTerms });
  if (parsed.success) return { data: parsed.data, source };
  throw new DataError(parsed.error.issues.map((issue) => problemOf(issue, value, source)));
}

/** What is wrong when the file does not hold a mapping of fields at all: empty, a list or a single value. */
function wholeFileProblem(value: unknown, schema: z.ZodType, what: string): string | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return undefined;
  const fields = requiredFields(schema).map((f) => `${f}:`);
  const last = fields.pop();
  const all = fields.length > 0 ? `${fields.join(', ')} and ${last}` : last;
  const needs = last === undefined ? '' : ` and needs at least ${all}`;
  const start =
    value === null || value === undefined
      ? 'the file is empty (or holds only comments)'
      : `the file holds ${describe(value)}, not fields`;
  const article = /^[aeiou]/.test(what) ? 'an' : 'a';
  return `${start}: ${article} ${what} is written as "field: value" lines${needs} (see the record format in README.md)`;
}

/** The fields a record must have, in the order of its schema. */
function requiredFields(schema: z.ZodType): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

function problemOf(issue: z.core.$ZodIssue, value: unknown, source: YamlSource): Problem {
  const fieldPath = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const at: FieldPath = [...fieldPath, keys[0] ?? ''];
    const listed = keys
      .slice(0, MAX_KEYS_LISTED)
      .map((k) => `"${k}"`)
      .join(', ');
    const more = keys.length > MAX_KEYS_LISTED ? ` and ${keys.length - MAX_KEYS_LISTED} more` : '';
    const within = fieldPath.length > 0 ? ` in ${formatField(fieldPath)}` : '';
    return {
      code: 'RECORD_SCHEMA',
      message:
        `unknown field${keys.length > 1 ? 's' : ''} ${listed}${more}${within} ` +
        '(check the spelling; see the record format in README.md)',
      location: source.locate(at, { key: true }),
      field: formatField(at),
    };
  }
  const given = valueAt(value, fieldPath);
  const missing = fieldPath.length > 0 && given === undefined;
  // An empty field is named as such in the message; "(got null)" would only add YAML's word for it.
  const shown = missing || given === null ? undefined : printable(given);
  return {
    code: 'RECORD_SCHEMA',
    message: missing ? `required field is missing: ${issue.message}` : issue.message,
    location: source.locate(fieldPath),
    field: formatField(fieldPath) || '(record)',
    ...(shown !== undefined ? { value: shown } : {}),
  };
}

/**
 * Messages for the checks whose schema gives none of its own, in the words of the YAML an editor writes
 * ("a list", "a map of fields") instead of zod's ("expected array, received string").
 */
function inYamlTerms(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, but the file gives ${describe(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'number') {
        return `expected a number ${issue.inclusive ? 'of at least' : 'above'} ${String(issue.minimum)}`;
      }
      if (issue.origin === 'array') return `expected a list of at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      return undefined;
    case 'too_big':
      if (issue.origin === 'number') {
        return `expected a number ${issue.inclusive ? 'of at most' : 'below'} ${String(issue.maximum)}`;
      }
      return undefined;
    default:
      return undefined;
  }
}

const EXPECTED: Record<string, string> = {
  array: 'a list (lines starting with "- ", or [a, b])',
  object: 'a map of fields ("field: value" lines indented under it, or { field: value })',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** A YAML value as an editor would name it. */
function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (the field is empty)';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  switch (typeof v) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a yes/no value (put text that reads true, false, yes or no in quotes)';
    case 'object':
      return 'a map of fields';
    default:
      return `a ${typeof v}`;
  }
}

function valueAt(value: unknown, p: FieldPath): unknown {
  let v = value;
  for (const key of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function printable(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
