// serve --store: answers the endpoint's queries from an external store's SPARQL endpoint instead of memory, under the same policy and limits.
import { QueryEngine } from '@comunica/query-sparql-rdfjs';
import { BindingsFactory } from '@comunica/utils-bindings-factory';
import { ArrayIterator } from 'asynciterator';
import { DataFactory, Parser, Writer } from 'n3';
import type * as RDF from '@rdfjs/types';
import { withoutMetadata, xmlPrefixes, type QueryResponse } from './engine.ts';
import { RDF_XML, toRdfXml } from './rdfxml.ts';
import { parseQuery, PolicyError } from './query-policy.ts';
import { BusyError, QueryFaultError, QueryTimeoutError, StoreLoadError, type StoreInfo } from './worker-pool.ts';
import type { PoolRequest } from './query-worker.ts';
import { mediaTypeForForm } from './admission.ts';
import { toAnswer, type Answer } from './answer.ts';
import { toJsonLd } from '../publish/jsonld.ts';
import { datasetIris as irisOf } from '../dataset-iris.ts';
import { HttpClient, describeFailure, redactUrl, splitCredentials } from '../push/http-client.ts';
import { countGraphs } from '../push/store-counts.ts';
import { SCHEMA, SPARQL_RESULTS_NS } from '../vocab.ts';
import { StorePages, type PageRequest } from './store-pages.ts';
import type { Store } from '../store/store.ts';

export interface RemoteStoreOptions {
  /** The store's SPARQL query endpoint (credentials, if any, in its userinfo). */
  endpoint: string;
  /** The published output: the catalogue and VoID the pages show are read from it. */
  outDir: string;
  /** Queries sent to the store at once; more wait in the queue. */
  concurrency: number;
  queueLimit: number;
  timeoutMs: number;
}

/** A pool request once the query's form has picked its media type. */
type RemoteRequest = Omit<PoolRequest, 'mediaTypes'> & { mediaType: string };

type JsonTerm = { type: string; value: string; datatype?: string; 'xml:lang'?: string };

/**
 * Stands in for the worker pool: the same `run`, the same errors and limits, but each query goes to the
 * store. What keeps the embedded server safe holds here too:
 * - every query is parsed and checked by the same policy before it is sent (no update, LOAD, SERVICE, or
 *   FROM of a graph the dataset lacks), so the store is only ever asked to read;
 * - only the configured endpoint is contacted, and a redirect elsewhere is refused;
 * - the time limit aborts the request (and so the connection the store works for);
 * - results are cut at the row limit here, whatever the store returns, and written in the asked format
 *   by the same serialisers as the embedded endpoint.
 * Results are asked of the store as SPARQL JSON or N-Triples, which every store writes alike.
 */
export class RemoteQueryPool {
  private readonly http: HttpClient;
  private readonly endpoint: URL;
  private readonly comunica = withoutMetadata(new QueryEngine());
  private readonly bindings = new BindingsFactory(DataFactory as never);
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;
  /** Terminations because of the time limit, as the worker pool counts them. */
  timeouts = 0;
  info!: StoreInfo;
  private pages: StorePages | undefined;
  /** An external store is moved by push, not by serve: there is no switch to report. */
  readonly lastSwitch = undefined;
  readonly readyWorkers: number;

  private constructor(
    private readonly options: RemoteStoreOptions,
    private readonly namedGraphs: Set<string>,
  ) {
    const { url, credentials } = splitCredentials(options.endpoint);
    this.endpoint = url;
    this.http = new HttpClient(credentials, options.timeoutMs, 'error');
    this.readyWorkers = options.concurrency;
  }

  get busyWorkers(): number {
    return this.running;
  }

  /** Asks the store for the dataset's IRI, its graphs and size; fails with the reason when the store does not answer. */
  static async start(options: RemoteStoreOptions): Promise<{ pool: RemoteQueryPool; info: StoreInfo }> {
    const pool = new RemoteQueryPool(options, new Set());
    const where = redactUrl(pool.endpoint);
    let datasetIris: string[];
    let counts: Map<string, number>;
    try {
      const datasets = await pool.select(
        `SELECT DISTINCT ?d WHERE { GRAPH ?g { ?d a <${SCHEMA('Dataset').value}> } } LIMIT 10`,
      );
      datasetIris = datasets.map((r) => r.d?.value).filter((v): v is string => v !== undefined);
      const base = datasetIris.find((iri) => iri.endsWith('/dataset'))?.slice(0, -'dataset'.length);
      if (base === undefined) {
        const why = 'it holds no projectgraph dataset (no schema:Dataset in a named graph): push a build to it first';
        throw new StoreLoadError(where, why);
      }
      // FROM / FROM NAMED may name the dataset's own graphs, as with the embedded store.
      counts = await countGraphs(pool.http, pool.endpoint, irisOf(base).graphs.prefix);
    } catch (e) {
      if (e instanceof StoreLoadError) throw e;
      // A QueryFaultError keeps its detail apart from its (client-facing) message; here the operator should see it.
      throw new StoreLoadError(
        where,
        e instanceof QueryFaultError ? e.detail : e instanceof Error ? e.message : String(e),
      );
    }
    for (const g of counts.keys()) pool.namedGraphs.add(g);
    const size = [...counts.values()].reduce((a, b) => a + b, 0);
    pool.info = { namedGraphs: pool.namedGraphs, size, datasetIris, state: undefined };
    return { pool, info: pool.info };
  }

