// The HTTP server of `projectgraph serve`: routes /sparql, the query page, dereferenceable IRIs and the published files.
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { RESULT_MEDIA_ALIASES, RESULT_MEDIA_TYPES } from './media-types.ts';
import { HttpError } from './http-error.ts';
import { ClientLimit } from './client-limit.ts';
import { chooseMediaType, contentType } from './negotiate.ts';
import { parseQuery, PolicyError } from './query-policy.ts';
import { readProtocolRequest } from './sparql-protocol.ts';
import type { QueryResponse } from './engine.ts';
import { BusyError, QueryFaultError, QueryPool, QueryTimeoutError, type StoreInfo } from './worker-pool.ts';
import { RemoteQueryPool } from './remote-store.ts';
import { SERVICE_DESCRIPTION_MEDIA_TYPES, serviceDescription } from './service-description.ts';
import { QUERY_PAGE_ASSETS, QUERY_PAGE_CSP, QUERY_PAGE_SCRIPT, ASSET_PREFIX, PREFIXES_PATH, queryPageHtml } from './query-page.ts';
import { prefixes } from '../vocab.ts';
import { exampleQueries } from './example-queries.ts';
import { fileInside, mediaTypeOf, notModified, readSmall, safeSegments, SMALL_FILE, strongEtag, weakEtag, type FileInfo } from './static-files.ts';
import { GraphDocuments } from './graph-documents.ts';
import { describeFromStore, fallbackHtml, findResource, quadsFromTurtleFile, RESOURCE_MEDIA_TYPES, writeRdf, type Resource } from './dereference.ts';
import { accessLogLine } from './access-log.ts';
import { ResultCache } from './result-cache.ts';
import { jsonldContext } from '../publish/context.ts';

export interface ServeOptions {
  /** The published output directory. */
  outDir: string;
  /** The RDF the endpoint answers from (N-Triples, N-Quads, Turtle or TriG); default `<outDir>/dataset.nt`. */
  dataFile?: string;
  host?: string;
  port?: number;
  timeoutSeconds?: number;
  /** The most rows (or triples) one query returns; more are cut and the response says so. */
  maxRows?: number;
  maxBodyBytes?: number;
  /** Query worker threads: queries that run at once. Each holds its own copy of the store. */
  workers?: number;
  /** Queries one client address may have running or waiting at once; beyond it → 429. Default: workers − 1, at least 1. */
  queriesPerClient?: number;
  /** Queries that may wait for a worker; beyond it → 503. */
  queueLimit?: number;
  /** Time for a client to send its headers, and its whole request. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** The base IRI the resources are minted under; default: found from the dataset's own IRI. */
  baseIri?: string;
  /** Heap limit of each query worker in MB; a query that needs more fails alone (500) and its worker is replaced. */
  workerMemoryMb?: number;
  /** Bytes of serialised results kept for repeated queries (the data cannot change while serving); 0 turns it off. */
  cacheBytes?: number;
  /** Where access-log lines go; default stderr. */
  log?: (line: string) => void;
  /** serve --store: queries go to this SPARQL endpoint of an external store instead of an in-memory copy (remote-store.ts). */
  store?: string;
}

export interface RunningServer {
  url: string;
  sparqlUrl: string;
  server: http.Server;
  pool: QueryPool;
  info: StoreInfo;
  baseIri: string | undefined;
  close(graceMs?: number): Promise<void>;
}

const SPARQL_PATH = '/sparql';
/**
 * Published pages need no script (their JSON-LD blocks are data, not run) and only their own stylesheet; this policy
 * keeps any markup that slipped into a page from running or loading anything.
 */
