// The embedded store: Oxigraph in process holding the named graphs of a build's dataset.nq, queried with the default
// graph as their union; moved to the next build by dropping and reloading only the graphs that changed.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import oxigraph from 'oxigraph';
import type * as Ox from 'oxigraph';
import { DataFactory, Parser as N3Parser } from 'n3';
import type * as RDF from '@rdfjs/types';
import { Parser } from '@traqula/parser-sparql-1-2';
import { toAlgebra, toAst } from '@traqula/algebra-sparql-1-2';
import { Generator as SparqlGenerator } from '@traqula/generator-sparql-1-2';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../publish/change-sets.ts';
import { InternalError, ProjectgraphError } from '../errors.ts';
import { describeBy } from './describe.ts';
import {
  ServiceRefusedError,
  StoreLoadFailure,
  StoreStateError,
  UpdateRefusedError,
  damagedManifest,
  type ChangeSet,
  type Description,
  type GraphInfo,
  type QueryOptions,
  type QueryResult,
  type Store,
  type StoreOperation,
} from './store.ts';

/** Pieces dataset.nq is read in: Oxigraph parses an iterable of byte chunks as one stream, lines may span them. */
const CHUNK_BYTES = 8 << 20;

export interface LoadProgress {
  bytes: number;
  totalBytes: number;
}

export interface LoadOptions {
  /** Called after each chunk of the dump is read. */
  onProgress?: (progress: LoadProgress) => void;
}

/** An algebra node as far as this module needs to see it. */
export interface AlgebraNode {
  type: string;
  [key: string]: unknown;
}

const parser = new Parser();
// A parameter of EmbeddedStore's constructor shadows the module's name.
const newOxigraphStore = (): Ox.Store => new oxigraph.Store();
const generator = new SparqlGenerator();

/** The query as text and what the store needs to know about it before handing it to Oxigraph. */
interface Prepared {
  text: string;
  /** The query names its own dataset (FROM / FROM NAMED). */
  hasDataset: boolean;
  /** The dataset an algebra's top `from` names: given to Oxigraph as options, as SPARQL text cannot hold it there. */
  dataset?: { defaultGraphs: string[]; namedGraphs: string[] };
}

/** Parses text into algebra with the parser Comunica uses. */
export function toOperation(text: string, baseIri?: string): AlgebraNode {
  const ast = parser.parse(text, baseIri === undefined ? {} : { baseIRI: baseIri });
  if ((ast as { type: string }).type === 'update') throw new UpdateRefusedError();
  return toAlgebra(ast as never, {
    quads: true,
    ...(baseIri === undefined ? {} : { baseIRI: baseIri }),
  }) as AlgebraNode;
}

/** Algebra back to SPARQL text, as Comunica's own SPARQL serialiser does it. */
export function toSparql(operation: AlgebraNode): string {
  return generator.generate(toAst(operation as never) as never).trim();
}

/** Every node of the algebra, expressions included (FILTER EXISTS holds patterns too). */
function visit(value: unknown, onNode: (node: AlgebraNode) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, onNode);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if ('termType' in value && !('type' in value)) return;
  if ('type' in value && typeof value.type === 'string') onNode(value as AlgebraNode);
  // Comunica's `metadata` of an operation points at the source it is assigned to, and from there at this store.
  for (const [key, child] of Object.entries(value)) if (key !== 'metadata') visit(child, onNode);
}

/** Refuses SERVICE to anything not allow-listed and tells whether the query names its own dataset. */
export function inspect(operation: AlgebraNode, allowService: ReadonlySet<string>): { hasDataset: boolean } {
  let hasDataset = false;
  visit(operation, (node) => {
    if (node.type === 'from') hasDataset = true;
    if (node.type === 'service') {
      const name = node.name as RDF.Term;
      if (name.termType !== 'NamedNode' || !allowService.has(name.value)) throw new ServiceRefusedError(name.value);
    }
  });
  return { hasDataset };
}

/** Oxigraph's terms live in WebAssembly memory and read each field through it: results are copied out once. */
export function fromOxigraph(term: Ox.Term): RDF.Term {
  switch (term.termType) {
    case 'NamedNode':
      return DataFactory.namedNode(term.value);
    case 'BlankNode':
      return DataFactory.blankNode(term.value);
    case 'Literal':
      return term.language
        ? DataFactory.literal(term.value, term.language)
        : DataFactory.literal(term.value, DataFactory.namedNode(term.datatype.value));
    case 'DefaultGraph':
      return DataFactory.defaultGraph();
    case 'Variable':
      return DataFactory.variable(term.value);
    default:
      return fromOxigraphQuad(term as Ox.Quad);
  }
}

