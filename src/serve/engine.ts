// The query engine: Comunica in front of the store (the store evaluates whole operations, store/comunica-source.ts),
// fetching only from allow-listed SERVICE endpoints, with results serialised in a chosen media type.
import { InternalError, ProjectgraphError, invariant } from '../errors.ts';
import { QueryEngine } from '@comunica/query-sparql-rdfjs';
import { ArrayIterator } from 'asynciterator';
import type * as RDF from '@rdfjs/types';
import { NOT_IN_IRI, parseQuery, PolicyError, type ParsedQuery } from './query-policy.ts';
import { RDF_XML, toRdfXml } from './rdfxml.ts';
import { toJsonLd } from '../publish/jsonld.ts';
import { SPARQL_RESULTS_NS } from '../vocab.ts';
import { storeContext, type Evaluator } from '../store/comunica-source.ts';
import { KeysInitQuery } from '@comunica/context-entries';

export { RESULT_MEDIA_TYPES, type ResultKind } from './media-types.ts';

export interface Engine {
  readonly comunica: QueryEngine;
  /** The context entries naming the store as Comunica's only source. */
  readonly sources: Record<string, unknown>;
  /** The named graphs of the store (IRIs), so dataset clauses can be checked against what exists. */
  readonly namedGraphs: ReadonlySet<string>;
  /** SPARQL endpoints SERVICE may name; empty: SERVICE is refused. */
  readonly allowService: ReadonlySet<string>;
  /** Comunica's fetch: allow-listed endpoints only. */
  readonly fetch: typeof fetch;
}

export interface EngineOptions {
  namedGraphs: Iterable<string>;
  allowService?: Iterable<string>;
  /** The Comunica engine of an earlier store of this thread: it holds no state of a store, and takes long to make. */
  reuse?: Engine;
}

/**
 * The only way out of the engine: a request to an allow-listed SERVICE endpoint (the URL as listed, with any query
 * string the SPARQL protocol adds). Anything else is refused before a connection is made; the policy refuses
 * SERVICE to other endpoints first, so reaching the refusal here means it let one through.
 */
export function allowListFetch(allowed: ReadonlySet<string>): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const bare = url.split('?')[0] ?? url;
    if (!allowed.has(bare) && !allowed.has(url)) throw new InternalError(`outbound request refused: ${url}`);
    // A redirect could lead anywhere: it is not followed.
    return fetch(input, { ...init, redirect: 'error' });
  };
}

/**
 * The engine over a store: Comunica with the store as its only source. With allow-listed endpoints, Comunica's full
 * build (which can speak the SPARQL protocol) plans SERVICE itself; without, the smaller build with no HTTP at all.
 */
export async function createEngine(store: Evaluator, options: EngineOptions): Promise<Engine> {
  const allowService = new Set(options.allowService ?? []);
  const federated = allowService.size > 0;
  // The full build is loaded only when it is needed: it is far larger. Both builds share the QueryEngine API.
  const comunica =
    options.reuse?.comunica ??
    withoutMetadata(
      federated
        ? (new (await import('@comunica/query-sparql')).QueryEngine() as unknown as QueryEngine)
        : new QueryEngine(),
    );
  return {
    comunica,
    sources: storeContext(store, federated),
    namedGraphs: new Set(options.namedGraphs),
    allowService,
    fetch: allowListFetch(allowService),
  };
}

/**
 * Comunica's SPARQL JSON writer adds a "metadata" member (its HTTP request count) that the SPARQL 1.1 JSON results
 * format does not have; its `emitMetadata` option turns that off, but the prebuilt engine fixes it to true.
 */
export function withoutMetadata(engine: QueryEngine): QueryEngine {
  // The actor graph is Comunica's internal wiring, untyped from here; only the one documented option is touched.
  const init = (
    engine as unknown as { actorInitQuery: { mediatorQueryResultSerialize: { bus: { actors: unknown[] } } } }
  ).actorInitQuery;
  const actors = init.mediatorQueryResultSerialize.bus.actors as { name: string; emitMetadata?: boolean }[];
  const json = actors.find((a) => a.name === 'urn:comunica:default:query-result-serialize/actors#sparql-json');
  invariant(json && json.emitMetadata !== undefined, "Comunica's SPARQL JSON writer was not found to configure");
  json.emitMetadata = false;
  return engine;
}