const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Retry-After, X-Result-Limit, X-Result-Truncated, Content-Length',
};

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const outDir = path.resolve(options.outDir);
  const graphDocuments = new GraphDocuments(outDir);
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  const maxRows = options.maxRows ?? 10_000;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // An external store (--store) changes under us with every push, so its answers are not cached.
  const cacheBytes = options.cacheBytes ?? (options.store ? 0 : 64 * 1024 * 1024);
  const cache = cacheBytes > 0 ? new ResultCache(cacheBytes, Math.max(1, Math.floor(cacheBytes / 16))) : undefined;
  const inFlight = new Map<string, Promise<QueryResponse>>();
  const clientLimit = ClientLimit.forWorkers(options.workers ?? 2, Math.max(1, Math.ceil(timeoutSeconds)), options.queriesPerClient);
  // The port is taken first, so a port in use fails at once; requests that come in while the workers load wait.
  let pool!: QueryPool;
  let info!: StoreInfo;
  let baseIri: string | undefined;
  let jsonLdContext: Record<string, unknown> | undefined;
  let pageHtml = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const startPool = async () => {
    // RemoteQueryPool offers what the server uses of QueryPool (run, close and its counters); hence the cast.
    ({ pool, info } = options.store
      ? ((await RemoteQueryPool.start({ endpoint: options.store, concurrency: options.workers ?? 2, queueLimit: options.queueLimit ?? 8, timeoutMs: timeoutSeconds * 1000 })) as unknown as { pool: QueryPool; info: StoreInfo })
      : await QueryPool.start({
      dataFile: options.dataFile ?? path.join(outDir, 'dataset.nt'),
      workers: options.workers ?? 2,
      queueLimit: options.queueLimit ?? 8,
      timeoutMs: timeoutSeconds * 1000,
      ...(options.workerMemoryMb ? { memoryMb: options.workerMemoryMb } : {}),
    }));
    baseIri = options.baseIri ?? info.datasetIris.find((iri) => iri.endsWith('/dataset'))?.slice(0, -'dataset'.length);
    jsonLdContext = baseIri ? jsonldContext(baseIri) : undefined;
    pageHtml = queryPageHtml(exampleQueries(baseIri ?? 'http://localhost/'), { timeoutSeconds, maxRows });
    markReady();
  };

  let listenAddress = '';
  /** The origin the client used, when its Host header is a plain host name; else the address we listen on. */
  const originOf = (req: http.IncomingMessage): string => {
    const host = req.headers.host;
    const ok = host && /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(host);
    return ok ? `http://${host}` : listenAddress;
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    await ready;
    const method = req.method ?? 'GET';
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Accept, Content-Type, If-None-Match',
        'Access-Control-Max-Age': '86400',
        Allow: 'GET, HEAD, POST, OPTIONS',
      });
      res.end();
      return;
    }
    if (rawPath === SPARQL_PATH || rawPath === `${SPARQL_PATH}/`) return handleSparql(req, res, method);
    if (method !== 'GET' && method !== 'HEAD') {
      throw new HttpError(405, `${method} is not allowed here; use GET or HEAD`, { Allow: 'GET, HEAD, OPTIONS' });
    }
    if (rawPath.startsWith(ASSET_PREFIX)) return serveAsset(req, res, rawPath);
    if (rawPath === '/.well-known/void') {
      const file = await fileInside(outDir, 'void.ttl');
      if (!file) throw new HttpError(404, 'no VoID description has been published');
      return sendFile(req, res, file, 'text/turtle');
    }
    const segments = safeSegments(rawPath);
    if (!segments) throw new HttpError(404, 'not found');
    const last = segments.at(-1) ?? '';
    // A path with an extension names a published file as it is (dumps, catalog, per-resource files, sitemap).
    if (last.includes('.')) {
      const file = await fileInside(outDir, segments.join('/'));
      if (!file) throw new HttpError(404, 'not found');
      return sendFile(req, res, file, mediaTypeOf(file.file));
    }
    const resource = await findResource(outDir, baseIri, rawPath, segments);
    if (!resource) throw new HttpError(404, 'not found');
    return serveResource(req, res, resource);
  }

  async function handleSparql(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
      throw new HttpError(405, `${method} is not allowed on ${SPARQL_PATH}; use GET or POST`, { Allow: 'GET, HEAD, POST, OPTIONS' });
    }
    const body = method === 'POST' ? await readBody(req, maxBodyBytes) : undefined;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request = readProtocolRequest(method, url, req.headers['content-type'], body);
    const endpointUrl = `${originOf(req)}${SPARQL_PATH}`;
    if (request.kind === 'none') {
      const offers = [...SERVICE_DESCRIPTION_MEDIA_TYPES, 'text/html'];
      const chosen = chooseMediaType(req, offers);
      if (!chosen) throw notAcceptable(offers);
      if (chosen === 'text/html') {
        return send(req, res, 200, pageHtml, 'text/html', { 'Content-Security-Policy': QUERY_PAGE_CSP, Vary: 'Accept' });
      }
      const sd = await serviceDescription({ endpointUrl, namedGraphs: info.namedGraphs, timeoutSeconds, maxRows }, chosen);
      return send(req, res, 200, sd, chosen, { Vary: 'Accept' });
    }
    // Parsed and checked here, before a worker is involved: refusals cost no evaluation at all.
    const parsed = parseQuery(request.query, { baseIri: endpointUrl, knownGraphs: info.namedGraphs });
    const kind = parsed.form === 'select' || parsed.form === 'ask' ? 'bindings' : 'quads';
    const offers = RESULT_MEDIA_TYPES[kind];
    const chosen = chooseMediaType(req, offers, RESULT_MEDIA_ALIASES[kind]);
    if (!chosen) throw notAcceptable(offers);
    const key = JSON.stringify([request.query, chosen, request.defaultGraphs, request.namedGraphs, endpointUrl]);
    let result = cache?.get(key);
    if (!result) {
      // Identical queries that arrive while one is being evaluated wait for that one instead of taking a worker each.
      let evaluation = inFlight.get(key);
      if (!evaluation) {
        // Only evaluations count against the client's share: cached and joined answers cost no worker.
        const release = clientLimit.acquire(req.socket.remoteAddress ?? '');
        evaluation = pool
          .run({
            query: request.query,
            baseIri: endpointUrl,
            defaultGraphs: request.defaultGraphs,
            namedGraphs: request.namedGraphs,
            mediaType: chosen,
            maxRows,
            ...(jsonLdContext ? { jsonLdContext } : {}),
          })
          .finally(() => {
            release();
            inFlight.delete(key);
          });
        inFlight.set(key, evaluation);
      }
      result = await evaluation;
      cache?.set(key, result);
    }
    const headers: Record<string, string> = { Vary: 'Accept', 'Cache-Control': 'no-cache', 'X-Result-Limit': String(maxRows) };
    if (result.truncated) headers['X-Result-Truncated'] = 'true';
    return send(req, res, 200, result.body, chosen, headers);
  }

  async function serveAsset(req: http.IncomingMessage, res: http.ServerResponse, rawPath: string): Promise<void> {
    if (rawPath === `${ASSET_PREFIX}query-page.js`) return send(req, res, 200, QUERY_PAGE_SCRIPT, 'text/javascript', {});
    if (rawPath === PREFIXES_PATH) return send(req, res, 200, JSON.stringify(prefixes(baseIri ?? 'http://localhost/')), 'application/json', {});
    const asset = QUERY_PAGE_ASSETS[rawPath];
    if (!asset) throw new HttpError(404, 'not found');
    const body = await readFile(asset[0]);
    return send(req, res, 200, body, asset[1], { 'Cache-Control': 'public, max-age=86400' });
  }

  async function serveResource(req: http.IncomingMessage, res: http.ServerResponse, resource: Resource): Promise<void> {
    const chosen = chooseMediaType(req, RESOURCE_MEDIA_TYPES);
    if (!chosen) throw notAcceptable(RESOURCE_MEDIA_TYPES);
    const headers: Record<string, string> = { Vary: 'Accept' };
    const type = chosen as (typeof RESOURCE_MEDIA_TYPES)[number];
    const file = type === 'application/n-triples' ? undefined : resource.files[type];
    if (file) {
      // The published file this representation is, so clients can link to one form directly.
      const relative = path.relative(await realpath(outDir), file.file).split(path.sep).map(encodeURIComponent).join('/');
      headers['Content-Location'] = `/${relative}`;
      return sendFile(req, res, file, chosen, headers);
    }
    // No published file for this form: build it from the published Turtle, else from the store.
    const turtle = resource.files['text/turtle'];
    const quads = turtle
      ? await quadsFromTurtleFile(turtle, resource.iri)
      : ((await graphDocuments.statements(resource.iri)) ?? (await describeFromStore(pool, resource.iri, maxRows)));
    if (quads.length === 0) throw new HttpError(404, 'not found');
    if (type === 'text/html') {
      const jsonLd = await writeRdf(quads, 'application/ld+json', baseIri);
      return send(req, res, 200, fallbackHtml(resource.iri, quads, jsonLd, baseIri), 'text/html', headers);
    }
    return send(req, res, 200, await writeRdf(quads, type, baseIri), type, headers);
  }

  const server = http.createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
      // How often Node checks the two timeouts above; its default (30 s) would let a slow client hold on far longer.
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      const started = performance.now();
      res.on('close', () => log(accessLogLine(req, res, performance.now() - started)));
      handle(req, res).catch((e: unknown) => sendError(req, res, e));
    },
  );
  // Requests Node refuses before they reach the handler (oversized or malformed headers, slow clients) are answered
  // here, so they get their status and their access-log line too.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT' ? 408 : 400;
    if (err.code !== 'ECONNRESET') log(`${new Date().toISOString()} - - ${status} (${err.code ?? 'client error'})`);
    if (err.code !== 'ECONNRESET' && socket.writable) {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });
  // A client that stops reading or sending for this long loses its connection.
  server.setTimeout(60_000, (socket) => socket.destroy());

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (e) {
    server.close();
    throw e;
  }
  try {
    await startPool();
  } catch (e) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw e;
  }
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  listenAddress = `http://${hostForUrl}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `${listenAddress}/`,
    sparqlUrl: `${listenAddress}${SPARQL_PATH}`,
    server,
    pool,
    info,
    baseIri,
    close(graceMs = 5_000) {
      closing ??= (async () => {
        // Stop accepting, let running requests finish (within the grace period), then stop the workers.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        await closed;
        clearTimeout(timer);
        await pool.close();
      })();
      return closing;
    },
  };
}

function notAcceptable(offers: readonly string[]): HttpError {
  // The answer depends on Accept, so caches must key on it too.
  return new HttpError(406, `none of the media types in Accept can be served here; available: ${offers.join(', ')}`, { Vary: 'Accept' });
}

/** Reads a request body up to `limit` bytes; larger bodies are refused with 413 without reading them whole. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, `the request body is larger than ${limit} bytes`, { Connection: 'close' }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new HttpError(413, `the request body is larger than ${limit} bytes`, { Connection: 'close' }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // A client that goes away or is cut off by the request timeout mid-body is not a fault of ours.
    req.on('error', () => reject(new HttpError(400, 'the request body was not completed')));
  });
}

function send(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  body: string | Buffer,
  mediaType: string,
  headers: Record<string, string>,
): void {
  const etag = strongEtag(body);
  if (status === 200 && notModified(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...headers, ETag: etag });
    res.end();
    return;
  }
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  if (mediaType === 'text/html' && !headers['Content-Security-Policy']) headers = { ...headers, 'Content-Security-Policy': PAGE_CSP };
  res.writeHead(status, { ...headers, 'Content-Type': contentType(mediaType), 'Content-Length': String(buffer.length), ETag: etag });
  res.end(req.method === 'HEAD' ? undefined : buffer);
}

async function sendFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: FileInfo,
  mediaType: string,
  headers: Record<string, string> = {},
): Promise<void> {
  if (file.size <= SMALL_FILE) return send(req, res, 200, await readSmall(file), mediaType, headers);
  // Large dumps are streamed; their ETag comes from size and modification time.
  const etag = weakEtag(file);
  if (notModified(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...headers, ETag: etag });
    res.end();
    return;
  }
  if (mediaType === 'text/html') headers = { ...headers, 'Content-Security-Policy': PAGE_CSP };
  res.writeHead(200, { ...headers, 'Content-Type': contentType(mediaType), 'Content-Length': String(file.size), ETag: etag });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file.file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Known errors get their status and message; anything else is a bare 500 whose details stay in the server log. */
function sendError(req: http.IncomingMessage, res: http.ServerResponse, e: unknown): void {
  let status = 500;
  let message = 'internal server error';
  let headers: Record<string, string> = {};
  if (e instanceof HttpError) {
    ({ status, message, headers } = e);
  } else if (e instanceof PolicyError) {
    status = e.status;
    message = e.message;
  } else if (e instanceof BusyError) {
    status = 503;
    message = e.message;
    headers = { 'Retry-After': String(e.retryAfterSeconds) };
  } else if (e instanceof QueryTimeoutError) {
    status = 503;
    message = e.message;
  } else if (e instanceof QueryFaultError) {
    process.stderr.write(`query fault: ${e.detail}\n`);
  } else {
    process.stderr.write(`request fault: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Whatever refused the format (negotiation, or a writer that cannot hold the answer), the refusal depends on Accept.
  if (status === 406) headers = { Vary: 'Accept', ...headers };
  const body = `${message}\n`;
  res.writeHead(status, {
    ...CORS_HEADERS,
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
