// Writes a record as YAML the way editors write them: keys in the order of the record schema, long text as folded blocks.
import { Document, Scalar, isMap, isPair, isScalar, visit } from 'yaml';
import { z } from 'zod';
import { RECORD_KINDS, type RecordKind } from '../ingest/schema.ts';

/** Running text (these fields) longer than this, or with line breaks, is written as a folded block (`>-`). */
const FOLD_AT = 80;
const RUNNING_TEXT = new Set(['background', 'description', 'outcomes']);

export function recordToYaml(kind: RecordKind, record: unknown, comment?: string): string {
  const doc = new Document(ordered(record, RECORD_KINDS[kind].schema));
  visit(doc, {
    Pair(_key, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || !RUNNING_TEXT.has(String(pair.key.value))) return;
      // Plain Dutch text, or each language of a { nl, en } map.
      const values = isMap(pair.value) ? pair.value.items.map((i) => i.value) : [pair.value];
      for (const v of values) {
        if (isScalar(v) && typeof v.value === 'string' && (v.value.length > FOLD_AT || v.value.includes('\n')))
          v.type = Scalar.BLOCK_FOLDED;
      }
    },
  });
  if (comment !== undefined) doc.commentBefore = ` ${comment}`;
  return doc.toString({ lineWidth: 100, minContentWidth: 40 });
}

/** A copy whose object keys follow the schema's field order; keys the schema does not know come last, sorted. */
export function ordered(value: unknown, schema: z.ZodType | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, elementOf(schema)));
  if (value === null || typeof value !== 'object') return value;
  const shape = shapeOf(schema);
  const known = shape ? Object.keys(shape).filter((k) => k in value) : [];
  const rest = Object.keys(value)
    .filter((k) => !known.includes(k))
    .sort();
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(
    [...known, ...rest].filter((k) => obj[k] !== undefined).map((k) => [k, ordered(obj[k], shape?.[k])]),
  );
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault)
    s = s.unwrap() as z.ZodType;
  return s;
}

function shapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return s.shape as Record<string, z.ZodType>;
  if (s instanceof z.ZodUnion) {
    for (const option of s.options as z.ZodType[]) {
      const shape = shapeOf(option);
      if (shape) return shape;
    }
  }
  return undefined;
}

function elementOf(schema: z.ZodType | undefined): z.ZodType | undefined {
  const s = unwrap(schema);
  return s instanceof z.ZodArray ? (s.element as z.ZodType) : undefined;
}
