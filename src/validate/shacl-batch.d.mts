// Types of shacl-batch.mjs (plain JavaScript so that worker threads can load it without a TypeScript loader).
export interface PlainTerm {
  termType: string;
  value: string;
}

/** A validation result as plain data, so it can cross from a worker thread. */
export interface PlainResult {
  focusNode: PlainTerm | null;
  path: PlainTerm | null;
  value: PlainTerm | null;
  message: string[];
  severity: string | null;
  sourceConstraintComponent: string | null;
  /** The shape that gave the result, when it is a named one. */
  sourceShape: string | null;
}

export interface PreparedShapes {
  readonly batchable: boolean;
}

export function prepareShapes(shapesNt: string, axiomsNt: string): PreparedShapes;
/**
 * A batch in the form it crosses to a worker: each distinct term once, as n3 term ids laid end to end in `terms`
 * (`lengths` gives each one's length in UTF-16 code units), and the statements as indexes into that list, subject,
 * predicate and object in turn.
 */
export interface EncodedBatch {
  terms: string;
  lengths: Int32Array;
  statements: Int32Array;
  /** The subjects this batch owns: only results about them count. */
  focus: string[];
}

export function validateBatch(prepared: PreparedShapes, batch: EncodedBatch): Promise<PlainResult[]>;
/** The plain-data form of an rdf-validate-shacl result; `shapes` is the shapes graph it was validated with. */
export function plainResult(r: {
  focusNode: { termType: string; value: string } | null;
  path: { termType: string; value: string } | null;
  value: { termType: string; value: string } | null;
  message: { value: string }[];
  severity: { value: string } | null;
  sourceConstraintComponent: { value: string } | null;
  sourceShape: { termType: string; value: string } | null;
}, shapes: { getObjects(s: unknown, p: unknown, g: unknown): { value: string }[] }): PlainResult;

/** rdf-validate-shacl's own environment, making n3 Stores for the shapes graph (pass as its `factory` option). */
export const validatorEnvironment: object;