function fromOxigraphQuad(q: Ox.Quad): RDF.Quad {
  return DataFactory.quad(
    fromOxigraph(q.subject) as RDF.Quad_Subject,
    fromOxigraph(q.predicate) as RDF.Quad_Predicate,
    fromOxigraph(q.object) as RDF.Quad_Object,
    fromOxigraph(q.graph) as RDF.Quad_Graph,
  );
}

/**
 * Oxigraph reads a few queries that the SPARQL grammar allows differently from the parser in front of it (an ASK with
 * GROUP BY): such a query is the store's refusal, a 400 with Oxigraph's words, not a fault of the server.
 */
function refusal(e: unknown): unknown {
  const message = e instanceof Error ? e.message : String(e);
  if (!/^error at \d+:\d+/.test(message)) return e;
  return new ProjectgraphError('QUERY_SYNTAX', `the store cannot read this query: ${message.slice(0, 500)}`);
}

/** A term of SPARQL JSON results, as Oxigraph writes them (RDF 1.2 triple terms included). */
interface JsonTerm {
  type: 'uri' | 'bnode' | 'literal' | 'triple';
  value: string | { subject: JsonTerm; predicate: JsonTerm; object: JsonTerm };
  datatype?: string;
  'xml:lang'?: string;
}

function fromJson(term: JsonTerm): RDF.Term {
  const { value } = term;
  if (typeof value !== 'string') {
    return DataFactory.quad(
      fromJson(value.subject) as RDF.Quad_Subject,
      fromJson(value.predicate) as RDF.Quad_Predicate,
      fromJson(value.object) as RDF.Quad_Object,
    );
  }
  if (term.type === 'uri') return DataFactory.namedNode(value);
  if (term.type === 'bnode') return DataFactory.blankNode(value);
  const lang = term['xml:lang'];
  if (lang) return DataFactory.literal(value, lang);
  return DataFactory.literal(value, term.datatype ? DataFactory.namedNode(term.datatype) : undefined);
}

/** The Oxigraph term for an RDF/JS term of any factory. */
function toOxigraph(term: RDF.Term): Ox.Term {
  return oxigraph.fromTerm(term) as Ox.Term;
}

function fileSizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * What went wrong in a load, for the operator. Oxigraph's WebAssembly memory cannot pass 4 GiB; when a load needs
 * more, the module traps (a RuntimeError, "unreachable" or an allocation failure) rather than saying so.
 */
export function loadProblem(e: unknown, readBytes: number, fileBytes: number): string {
  const message = e instanceof Error ? e.message : String(e);
  if (!(e instanceof WebAssembly.RuntimeError)) return message;
  const mb = (n: number) => `${Math.round(n / 1e6).toLocaleString('en')} MB`;
  return (
    `the in-process store stopped (${message}) after ${mb(readBytes)} of ${mb(fileBytes)}: Oxigraph's WebAssembly ` +
    'memory holds at most 4 GiB, too little for a build this large; send the build to a triple store with ' +
    '"projectgraph push --store URL" and run "projectgraph serve --store URL"'
  );
}

/** Yields a file's bytes in chunks, reading synchronously: Oxigraph's load takes a synchronous iterable. */
function* fileChunks(file: string, onProgress?: (p: LoadProgress) => void): Generator<Uint8Array> {
  const fd = openSync(file, 'r');
  try {
    const totalBytes = fstatSync(fd).size;
    let bytes = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      bytes += n;
      yield buffer.subarray(0, n);
      onProgress?.({ bytes, totalBytes });
    }
  } finally {
    closeSync(fd);
  }
}

export interface EmbeddedStoreOptions {
  /** SPARQL endpoints SERVICE may name (Comunica plans those; the store itself never fetches). */
  allowService?: Iterable<string>;
}

export class EmbeddedStore implements Store {
  private manifest: Manifest | undefined;
  private readonly allowService: ReadonlySet<string>;

  constructor(
    /** The Oxigraph store itself, for callers that measure it or need its own API. */
    readonly oxigraph: Ox.Store = newOxigraphStore(),
    options: EmbeddedStoreOptions = {},
  ) {
    this.allowService = new Set(options.allowService ?? []);
  }