  async run(pooled: PoolRequest): Promise<Answer> {
    // Checked again here, whoever the caller is: nothing but a read of our own graphs reaches the store.
    const parsed = parseQuery(pooled.query, { baseIri: pooled.baseIri, knownGraphs: this.namedGraphs });
    const { mediaTypes, ...rest } = pooled;
    const request: RemoteRequest = { ...rest, mediaType: mediaTypeForForm(parsed.form, mediaTypes) };
    await this.slot();
    try {
      if (parsed.form === 'select' || parsed.form === 'ask')
        return toAnswer(await this.bindingsQuery(request, parsed.form));
      return toAnswer(await this.quadsQuery(request));
    } finally {
      this.release();
    }
  }

  /** A resource's page or RDF, rendered from what the store holds about it. */
  async page(request: PageRequest): Promise<Answer | { file: string } | undefined> {
    await this.slot();
    try {
      this.pages ??= await StorePages.create(this.readOnlyStore(), { outDir: this.options.outDir });
      const page = await this.pages.render(request);
      if (!page) return undefined;
      if (page.kind === 'file') return { file: page.file };
      if (page.kind === 'refused') throw new PolicyError(page.message, page.status);
      return toAnswer(page.response);
    } finally {
      this.release();
    }
  }

  /** What StorePages needs of a store: SELECT for the dataset's IRIs, and a resource's description. */
  private readOnlyStore(): Store {
    const quads = async (query: string) =>
      new Parser({ format: 'N-Triples' }).parse(
        await this.send(
          { query, baseIri: this.endpoint.toString(), mediaType: '', maxRows: 0 },
          'application/n-triples',
        ),
      );
    const store: Pick<Store, 'query' | 'describe'> = {
      query: async (operation) => {
        const rows = await this.select(String(operation));
        const bindings = rows.map((row) => new Map(Object.entries(row).map(([k, t]) => [k, term(t)])));
        return {
          type: 'bindings',
          variables: [],
          bindings: (async function* () {
            yield* bindings;
          })(),
        };
      },
      describe: async (iri) => {
        const own = await quads(`CONSTRUCT { ?s ?p ?o } WHERE {
  { BIND(<${iri}> AS ?s) ?s ?p ?o } UNION
  { <${iri}> ?link ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), "${iri}#")) ?s ?p ?o } }`);
        const incoming = await quads(`CONSTRUCT { ?s ?p <${iri}> } WHERE { ?s ?p <${iri}> }`);
        if (own.length === 0 && incoming.length === 0) return undefined;
        return { own, incoming, context: [] };
      },
    };
    return store as Store;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  private slot(): Promise<void> {
    if (this.closed) return Promise.reject(new BusyError(5));
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.queueLimit)
      return Promise.reject(new BusyError(Math.max(1, Math.ceil(this.options.timeoutMs / 1000))));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          const at = this.waiting.indexOf(wake);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(new BusyError(Math.max(1, Math.ceil(this.options.timeoutMs / 1000))));
          // As in the worker pool: a short wait for a free slot, not a whole time limit.
        },
        Math.min(1000, this.options.timeoutMs),
      );
      const wake = () => {
        clearTimeout(timer);
        if (this.closed) return reject(new BusyError(5));
        this.running++;
        resolve();
      };
      this.waiting.push(wake);
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  /** Sends the query with the protocol's dataset and the endpoint's URL as base; returns the response text. */
  private async send(request: RemoteRequest, accept: string): Promise<string> {
    // Relative IRIs resolve against our endpoint's URL, as in the embedded engine, not against the store's.
    const base = /^[^\s<>"{}|^`\\]+$/.test(request.baseIri) ? `BASE <${request.baseIri}>\n` : '';
    const form = new URLSearchParams({ query: `${base}${request.query}` });
    for (const g of request.defaultGraphs ?? []) form.append('default-graph-uri', g);
    for (const g of request.namedGraphs ?? []) form.append('named-graph-uri', g);
    let res: Response;
    try {
      res = await this.http.request(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
        body: form.toString(),
      });
    } catch (e) {
      if (e instanceof Error && e.name === 'TimeoutError') {
        this.timeouts++;
        throw new QueryTimeoutError(this.options.timeoutMs / 1000);
      }
      throw new QueryFaultError(`the store did not answer: ${describeFailure(e)}`);
    }
    const text = await res.text();
    if (res.ok) return text;
    const detail = text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 300);
    // The store refusing a query our parser accepted is the query's fault (400); anything else is the store's (500).
    if (res.status >= 400 && res.status < 500) throw new PolicyError(`the store refused the query: ${detail}`, 400);
    throw new QueryFaultError(`the store answered HTTP ${res.status}: ${detail}`);
  }

  private async select(query: string): Promise<Record<string, JsonTerm>[]> {
    const text = await this.send(
      { query, baseIri: this.endpoint.toString(), mediaType: 'application/sparql-results+json', maxRows: 0 },
      'application/sparql-results+json',
    );
    return (JSON.parse(text) as { results: { bindings: Record<string, JsonTerm>[] } }).results.bindings;
  }

  private async bindingsQuery(request: RemoteRequest, form: 'select' | 'ask'): Promise<QueryResponse> {
    const text = await this.send(request, 'application/sparql-results+json');
    let json: { head?: { vars?: string[] }; boolean?: boolean; results?: { bindings?: Record<string, JsonTerm>[] } };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new QueryFaultError('the store did not answer with SPARQL JSON results');
    }
    if (form === 'ask') return askResponse(Boolean(json.boolean), request.mediaType);
    const rows = json.results?.bindings ?? [];
    const truncated = rows.length > request.maxRows;
    const kept = truncated ? rows.slice(0, request.maxRows) : rows;
    const vars = json.head?.vars ?? [];
    const bindings = kept.map((row) =>
      this.bindings.bindings(
        Object.entries(row).map(([name, t]) => [DataFactory.variable(name), term(t)] as [RDF.Variable, RDF.Term]),
      ),
    );
    const result = {
      resultType: 'bindings',
      execute: async () => new ArrayIterator(bindings, { autoStart: false }),
      metadata: async () => ({ variables: vars.map((v) => DataFactory.variable(v)) }),
    };
    // The same writers as the embedded endpoint; the result object is built here, not by Comunica's query.
    const serialised = await this.comunica.resultToString(result as never, request.mediaType);
    let body = '';
    for await (const chunk of serialised.data) body += typeof chunk === 'string' ? chunk : String(chunk);
    // As in engine.ts: a carriage return in a literal survives XML only as a character reference.
    if (request.mediaType === 'application/sparql-results+xml') body = body.replace(/\r/g, '&#13;');
    return { body, mediaType: request.mediaType, truncated, rows: kept.length };
  }

  private async quadsQuery(request: RemoteRequest): Promise<QueryResponse> {
    const text = await this.send(request, 'application/n-triples');
    let quads: RDF.Quad[];
    try {
      quads = new Parser({ format: 'N-Triples' }).parse(text);
    } catch (e) {
      throw new QueryFaultError(`the store's N-Triples did not parse: ${e instanceof Error ? e.message : String(e)}`);
    }
    const truncated = quads.length > request.maxRows;
    const kept = truncated ? quads.slice(0, request.maxRows) : quads;
    let body: string;
    if (request.mediaType === 'application/ld+json') body = await toJsonLd(kept, request.jsonLdContext ?? {});
    else if (request.mediaType === RDF_XML) body = await toRdfXml(kept, xmlPrefixes(request.jsonLdContext));
    else {
      const writer = new Writer({ format: request.mediaType === 'application/n-triples' ? 'N-Triples' : 'Turtle' });
      writer.addQuads(kept);
      body = await new Promise<string>((resolve, reject) =>
        writer.end((e, out: string) => (e ? reject(e) : resolve(out))),
      );
    }
    return { body, mediaType: request.mediaType, truncated, rows: kept.length };
  }
}

function term(t: JsonTerm): RDF.Term {
  if (t.type === 'uri') return DataFactory.namedNode(t.value);
  if (t.type === 'bnode') return DataFactory.blankNode(t.value);
  if (t['xml:lang']) return DataFactory.literal(t.value, t['xml:lang']);
  // 'typed-literal' is the older name some stores (Virtuoso) still write.
  return DataFactory.literal(t.value, t.datatype ? DataFactory.namedNode(t.datatype) : undefined);
}

/** An ASK answer in the asked format; written here as engine.ts does, since Comunica's XML writer fails on booleans. */
function askResponse(answer: boolean, mediaType: string): QueryResponse {
  const body =
    mediaType === 'application/sparql-results+xml'
      ? `<?xml version="1.0"?>\n<sparql xmlns="${SPARQL_RESULTS_NS}">\n  <head></head>\n  <boolean>${String(answer)}</boolean>\n</sparql>\n`
      : mediaType === 'text/csv'
        ? `_askResult\r\n${String(answer)}\r\n`
        : mediaType === 'text/tab-separated-values'
          ? `?_askResult\n${String(answer)}\n`
          : `{"head":{},"boolean":${String(answer)}}\n`;
  return { body, mediaType, truncated: false, rows: 1 };
}
