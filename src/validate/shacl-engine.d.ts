// The part of shacl-engine's API (it ships no types) that the SHACL batches use; read from its source (1.1.2).
declare module 'shacl-engine' {
  import type { DataFactory, DatasetCore, Literal, Term } from '@rdfjs/types';
  import type Shape from 'shacl-engine/lib/Shape.js';

  /** A grapoi pointer: `term` is its one term, if it has exactly one. */
  export interface Pointer {
    readonly term: Term | undefined;
    readonly terms: Term[];
  }

  /** One step of a parsed sh:path. */
  export interface PathStep {
    quantifier: 'one' | 'oneOrMore' | 'zeroOrMore' | 'zeroOrOne';
    start: 'subject' | 'object';
    end: 'subject' | 'object';
    predicates: Term[];
  }

  export interface ValidationResult {
    focusNode: Pointer;
    /** The parsed path of the result's shape; null for a node shape. */
    path: PathStep[] | null;
    value?: Pointer;
    severity: Term;
    constraintComponent: Term;
    shape: { ptr: Pointer };
    /** The shape's sh:message, else the engine's own words with the constraint's parameters filled in. */
    readonly message: Literal[];
  }

  export interface ValidationReport {
    readonly conforms: boolean;
    results: ValidationResult[];
  }

  export interface ValidatorOptions {
    /** Makes the terms of the report; `dataset` is used only when the report is built as a graph. */
    factory: DataFactory & { dataset(): DatasetCore };
  }

  export class Validator {
    constructor(shapes: DatasetCore, options: ValidatorOptions);
    /** Every Shape made so far, by its term (a @rdfjs/term-map TermMap). */
    protected shapes: { get(term: Term): Shape | undefined; set(term: Term, shape: Shape): unknown };
    /** The Shape of a pointer into the shapes graph, made once; called for every shape reached. */
    shape(ptr: Pointer): Shape | null;
    /**
     * With `terms`, every shape is applied to those terms regardless of its targets; with `shapes`, only those
     * shapes (pointers whose terms name them in the shapes graph) are applied.
     */
    validate(
      data: { dataset: DatasetCore; terms?: Iterable<Term> },
      shapes?: { terms: Term[] }[],
    ): Promise<ValidationReport>;
  }
}

declare module 'shacl-engine/lib/Shape.js' {
  import type { Pointer, Validator } from 'shacl-engine';

  /** What a shape's validation runs in: the engine's Context, opaque here. */
  export interface Context {
    readonly focusNode: Pointer;
  }

  export default class Shape {
    constructor(ptr: Pointer, options: { validator: Validator });
    readonly ptr: Pointer;
    /** Runs the shape's constraints in `context` (the memo-free part of validate). */
    readonly shapeValidator: { validate(context: Context): Promise<Context> };
    /** Validates in `context`, once per shape, focus node and value path (a memo of the first results). */
    validate(context: Context): Promise<Context>;
  }
}
