// Comunica in front of a store: a query source that takes whole operations, as Comunica's SPARQL-endpoint source does,
// and hands them to the store's own evaluation (Oxigraph in process, with no HTTP and no JSON between; or a remote one).
import type * as RDF from '@rdfjs/types';
import { KeysQueryOperation } from '@comunica/context-entries';
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
import { UpdateRefusedError, type Store } from './store.ts';

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

export class OxigraphQuerySource implements IQuerySource {
  readonly referenceValue = 'projectgraph:embedded-store';
  // Comunica's factories take its own data factory type; n3's terms are RDF/JS terms of the same shape.
  private readonly bindingsFactory = new BindingsFactory(DataFactory as never);

  constructor(private readonly store: Store) {}

  async getFilterFactor(): Promise<number> {
    return 1;
  }

  async getSelectorShape(): Promise<FragmentSelectorShape> {
    return WHOLE_OPERATIONS;
  }

  queryBindings(
    operation: Algebra.Operation,
    _context: IActionContext,
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
        const result = await this.store.query(operation as never);
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

  queryQuads(operation: Algebra.Operation): ReturnType<IQuerySource['queryQuads']> {
    const stream = new TransformIterator(
      async () => {
        // Comunica rewrites DESCRIBE into a union of CONSTRUCTs, one per resource, which is not SPARQL text.
        const parts = operation.type === Algebra.Types.UNION ? (operation as Algebra.Union).input : [operation];
        const quads: RDF.Quad[] = [];
        for (const part of parts) {
          const result = await this.store.query(part as never);
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

  async queryBoolean(operation: Algebra.Ask): Promise<boolean> {
    const result = await this.store.query(operation as never);
    if (result.type !== 'boolean') throw new InternalError(`expected a boolean from the store, got ${result.type}`);
    return result.value;
  }

  async queryVoid(): Promise<void> {
    throw new UpdateRefusedError();
  }

  toString(): string {
    return 'OxigraphQuerySource(embedded store)';
  }
}

/**
 * The context entries that make Comunica query the store: the source given as already identified, so
 * Comunica hands it every operation whole (its selector shape accepts any), and nothing else to query.
 */
export function storeContext(store: Store): Record<string, unknown> {
  const wrapper: IQuerySourceWrapper = { source: new OxigraphQuerySource(store) };
  return { [KeysQueryOperation.querySources.name]: [wrapper] };
}