  /**
   * Loads a build's output directory: dataset.nq streamed into Oxigraph, and graphs.json (when present) for the
   * state and the graphs' hashes. Blocks the thread for the load, as Oxigraph's load is synchronous WebAssembly:
   * the store is meant to live in a worker thread (worker.ts).
   */
  static async load(outDir: string, options: LoadOptions & EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
    const store = new EmbeddedStore(new oxigraph.Store(), options);
    store.manifest = await readManifest(outDir);
    const quadsFile = path.join(outDir, 'dataset.nq');
    // The build puts each statement in one graph, so Oxigraph's union of the graphs is the triple dumps' set.
    const totalBytes = fileSizeOf(quadsFile);
    const onProgress = options.onProgress;
    let read = 0;
    const chunks = fileChunks(quadsFile, (p: LoadProgress) => {
      read = p.bytes;
      onProgress?.({ bytes: p.bytes, totalBytes });
    });
    try {
      // The store is new and thrown away if the load fails, so the transaction would only cost memory.
      store.oxigraph.load(chunks, { format: 'application/n-quads', no_transaction: true });
    } catch (e) {
      const tooLarge = e instanceof WebAssembly.RuntimeError;
      throw new StoreLoadFailure(quadsFile, loadProblem(e, read, totalBytes), e, !tooLarge);
    }
    return store;
  }

  get state(): string | undefined {
    return this.manifest?.state;
  }

  /**
   * Frees the store's WebAssembly memory at once rather than whenever its wrapper is collected; the store is unusable
   * afterwards. WebAssembly memory never shrinks, but what is freed is reused by the next load in this thread.
   */
  close(): void {
    // wasm-bindgen gives every exported class a free(); oxigraph's typings leave it out.
    (this.oxigraph as unknown as { free(): void }).free();
  }

  /** Evaluates synchronously; query() wraps this for the interface. */
  evaluate(operation: StoreOperation, options: QueryOptions = {}): QueryResult {
    return this.run(this.prepare(operation, options.baseIri), options);
  }

  private run(prepared: Prepared & { form: QueryForm }, options: QueryOptions): QueryResult {
    const protocol = options.defaultGraphs !== undefined || options.namedGraphs !== undefined;
    const oxOptions: Parameters<Ox.Store['query']>[1] = {};
    if (options.baseIri !== undefined) oxOptions.base_iri = options.baseIri;
    const dataset = protocol
      ? { defaultGraphs: options.defaultGraphs ?? [], namedGraphs: options.namedGraphs ?? [] }
      : prepared.dataset;
    if (dataset) {
      // The protocol's dataset replaces the query's; Oxigraph's options take precedence over FROM in the text.
      oxOptions.default_graph = dataset.defaultGraphs.map((g) => oxigraph.namedNode(g));
      oxOptions.named_graphs = dataset.namedGraphs.map((g) => oxigraph.namedNode(g));
    } else if (!prepared.hasDataset) {
      // Oxigraph ignores FROM when this is set, so it is set only for queries without a dataset of their own.
      oxOptions.use_default_graph_as_union = true;
    }
    // Results are taken serialised, in one string: reading each term out of WebAssembly memory field by field costs
    // far more than Oxigraph writing them and V8 parsing them.
    const tabular = prepared.form === 'select' || prepared.form === 'ask';
    let result: ReturnType<Ox.Store['query']>;
    try {
      result = this.oxigraph.query(prepared.text, {
        ...oxOptions,
        results_format: tabular ? 'application/sparql-results+json' : 'application/n-triples',
      } as Parameters<Ox.Store['query']>[1]);
    } catch (e) {
      throw refusal(e);
    }
    if (typeof result === 'boolean') return { type: 'boolean', value: result };
    if (typeof result !== 'string') throw new InternalError('Oxigraph returned terms where a serialisation was asked');
    if (result.startsWith('{')) {
      const json = JSON.parse(result) as {
        head: { vars?: string[] };
        boolean?: boolean;
        results?: { bindings: Record<string, JsonTerm>[] };
      };
      if (json.boolean !== undefined) return { type: 'boolean', value: json.boolean };
      const rows = (json.results?.bindings ?? []).map((row) => {
        const out = new Map<string, RDF.Term>();
        for (const name in row) out.set(name, fromJson(row[name]!));
        return out;
      });
      return { type: 'bindings', variables: json.head.vars ?? [], bindings: syncIterable(rows) };
    }
    return { type: 'quads', quads: syncIterable(new N3Parser({ format: 'N-Triples' }).parse(result)) };
  }