/** The part of Comunica's result streams (asynciterator) that the row limit uses. */
interface ResultIterator {
  take(limit: number): ResultIterator;
  toArray(): Promise<unknown[]>;
}

export interface QueryRequest {
  /** The query text, or a query already parsed and checked by the policy. */
  query: string | ParsedQuery;
  /** Base IRI for relative IRIs in the query: the endpoint's URL. */
  baseIri: string;
  /** Protocol dataset (default-graph-uri / named-graph-uri); when given it replaces the query's FROM clauses. */
  defaultGraphs?: string[];
  namedGraphs?: string[];
  /** The media type to write; must be one of RESULT_MEDIA_TYPES for the query's kind. */
  mediaType: string;
  /** The most rows (or triples) returned; more are cut and `truncated` says so. */
  maxRows: number;
  /** The context JSON-LD results are compacted with (plain JSON, so it can cross to a worker). */
  jsonLdContext?: Record<string, unknown>;
}

export interface QueryResponse {
  body: string;
  mediaType: string;
  truncated: boolean;
  rows: number;
}

/** Runs one query to the end and returns the serialised result. Throws PolicyError for refused queries. */
export async function executeQuery(engine: Engine, request: QueryRequest): Promise<QueryResponse> {
  try {
    return await evaluate(engine, request);
  } catch (e) {
    throw clientFault(e) ?? e;
  }
}

/**
 * Errors Comunica throws that the query caused, as refusals (400) with the engine's words; anything else stays a
 * fault of ours. Comunica raises an invalid regular expression or REGEX/REPLACE flag as a hard error, not as the
 * expression error SPARQL says it is, and evaluates the algebra recursively (the policy bounds the nesting).
 */
function clientFault(e: unknown): PolicyError | undefined {
  if (e instanceof PolicyError) return undefined;
  // The store refusing a query the policy let through (store/embedded.ts refusal()).
  if (e instanceof ProjectgraphError && (e.code === 'QUERY_SYNTAX' || e.code === 'QUERY_REFUSED'))
    return new PolicyError(e.message, 400, e.code);
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new PolicyError('the query is too complex to evaluate here: it nests too deeply');
  }
  if (e instanceof SyntaxError && /^Invalid regular expression/.test(e.message))
    return new PolicyError(`invalid query: ${e.message}`);
  if (e instanceof Error && /^(Invalid flags|Duplicate flag)/.test(e.message)) {
    return new PolicyError(`invalid query: REGEX or REPLACE flags: ${e.message}`);
  }
  return undefined;
}

/**
 * Comunica's IRI()/URI() and STRDT() build IRIs from any string, where SPARQL wants an expression error; an answer
 * holding one could not be read by any client, so the query is refused with the IRI it made.
 */
function checkIris(items: unknown[], kind: 'bindings' | 'quads'): void {
  const check = (t: RDF.Term) => {
    const iri = t.termType === 'NamedNode' ? t.value : t.termType === 'Literal' ? t.datatype.value : '';
    if (NOT_IN_IRI.test(iri))
      throw new PolicyError(`the query made an IRI that is not valid: ${JSON.stringify(iri.slice(0, 200))}`);
    if (t.termType === 'Quad') for (const part of [t.subject, t.predicate, t.object]) check(part);
  };
  for (const item of items) {
    if (kind === 'quads') {
      const q = item as RDF.Quad;
      for (const t of [q.subject, q.predicate, q.object, q.graph]) check(t);
    } else {
      for (const [, t] of item as Iterable<[RDF.Variable, RDF.Term]>) check(t);
    }
  }
}

