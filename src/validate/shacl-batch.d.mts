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
}

export interface PreparedShapes {
  readonly batchable: boolean;
}

export function prepareShapes(shapesNt: string, axiomsNt: string): PreparedShapes;
/** `ids`: n3 term ids, subject, predicate and object of each statement in turn. */
export function validateBatch(prepared: PreparedShapes, ids: string[], focus: string[]): Promise<PlainResult[]>;
/** The plain-data form of an rdf-validate-shacl result. */
export function plainResult(r: {
  focusNode: { termType: string; value: string } | null;
  path: { termType: string; value: string } | null;
  value: { termType: string; value: string } | null;
  message: { value: string }[];
  severity: { value: string } | null;
  sourceConstraintComponent: { value: string } | null;
}): PlainResult;

/** rdf-validate-shacl's own environment, making n3 Stores for the shapes graph (pass as its `factory` option). */
export const validatorEnvironment: object;
