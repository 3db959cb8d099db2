// Comunica in front of a store: a query source that takes whole operations, as Comunica's SPARQL-endpoint source
// does, and hands them to the store's own evaluation (Oxigraph in process, with no HTTP between; or a remote store).
import type * as RDF from '@rdfjs/types';
import { KeysInitQuery, KeysQueryOperation } from '@comunica/context-entries';
import type {
  BindingsStream,
  FragmentSelectorShape,
  IActionContext,
  IQueryBindingsOptions,
  IQuerySource,
  IQuerySourceWrapper,
} from '@comunica/types';
import { Algebra, algebraUtils } from '@comunica/utils-algebra';
import { BindingsFactory } from '@comunica/utils-bindings-factory';
import { MetadataValidationState } from '@comunica/utils-metadata';
import { ArrayIterator, TransformIterator, type AsyncIterator } from 'asynciterator';
import { DataFactory } from 'n3';
import { InternalError } from '../errors.ts';
import { UpdateRefusedError, type QueryResult, type StoreOperation } from './store.ts';

/** Everything but DISTINCT over CONSTRUCT (not SPARQL 1.1), as the SPARQL-endpoint source declares it. */
const WHOLE_OPERATIONS: FragmentSelectorShape = {
  type: 'conjunction',
  children: [
    { type: 'operation', operation: { operationType: 'wildcard' }, joinBindings: true },
    {
      type: 'negation',
      child: {
        type: 'operation',
        operation: { operationType: 'type', type: Algebra.Types.DISTINCT },
        children: [
          {
            type: 'operation',
            operation: { operationType: 'type', type: Algebra.Types.CONSTRUCT },
            children: [{ type: 'operation', operation: { operationType: 'wildcard' }, joinBindings: true }],
          },
        ],
      },
    },
  ],
};

/**
 * With SERVICE allowed, every operation but SERVICE: Comunica then hands the store the largest parts without one
 * and evaluates SERVICE itself, against the allow-listed endpoint, joining the two.
 */
const ALL_BUT_SERVICE: FragmentSelectorShape = {
  type: 'disjunction',
  children: Object.values(Algebra.Types)
    .filter((t) => t !== Algebra.Types.SERVICE)
    .map((type) => ({ type: 'operation', operation: { operationType: 'type', type } })),
};

/** Operations that may stand above a projection at the top of a SELECT's algebra. */
const ABOVE_PROJECT = new Set<string>([
  Algebra.Types.SLICE,
  Algebra.Types.DISTINCT,
  Algebra.Types.REDUCED,
  Algebra.Types.FROM,
]);

/** What the source needs of a store: evaluation of one operation (any Store has it). */
export interface Evaluator {
  query(operation: StoreOperation): QueryResult | Promise<QueryResult>;
  /**
   * Evaluation of a whole query by its text, with `operation` (its checked algebra) for the dataset the request gave
   * and the form; the store's own parser reads the text.
   */
  evaluateText?(text: string, operation: StoreOperation, baseIri?: string): QueryResult | Promise<QueryResult>;
}

export class StoreQuerySource implements IQuerySource {
  readonly referenceValue = 'projectgraph:store';
  // Comunica's factories take its own data factory type; n3's terms are RDF/JS terms of the same shape.
  private readonly bindingsFactory = new BindingsFactory(DataFactory as never);

  constructor(
    private readonly store: Evaluator,
    private readonly federated = false,
  ) {}

  async getFilterFactor(): Promise<number> {
    return 1;
  }

  async getSelectorShape(): Promise<FragmentSelectorShape> {
    return this.federated ? ALL_BUT_SERVICE : WHOLE_OPERATIONS;
  }