async function evaluate(engine: Engine, request: QueryRequest): Promise<QueryResponse> {
  const parsed =
    typeof request.query === 'string'
      ? parseQuery(request.query, {
          baseIri: request.baseIri,
          knownGraphs: engine.namedGraphs,
          allowService: engine.allowService,
        })
      : request.query;
  const operation = datasetUnderForm(parsed.withDataset(request.defaultGraphs, request.namedGraphs));
  const context: Record<string, unknown> = { ...engine.sources, baseIRI: request.baseIri, fetch: engine.fetch };
  // Comunica keeps the text only when the store takes the whole query; it then reads the text itself.
  if (parsed.text !== undefined) context[KeysInitQuery.queryString.name] = parsed.text;
  // The traqula algebra is what Comunica's own parser actor produces; its typings are a separate copy,
  // and the context's source entry is one Comunica's public context type does not name.
  const result = await engine.comunica.query(operation as never, context as never);
  let rows = 0;
  let truncated = false;
  let counted: RDF.Query<RDF.AllMetadataSupport> = result;
  if (result.resultType === 'boolean' && request.mediaType === 'application/sparql-results+xml') {
    // Comunica 5.4's XML writer fails on booleans (it asks them for metadata they lack); the document is one element.
    const body = `<?xml version="1.0"?>\n<sparql xmlns="${SPARQL_RESULTS_NS}">\n  <head></head>\n  <boolean>${String(await result.execute())}</boolean>\n</sparql>\n`;
    return { body, mediaType: request.mediaType, truncated: false, rows: 1 };
  }
  if (result.resultType === 'bindings' || result.resultType === 'quads') {
    const stream = (await result.execute()) as unknown as ResultIterator;
    // One item past the limit tells whether the result was cut, without reading further. The rows are held
    // (at most maxRows) and handed to the writer as a fresh iterator: Comunica's writers miss the end of a
    // stream that has already ended, which an empty limited stream has.
    const items = await stream.take(request.maxRows + 1).toArray();
    truncated = items.length > request.maxRows;
    const kept = truncated ? items.slice(0, request.maxRows) : items;
    rows = kept.length;
    checkIris(kept, result.resultType);
    if (result.resultType === 'quads' && request.mediaType === 'application/ld+json') {
      // Comunica's streaming JSON-LD writer repeats a key within one object when a subject's triples are not
      // adjacent, and JSON readers then keep only the last; jsonld.js writes each node once.
      const body = await toJsonLd(kept as RDF.Quad[], request.jsonLdContext ?? {});
      return { body, mediaType: request.mediaType, truncated, rows };
    }
    if (result.resultType === 'quads' && request.mediaType === RDF_XML) {
      // Comunica has no RDF/XML writer.
      const body = await toRdfXml(kept as RDF.Quad[], xmlPrefixes(request.jsonLdContext));
      return { body, mediaType: request.mediaType, truncated, rows };
    }
    counted = {
      ...result,
      execute: async () => new ArrayIterator(kept, { autoStart: false }),
    } as unknown as typeof result;
  }
  if (
    result.resultType === 'boolean' &&
    (request.mediaType === 'text/csv' || request.mediaType === 'text/tab-separated-values')
  ) {
    // SPARQL's CSV/TSV formats define only tables; an ASK answer is written as a one-cell table, as Jena does.
    const answer = String(await result.execute());
    const body = request.mediaType === 'text/csv' ? `_askResult\r\n${answer}\r\n` : `?_askResult\n${answer}\n`;
    return { body, mediaType: request.mediaType, truncated: false, rows: 1 };
  }
  const serialised = await engine.comunica.resultToString(counted, request.mediaType, context);
  let body = '';
  for await (const chunk of serialised.data) body += typeof chunk === 'string' ? chunk : String(chunk);
  // Comunica's XML writer leaves a carriage return in a literal as it is, and XML readers turn it into a line feed;
  // as a character reference it survives. Its markup holds none.
  if (request.mediaType === 'application/sparql-results+xml') body = body.replace(/\r/g, '&#13;');
  return { body, mediaType: request.mediaType, truncated, rows };
}

/**
 * The translation puts a dataset (`from`) above the form, where Comunica takes an ASK, CONSTRUCT or DESCRIBE for a
 * SELECT once it hands the whole operation to the store: the dataset goes under the form.
 */
function datasetUnderForm(operation: unknown): unknown {
  const node = operation as { type?: string; input?: { type?: string; input?: unknown } };
  const form = node.input;
  if (node.type !== 'from' || !form || !['ask', 'construct', 'describe'].includes(form.type ?? '')) return operation;
  return { ...form, input: { ...node, input: form.input } };
}

/** The namespaces of the JSON-LD context (its string members that end like a namespace), for RDF/XML's xmlns. */
export function xmlPrefixes(context: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(context ?? {})) {
    if (typeof v === 'string' && /^[A-Za-z_][\w.-]*$/.test(k) && !/^xml/i.test(k) && /[/#]$/.test(v)) out[k] = v;
  }
  return out;
}