  /**
   * A whole query by its text, already checked by the caller as `operation`: the dataset comes from the operation
   * (where the protocol's replaced the text's own), the rest from Oxigraph's reading of the text.
   */
  evaluateText(text: string, operation: StoreOperation, baseIri?: string): QueryResult {
    const algebra = operation as AlgebraNode;
    const { from } = liftFrom(algebra);
    const iris = (terms: unknown) => ((terms ?? []) as RDF.Term[]).map((t) => t.value);
    const dataset = from ? { defaultGraphs: iris(from.default), namedGraphs: iris(from.named) } : undefined;
    inspect(algebra, this.allowService);
    return this.run(
      { text, hasDataset: dataset !== undefined, form: formOf(algebra), dataset },
      {
        ...(baseIri === undefined ? {} : { baseIri }),
      },
    );
  }

  async query(operation: StoreOperation, options: QueryOptions = {}): Promise<QueryResult> {
    options.signal?.throwIfAborted();
    return this.evaluate(operation, options);
  }

  private prepare(operation: StoreOperation, baseIri?: string): Prepared & { form: QueryForm } {
    const algebra = typeof operation === 'string' ? toOperation(operation, baseIri) : (operation as AlgebraNode);
    const { hasDataset } = inspect(algebra, this.allowService);
    const form = formOf(algebra);
    if (typeof operation === 'string') return { text: operation, hasDataset, form };
    const { rest, from } = liftFrom(algebra);
    if (!from) return { text: toSparql(algebra), hasDataset, form };
    const iris = (terms: unknown) => ((terms ?? []) as RDF.Term[]).map((t) => t.value);
    const dataset = { defaultGraphs: iris(from.default), namedGraphs: iris(from.named) };
    return { text: toSparql(rest), hasDataset, form, dataset };
  }

  /** In a few CONSTRUCT queries, each answered as N-Triples text (far cheaper than terms out of WebAssembly). */
  async describe(iri: string): Promise<Description | undefined> {
    return describeBy(iri, async (text) => {
      const result = this.run({ text, hasDataset: false, form: 'construct' }, {});
      const quads: RDF.Quad[] = [];
      if (result.type === 'quads') for await (const q of result.quads) quads.push(q);
      return quads;
    });
  }

  /**
   * The named graphs with their sizes: counted once, then kept up to date by apply(), so moving to a new build
   * costs what its change set holds rather than a scan of the store.
   */
  async graphs(): Promise<GraphInfo[]> {
    this.graphSizes ??= new Map(
      (
        this.oxigraph.query('SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g') as Map<
          string,
          Ox.Term
        >[]
      ).map((r) => [r.get('g')!.value, Number(r.get('n')!.value)]),
    );
    const sizes = this.graphSizes;
    this.graphNames ??= [...sizes.keys()].sort();
    return this.graphNames.map((name) => {
      const hash = this.manifest?.graphs[name]?.hash;
      return { name, triples: sizes.get(name)!, ...(hash !== undefined ? { hash } : {}) };
    });
  }

  /** Statements per named graph, once graphs() has counted them. */
  private graphSizes: Map<string, number> | undefined;
  /** The graphs' names in order, once graphs() has sorted them; dropped by apply() when a graph comes or goes. */
  private graphNames: string[] | undefined;
  /** Statements of the default graph, once size() has counted them; kept up to date by apply(). */
  private defaultSize: number | undefined;

  async size(): Promise<number> {
    if (this.defaultSize !== undefined) return this.defaultSize;
    // No statement sits in two graphs (published-graphs.ts), so the union needs no DISTINCT to count each once.
    const rows = this.oxigraph.query('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }', {
      use_default_graph_as_union: true,
    }) as Map<string, Ox.Term>[];
    this.defaultSize = Number(rows[0]!.get('n')!.value);
    return this.defaultSize;
  }