  queryBindings(
    operation: Algebra.Operation,
    context: IActionContext,
    options?: IQueryBindingsOptions,
  ): BindingsStream {
    const variables = algebraUtils.inScopeVariables(operation);
    // A TransformIterator emits its source's failure as the stream's error, where Comunica listens for it.
    const stream = new TransformIterator(
      async () => {
        if (options?.joinBindings || options?.filterBindings) {
          // The selector shape offers no bound joins, so Comunica asking for one is a bug of ours.
          throw new InternalError('the embedded store takes whole operations, not bound joins');
        }
        // A part of a federated query is a pattern, not a query: it is asked for as a SELECT of its variables.
        const result = await this.evaluate(asQuery(operation, variables), context);
        if (result.type !== 'bindings') throw new InternalError(`expected bindings from the store, got ${result.type}`);
        const rows: RDF.Bindings[] = [];
        for await (const row of result.bindings) {
          rows.push(this.bindingsFactory.bindings([...row].map(([name, term]) => [DataFactory.variable(name), term])));
        }
        return new ArrayIterator(rows, { autoStart: false });
      },
      { autoStart: false },
    ) as unknown as BindingsStream;
    (stream as unknown as AsyncIterator<unknown>).setProperty('metadata', {
      state: new MetadataValidationState(),
      cardinality: { type: 'estimate', value: Number.POSITIVE_INFINITY },
      variables: variables.map((variable) => ({ variable, canBeUndef: true })),
    });
    return stream;
  }

  queryQuads(operation: Algebra.Operation, context: IActionContext): ReturnType<IQuerySource['queryQuads']> {
    const stream = new TransformIterator(
      async () => {
        // Comunica rewrites DESCRIBE into a union of CONSTRUCTs, one per resource: without the query's text, each
        // goes as its own query.
        const whole = typeof context.get(KeysInitQuery.queryString) === 'string' && this.store.evaluateText;
        const parts =
          operation.type === Algebra.Types.UNION && !whole ? (operation as Algebra.Union).input : [operation];
        const quads: RDF.Quad[] = [];
        for (const part of parts) {
          const result = await this.evaluate(part, context);
          if (result.type !== 'quads') throw new InternalError(`expected quads from the store, got ${result.type}`);
          for await (const q of result.quads) quads.push(q);
        }
        return new ArrayIterator(quads, { autoStart: false });
      },
      { autoStart: false },
    );
    stream.setProperty('metadata', {
      state: new MetadataValidationState(),
      cardinality: { type: 'estimate', value: Number.POSITIVE_INFINITY },
    });
    // Comunica's typings name the CommonJS copy of asynciterator, this module the ES one: the same class.
    return stream as unknown as ReturnType<IQuerySource['queryQuads']>;
  }

  async queryBoolean(operation: Algebra.Ask, context: IActionContext): Promise<boolean> {
    const result = await this.evaluate(operation, context);
    if (result.type !== 'boolean') throw new InternalError(`expected a boolean from the store, got ${result.type}`);
    return result.value;
  }

  /**
   * Comunica keeps the query's text in the context only when it hands the whole query to this one source: the store
   * then gets that text, which it parses itself, and the dataset the request gave; otherwise the operation.
   */
  private evaluate(operation: Algebra.Operation, context: IActionContext | undefined) {
    const text = context?.get(KeysInitQuery.queryString);
    if (typeof text !== 'string' || !this.store.evaluateText) return this.store.query(operation as never);
    const baseIri = context?.get(KeysInitQuery.baseIRI);
    return this.store.evaluateText(text, operation as never, typeof baseIri === 'string' ? baseIri : undefined);
  }

  async queryVoid(): Promise<void> {
    throw new UpdateRefusedError();
  }

  toString(): string {
    return 'StoreQuerySource';
  }
}

/** The operation as a SELECT: as it is when it has a projection at its top, else projected on its variables. */
function asQuery(operation: Algebra.Operation, variables: RDF.Variable[]): Algebra.Operation {
  let node: Algebra.Operation = operation;
  while (ABOVE_PROJECT.has(node.type)) node = (node as Algebra.Operation & { input: Algebra.Operation }).input;
  if (node.type === Algebra.Types.PROJECT) return operation;
  return { type: Algebra.Types.PROJECT, input: operation, variables } as unknown as Algebra.Operation;
}

/**
 * The context entries that make Comunica query the store: the source given as already identified, so Comunica hands
 * it every operation whole (its selector shape accepts any), and nothing else to query. `federated`: SERVICE may
 * appear (allow-listed endpoints), and Comunica keeps it for itself.
 */
export function storeContext(store: Evaluator, federated = false): Record<string, unknown> {
  const wrapper: IQuerySourceWrapper = { source: new StoreQuerySource(store, federated) };
  return { [KeysQueryOperation.querySources.name]: [wrapper] };
}
