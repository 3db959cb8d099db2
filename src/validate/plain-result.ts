// A SHACL result as plain data, whichever engine gave it: what crosses from a worker thread and becomes a Problem.
import type { Term } from '@rdfjs/types';

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

export interface PlainTerm {
  termType: string;
  value: string;
}

export const plainTerm = (t: Term | null | undefined): PlainTerm | null =>
  t ? { termType: t.termType, value: t.value } : null;