  /**
   * Drops every graph the change set names and loads its new content, in one synchronous step: no query of this
   * thread runs in between, so none sees a mix of two builds.
   */
  async apply(changeSet: ChangeSet): Promise<void> {
    if (this.manifest === undefined || this.manifest.state !== changeSet.from) {
      throw new StoreStateError(changeSet.from, this.manifest?.state);
    }
    const graphs = { ...this.manifest.graphs };
    // A statement sits in one graph only, so the union default graph changes by what each graph loses and gains.
    let defaultSize = this.defaultSize;
    for (const g of changeSet.graphs) {
      const name = oxigraph.namedNode(g.name);
      // The graph's size is what the build it came from said of it: no need to read it out of the store.
      if (defaultSize !== undefined) defaultSize -= graphs[g.name]?.triples ?? 0;
      this.oxigraph.update(`DROP SILENT GRAPH <${g.name}>`);
      if (g.quads === undefined) {
        delete graphs[g.name];
        if (this.graphSizes?.delete(g.name)) this.graphNames = undefined;
        continue;
      }
      for (const q of g.quads) {
        const [s, p, o] = [q.subject, q.predicate, q.object].map(toOxigraph) as [never, never, never];
        this.oxigraph.add(oxigraph.quad(s, p, o, name));
      }
      // A change set's graph holds each statement once (the build's sorted, distinct lines).
      const size = g.quads.length;
      graphs[g.name] = { hash: g.hash ?? '', triples: size, offset: 0, length: 0 };
      if (defaultSize !== undefined) defaultSize += size;
      if (this.graphSizes?.has(g.name) !== size > 0) this.graphNames = undefined;
      if (size > 0) this.graphSizes?.set(g.name, size);
      else this.graphSizes?.delete(g.name);
    }
    this.defaultSize = defaultSize;
    this.manifest = { ...this.manifest, state: changeSet.to, sequence: changeSet.sequence, graphs };
  }
}

/** The dataset an operation names (its `from`, above or below the form), as graph IRIs. */
export function datasetOf(operation: StoreOperation): { defaultGraphs: string[]; namedGraphs: string[] } | undefined {
  if (typeof operation === 'string') return undefined;
  const { from } = liftFrom(operation as AlgebraNode);
  if (!from) return undefined;
  const iris = (terms: unknown) => ((terms ?? []) as RDF.Term[]).map((t) => t.value);
  return { defaultGraphs: iris(from.default), namedGraphs: iris(from.named) };
}

/**
 * The dataset node of an algebra, taken out of the chain of single-input operations at its top (above or below the
 * form), with the rest of the chain as it was: SPARQL text has its FROM in one place only.
 */
function liftFrom(algebra: AlgebraNode): { rest: AlgebraNode; from?: AlgebraNode } {
  if (algebra.type === 'from') return { rest: algebra.input as AlgebraNode, from: algebra };
  const input = algebra.input;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { rest: algebra };
  const inner = liftFrom(input as AlgebraNode);
  return inner.from ? { rest: { ...algebra, input: inner.rest }, from: inner.from } : { rest: algebra };
}

export type QueryForm = 'select' | 'ask' | 'construct' | 'describe';

/** The query form, found from the top: modifiers (slice, distinct, from) wrap it. */
export function formOf(operation: AlgebraNode): QueryForm {
  const queue: unknown[] = [operation];
  while (queue.length > 0) {
    const node = queue.shift() as AlgebraNode;
    if (node.type === 'ask' || node.type === 'construct' || node.type === 'describe') return node.type;
    if (node.type === 'project') return 'select';
    const input = node.input;
    if (Array.isArray(input)) queue.push(...input);
    else if (input && typeof input === 'object') queue.push(input);
  }
  return 'select';
}

/** The same triple sits in several graphs (a keyword's label in each project naming it): once in the union. */
export function dedupe(quads: Ox.Quad[] | RDF.Quad[]): RDF.Quad[] {
  const seen = new Map<string, RDF.Quad>();
  for (const q of quads) {
    const t = DataFactory.quad(
      fromOxigraph(q.subject as Ox.Term) as RDF.Quad_Subject,
      fromOxigraph(q.predicate as Ox.Term) as RDF.Quad_Predicate,
      fromOxigraph(q.object as Ox.Term) as RDF.Quad_Object,
    );
    const key = `${termKey(t.subject)} ${termKey(t.predicate)} ${termKey(t.object)}`;
    if (!seen.has(key)) seen.set(key, t);
  }
  return [...seen.values()];
}

function termKey(t: RDF.Term): string {
  if (t.termType === 'Literal') return `"${t.value}"@${t.language}^^${t.datatype.value}`;
  return `${t.termType}:${t.value}`;
}

function syncIterable<T>(items: readonly T[]): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* items;
    },
  };
}

async function readManifest(outDir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(outDir, MANIFEST_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const manifest = parseManifest(text);
  if (typeof manifest === 'string') throw damagedManifest(path.join(outDir, MANIFEST_FILE), manifest);
  return manifest;
}
