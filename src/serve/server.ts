// The HTTP server of `projectgraph serve`: routes /sparql, the query page, dereferenceable IRIs (rendered from the
// store) and the published files, and moves to each new build the output link points at without a restart.
import http from 'node:http';
import { statSync, watch, type FSWatcher } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { RESULT_MEDIA_ALIASES, RESULT_MEDIA_TYPES } from './media-types.ts';
import { invariant } from '../errors.ts';
import { HttpError } from './http-error.ts';
import { ClientLimit } from './client-limit.ts';
import { chooseMediaType, contentType } from './negotiate.ts';
import { PolicyError } from './query-policy.ts';
import { readProtocolRequest } from './sparql-protocol.ts';
import {
  BusyError,
  QueryFaultError,
  QueryMemoryError,
  QueryPool,
  QueryTimeoutError,
  type StoreInfo,
} from './worker-pool.ts';
import type { Answer } from './answer.ts';
import { checkQuerySize, DEFAULT_MAX_QUERY_BYTES, type MediaChoices } from './admission.ts';
import { defaultWorkerMemoryMb } from './worker-memory.ts';
import { RemoteQueryPool } from './remote-store.ts';
import { SERVICE_DESCRIPTION_MEDIA_TYPES, serviceDescription } from './service-description.ts';
import {
  QUERY_PAGE_ASSETS,
  QUERY_PAGE_CSP,
  QUERY_PAGE_SCRIPT,
  ASSET_PREFIX,
  PREFIXES_PATH,
  queryPageHtml,
} from './query-page.ts';
import { prefixes } from '../vocab.ts';
import { exampleQueries } from './example-queries.ts';
import { fileInside, mediaTypeOf, safeSegments, type FileInfo } from './static-files.ts';
import {
  DATASET_LINKS,
  formOfExtension,
  RESOURCE_EXTENSIONS,
  RESOURCE_MEDIA_TYPES,
  resourceLinks,
  resourcePathIri,
  type ResourceMediaType,
} from './dereference.ts';
import { DOCUMENTS } from '../publish/site.ts';
import { DATASET_PATHS } from '../dataset-iris.ts';
import type { PageRequest } from './store-pages.ts';
import { canonicalPath, redirect } from './canonical.ts';
import { errorBody, siteForErrors } from './error-page.ts';
import { sendBody, sendFile as sendFileBody } from './representation.ts';
import type { Site } from '../publish/page-layout.ts';
import { accessLogLine } from './access-log.ts';
import { ResultCache } from './result-cache.ts';
import { jsonldContext } from '../publish/context.ts';

export interface ServeOptions {
  /** The published output directory (the `output` link): the store holds its dataset.nq, and follows its builds. */
  outDir: string;
  /** SPARQL endpoints a query's SERVICE may name (`serve --allow-service`); nothing else is ever fetched. */
  allowService?: string[];
  /** Whether to move to each new build the output link points at (default true). */
  follow?: boolean;
  /** Told when the server has moved to a new build, and how (a change set, or a whole load). */
  onSwitch?: (info: StoreInfo, via: 'load' | 'change-set', ms: number) => void;
  host?: string;
  port?: number;
  timeoutSeconds?: number;
  /** The most rows (or triples) one query returns; more are cut and the response says so. */
  maxRows?: number;
  maxBodyBytes?: number;
  /** The longest query text accepted, in bytes; longer ones are refused (413) before they are parsed. */
  maxQueryBytes?: number;
  /** The longest a query waits for a free worker before it is answered 503; default 1 s. */
  queueWaitMs?: number;
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
  /**
   * Heap limit of each worker in MB; a query that needs more fails alone (500) and its worker is replaced.
   * Default: sized from the data file and the machine's memory (worker-memory.ts).
   */
  workerMemoryMb?: number;
  /** Bytes of serialised results kept for repeated queries (the data cannot change while serving); 0 turns it off. */
  cacheBytes?: number;
  /** Where access-log lines go; default stderr. */
  log?: (line: string) => void;
  /** Told while the query workers load dataset.nq: bytes read so far (by the furthest worker). */
  onLoading?: (bytes: number) => void;
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
/** The lists of the site (list-pages.ts): `/list`, `/list/<kind>`, `/list/<kind>/<id>`. */
const LIST_PATH = `/${DATASET_PATHS.lists}`;

/** What a page from the store is: an answer, a published file standing for it, or nothing there. */
type Page = Answer | { file: string } | undefined;
/**
 * Published pages need no script (their JSON-LD blocks are data, not run) and only their own stylesheet; this policy
 * keeps any markup that slipped into a page from running or loading anything.
 */
const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers':
    'ETag, Link, Content-Location, Content-Length, Content-Range, Accept-Ranges, Retry-After, X-Result-Limit, X-Result-Truncated',
};
/** What each kind of path answers to: OPTIONS and 405s say exactly this. */
const SPARQL_METHODS = 'GET, HEAD, POST, OPTIONS';
const READ_METHODS = 'GET, HEAD, OPTIONS';

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const outDir = path.resolve(options.outDir);
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  const maxRows = options.maxRows ?? 10_000;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // An external store (--store) changes under us with every push, so its answers are not cached.
  const cacheBytes = options.cacheBytes ?? (options.store ? 0 : 64 * 1024 * 1024);
  const cache = cacheBytes > 0 ? new ResultCache(cacheBytes, Math.max(1, Math.floor(cacheBytes / 16))) : undefined;
  const maxQueryBytes = options.maxQueryBytes ?? DEFAULT_MAX_QUERY_BYTES;
  const inFlight = new Map<string, Promise<Page>>();
  const workers = options.workers ?? 2;
  const clientLimit = ClientLimit.forWorkers(
    workers,
    Math.max(1, Math.ceil(timeoutSeconds)),
    options.queriesPerClient,
    options.queueWaitMs,
  );
  /**
   * The one evaluation of `key`: identical requests that arrive while it runs join it instead of taking a worker
   * each; only evaluations count against the client's share (cached and joined answers cost no worker).
   */
  const shared = async (key: string, client: string, run: () => Promise<Page>): Promise<Page> => {
    const joined = inFlight.get(key);
    if (joined) return joined;
    const release = await clientLimit.acquire(client);
    // While it waited for its share, the same request may have started.
    const started = inFlight.get(key);
    if (started) {
      release();
      return started;
    }
    const evaluation = run().finally(() => {
      release();
      inFlight.delete(key);
    });
    inFlight.set(key, evaluation);
    return evaluation;
  };
  // The port is taken first, so a port in use fails at once; requests that come in while the store loads are
  // answered 503 with Retry-After.
  let pool!: QueryPool;
  let baseIri: string | undefined;
  let jsonLdContext: Record<string, unknown> | undefined;
  let pageHtml = '';
  let errorSite: Site | undefined;
  let loaded = false;
  /** The build the store holds: published files are served from it, so they always match the store's answers. */
  let buildDir = outDir;
  /** When the store moved to the build it holds: the Last-Modified of what is rendered from it. */
  let builtAt = new Date();
  const startPool = async () => {
    if (!options.store) {
      buildDir = await realpath(outDir).catch(() => outDir);
      builtAt = await buildTime(buildDir);
    }
    const dump = path.join(buildDir, 'dataset.nq');
    // RemoteQueryPool offers what the server uses of QueryPool (run, page, close and its counters); hence the cast.
    ({ pool } = options.store
      ? ((await RemoteQueryPool.start({
          endpoint: options.store,
          outDir,
          concurrency: workers,
          queueLimit: options.queueLimit ?? 8,
          timeoutMs: timeoutSeconds * 1000,
        })) as unknown as { pool: QueryPool })
      : await QueryPool.start({
          outDir: buildDir,
          allowService: options.allowService ?? [],
          workers,
          queueLimit: options.queueLimit ?? 8,
          timeoutMs: timeoutSeconds * 1000,
          ...(options.queueWaitMs !== undefined ? { queueWaitMs: options.queueWaitMs } : {}),
          memoryMb: options.workerMemoryMb ?? defaultWorkerMemoryMb(fileSize(dump), workers),
          ...(options.onLoading ? { onLoading: options.onLoading } : {}),
        }));
    baseIri =
      options.baseIri ?? pool.info.datasetIris.find((iri) => iri.endsWith('/dataset'))?.slice(0, -'dataset'.length);
    jsonLdContext = baseIri ? jsonldContext(baseIri) : undefined;
    pageHtml = queryPageHtml(exampleQueries(baseIri ?? 'http://localhost/'), { timeoutSeconds, maxRows });
    errorSite = baseIri ? await siteForErrors(pool, baseIri) : undefined;
    loaded = true;
  };

  /**
   * Moves the store to the build the output link points at now, if it is a new one; one move at a time, and a
   * build published during a move is taken up right after it.
   */
  let moving: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let lookAgain = false;
  const followBuilds = (): void => {
    if (!loaded || closing) return;
    if (moving) {
      lookAgain = true;
      return;
    }
    moving = (async () => {
      do {
        lookAgain = false;
        const next = await realpath(outDir).catch(() => undefined);
        if (!next || next === buildDir || fileSize(path.join(next, 'dataset.nq')) === 0) continue;
        const started = performance.now();
        try {
          await pool.switchTo(next);
        } catch (e) {
          log(`${new Date().toISOString()} could not move to the build in ${next}: ${String(e)}`);
          continue;
        }
        buildDir = next;
        builtAt = await buildTime(next);
        errorSite = baseIri ? await siteForErrors(pool, baseIri) : errorSite;
        options.onSwitch?.(pool.info, pool.lastSwitch ?? 'load', performance.now() - started);
      } while (lookAgain && !closing);
    })().finally(() => {
      moving = undefined;
    });
  };

  let listenAddress = '';
  /** The origin the client used, when its Host header is a plain host name; else the address we listen on. */
  const originOf = (req: http.IncomingMessage): string => {
    const host = req.headers.host;
    const ok = host && /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(host);
    return ok ? `http://${host}` : listenAddress;
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const queryIndex = url.indexOf('?');
    const rawPath = queryIndex === -1 ? url : url.slice(0, queryIndex);
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const allowed = rawPath === SPARQL_PATH ? SPARQL_METHODS : READ_METHODS;
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': allowed,
        'Access-Control-Allow-Headers':
          'Accept, Accept-Encoding, Content-Type, If-None-Match, If-Modified-Since, Range',
        'Access-Control-Max-Age': '86400',
        Allow: allowed,
      });
      res.end();
      return;
    }
    if (!loaded) {
      throw new HttpError(503, 'the server is loading the data and answers as soon as it is ready; try again shortly', {
        'Retry-After': '5',
      });
    }
    // Every other spelling of an existing path (trailing slash, doubled slashes, needless escapes) redirects to it.
    const canonical = canonicalPath(rawPath);
    if (canonical !== rawPath) {
      if (!(await exists(req, canonical))) throw new HttpError(404, 'not found');
      return redirect(res, method, canonical, queryIndex === -1 ? '' : url.slice(queryIndex));
    }
    if (rawPath === SPARQL_PATH) return handleSparql(req, res, method);
    if (method !== 'GET' && method !== 'HEAD') {
      throw new HttpError(405, `${method} is not allowed here; use GET or HEAD`, { Allow: READ_METHODS });
    }
    if (rawPath.startsWith(ASSET_PREFIX)) return serveAsset(req, res, rawPath);
    if (rawPath === '/.well-known/void') {
      const file = await fileInside(buildDir, 'void.ttl');
      if (!file) throw new HttpError(404, 'no VoID description has been published');
      return sendFile(req, res, file, 'text/turtle');
    }
    const segments = safeSegments(rawPath);
    if (!segments) throw new HttpError(404, 'not found');
    const last = segments.at(-1) ?? '';
    // A path with an extension names one form of a resource (`/project/x.nt`), rendered from the store, or a
    // published file as it is (the dumps, the catalogue, the sitemap, the stylesheet).
    if (last.includes('.')) {
      const ext = last.slice(last.lastIndexOf('.'));
      const form = formOfExtension(ext);
      const stemPath = rawPath.slice(0, rawPath.length - ext.length);
      if (form && !isWholeDocument(stemPath, form)) {
        const page = await renderPage(req, stemPath, form);
        if (page) return sendPage(req, res, page, stemPath, form);
      }
      const file = await fileInside(buildDir, segments.join('/'));
      if (file) {
        const links =
          form && stemPath !== '/index' ? [...resourceLinks(stemPath, form), `<${stemPath}>; rel="canonical"`] : [];
        return sendFile(req, res, file, mediaTypeOf(file.file), links.length > 0 ? { Link: links.join(', ') } : {});
      }
      if (rawPath === '/favicon.ico') return noFavicon(res);
      throw new HttpError(404, 'not found');
    }
    if (rawPath === '/' || rawPath === LIST_PATH || rawPath.startsWith(`${LIST_PATH}/`)) {
      // The home page and the lists are pages only, made from the store's list index.
      const list = await renderFromStore(req, { kind: 'list', path: rawPath, search: url.slice(rawPath.length + 1) });
      if (list) return sendPage(req, res, list, rawPath, 'text/html', { Vary: 'Accept' }, true);
      if (rawPath !== '/') throw new HttpError(404, 'not found');
    }
    const chosen = chooseMediaType(req, RESOURCE_MEDIA_TYPES);
    if (!chosen) throw notAcceptable(RESOURCE_MEDIA_TYPES);
    const type = chosen as ResourceMediaType;
    if (rawPath === '/' || isWholeDocument(rawPath, type)) {
      // The home page and the whole documents' RDF (a dump, the catalogue) are published files.
      const file = await fileInside(
        buildDir,
        rawPath === '/' ? 'index.html' : `${rawPath.slice(1)}${RESOURCE_EXTENSIONS[type]}`,
      );
      if (file && (rawPath !== '/' || type === 'text/html')) {
        const links = rawPath === '/' ? DATASET_LINKS : [...resourceLinks(rawPath, type), ...DATASET_LINKS];
        return sendFile(req, res, file, type, { Link: links.join(', '), Vary: 'Accept' });
      }
    }
    const page = await renderPage(req, rawPath, type);
    if (!page) throw new HttpError(404, 'not found');
    return sendPage(req, res, page, rawPath, undefined);
  }

  /** A page made from the store, shared by identical requests and cached for the build the store holds. */
  async function renderFromStore(req: http.IncomingMessage, request: PageRequest): Promise<Page> {
    const key =
      request.kind === 'list'
        ? `list ${pool.info.state ?? ''} ${request.path}?${request.search}`
        : `page ${pool.info.state ?? ''} ${request.mediaType} ${request.iri}`;
    const hit = cache?.get(key);
    if (hit) return hit;
    const page = await shared(key, req.socket.remoteAddress ?? '', () => pool.page(request));
    if (page && 'body' in page && (page.state === undefined || page.state === pool.info.state)) cache?.set(key, page);
    return page;
  }

  /** Whether a canonical path answers at all, so a redirect never leads a client to a 404. */
  async function exists(req: http.IncomingMessage, canonical: string): Promise<boolean> {
    if (canonical === SPARQL_PATH || canonical === '/') return true;
    if (canonical === LIST_PATH || canonical.startsWith(`${LIST_PATH}/`)) {
      return (await renderFromStore(req, { kind: 'list', path: canonical, search: '' })) !== undefined;
    }
    const segments = safeSegments(canonical);
    if (!segments) return false;
    const last = segments.at(-1) ?? '';
    if (last.includes('.')) return (await fileInside(buildDir, segments.join('/'))) !== undefined;
    return (await renderPage(req, canonical, 'text/turtle')) !== undefined;
  }

  /**
   * A resource's form rendered from the store, or undefined when the store knows nothing of it. Pages are cached
   * per build like query answers; a render counts against the client's share like a query.
   */
  function renderPage(req: http.IncomingMessage, resourcePath: string, mediaType: ResourceMediaType): Promise<Page> {
    const iri = baseIri === undefined ? undefined : resourcePathIri(baseIri, resourcePath);
    // What the store holds is known without asking it: a path that names nothing is a 404 at once, costing no worker.
    const known = pool.info.addresses;
    if (iri === undefined || (known && !known.has(iri))) return Promise.resolve(undefined);
    return renderFromStore(req, { kind: 'resource', iri, mediaType, base: baseIri });
  }

  async function sendPage(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    page: Answer | { file: string },
    resourcePath: string,
    form: ResourceMediaType | undefined,
    extra: Record<string, string> = {},
    list = false,
  ): Promise<void> {
    if (!('body' in page)) {
      // The representation is a published file (the dataset's RDF is its dump).
      const file = await fileInside(buildDir, page.file);
      if (!file) throw new HttpError(404, 'not found');
      return sendFile(req, res, file, mediaTypeOf(file.file), { Vary: 'Accept' });
    }
    const type = page.mediaType as ResourceMediaType;
    const links = list
      ? DATASET_LINKS
      : [...resourceLinks(resourcePath, type), ...(resourcePath === '/dataset' ? DATASET_LINKS : [])];
    const headers: Record<string, string> = { Link: links.join(', '), 'Cache-Control': 'no-cache', ...extra };
    if (list) {
      // A list has no other forms, and its address is the one asked for.
    } else if (form) headers.Link += `, <${resourcePath}>; rel="canonical"`;
    else {
      headers.Vary = 'Accept';
      headers['Content-Location'] = `${resourcePath}${RESOURCE_EXTENSIONS[type]}`;
    }
    if (type === 'text/html') headers['Content-Security-Policy'] = PAGE_CSP;
    return sendBody(req, res, 200, page.body, { mediaType: type, headers, etag: page.etag, lastModified: builtAt });
  }

  async function handleSparql(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
      throw new HttpError(405, `${method} is not allowed on ${SPARQL_PATH}; use GET or POST`, {
        Allow: SPARQL_METHODS,
      });
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
        return send(req, res, 200, pageHtml, 'text/html', {
          'Content-Security-Policy': QUERY_PAGE_CSP,
          Vary: 'Accept',
        });
      }
      const sd = await serviceDescription(
        {
          endpointUrl,
          namedGraphs: pool.info.namedGraphs,
          allowService: options.allowService ?? [],
          timeoutSeconds,
          maxRows,
        },
        chosen,
      );
      return send(req, res, 200, sd, chosen, { Vary: 'Accept' });
    }
    // Bounded before anything parses it; the parsing and the policy then run in the worker, never on this thread.
    checkQuerySize(request.query, maxQueryBytes);
    // The form (and so the kind of result) is known once the worker has parsed the query: it gets a choice per kind.
    const mediaTypes: MediaChoices = {};
    for (const [kind, offers] of Object.entries(RESULT_MEDIA_TYPES) as [keyof MediaChoices, readonly string[]][]) {
      const chosen = chooseMediaType(req, offers, RESULT_MEDIA_ALIASES[kind]);
      if (chosen) mediaTypes[kind] = chosen;
    }
    if (Object.keys(mediaTypes).length === 0) throw notAcceptable(Object.values(RESULT_MEDIA_TYPES).flat());
    // Keyed by the store's state too: after a move to a new build, old answers are never handed out again.
    const key = JSON.stringify([
      pool.info.state,
      request.query,
      mediaTypes,
      request.defaultGraphs,
      request.namedGraphs,
      endpointUrl,
    ]);
    let result = cache?.get(key);
    if (!result) {
      const answer = await shared(key, req.socket.remoteAddress ?? '', () =>
        pool.run({
          query: request.query,
          baseIri: endpointUrl,
          defaultGraphs: request.defaultGraphs,
          namedGraphs: request.namedGraphs,
          mediaTypes,
          maxRows,
          ...(jsonLdContext ? { jsonLdContext } : {}),
        }),
      );
      invariant(answer && 'body' in answer, 'a query gave no answer');
      result = answer;
      if (result.state === undefined || result.state === pool.info.state) cache?.set(key, result);
    }
    const headers: Record<string, string> = {
      Vary: 'Accept',
      'Cache-Control': 'no-cache',
      'X-Result-Limit': String(maxRows),
    };
    if (result.truncated) headers['X-Result-Truncated'] = 'true';
    return sendAnswer(req, res, result, headers);
  }

  async function serveAsset(req: http.IncomingMessage, res: http.ServerResponse, rawPath: string): Promise<void> {
    if (rawPath === `${ASSET_PREFIX}query-page.js`)
      return send(req, res, 200, QUERY_PAGE_SCRIPT, 'text/javascript', {});
    if (rawPath === PREFIXES_PATH)
      return send(req, res, 200, JSON.stringify(prefixes(baseIri ?? 'http://localhost/')), 'application/json', {});
    const asset = QUERY_PAGE_ASSETS[rawPath];
    if (!asset) throw new HttpError(404, 'not found');
    const body = await readFile(asset[0]);
    return send(req, res, 200, body, asset[1], { 'Cache-Control': 'public, max-age=86400' });
  }

  let shuttingDown = false;
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
      // While shutting down, a keep-alive connection is closed as soon as its response is done.
      res.on('finish', () => shuttingDown && setImmediate(() => server.closeIdleConnections()));
      handle(req, res).catch((e: unknown) => sendError(req, res, e, errorSite));
    },
  );
  // Requests Node refuses before they reach the handler (oversized or malformed headers, slow clients) are answered
  // here, so they get their status and their access-log line too.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT'
          ? 408
          : 400;
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

  // A new build is published by renaming a new link over the output link: its folder sees the rename. The poll
  // catches what a watch can miss (a folder on a network file system, a watch limit reached).
  let watcher: FSWatcher | undefined;
  let poll: NodeJS.Timeout | undefined;
  if (!options.store && options.follow !== false) {
    try {
      watcher = watch(path.dirname(outDir), (_event, name) => {
        if (name === path.basename(outDir)) followBuilds();
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      watcher = undefined;
    }
    poll = setInterval(followBuilds, 1000);
    poll.unref();
  }
  return {
    url: `${listenAddress}/`,
    sparqlUrl: `${listenAddress}${SPARQL_PATH}`,
    server,
    pool,
    get info() {
      return pool.info;
    },
    baseIri,
    close(graceMs = timeoutSeconds * 1000 + (options.queueWaitMs ?? 1000) + 2_000) {
      closing ??= (async () => {
        // Stop accepting, let running requests finish: by default within the time limit of a query that had to
        // wait for a worker first, and two seconds to write its answer. Then stop the workers.
        shuttingDown = true;
        watcher?.close();
        clearInterval(poll);
        await moving;
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
  return new HttpError(406, `none of the media types in Accept can be served here; available: ${offers.join(', ')}`, {
    Vary: 'Accept',
  });
}

/** Reads a request body up to `limit` bytes; larger bodies are refused with 413 without reading them whole. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(
      new HttpError(413, `the request body is larger than ${limit} bytes`, { Connection: 'close' }),
    );
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

/** A query answer: its one shared Buffer, with the ETag made with it, written by slices as the client reads. */
function sendAnswer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  answer: Answer,
  headers: Record<string, string>,
) {
  return sendBody(req, res, 200, answer.body, { mediaType: answer.mediaType, headers, etag: answer.etag });
}

/** When a build was published: the time its dump was written. */
async function buildTime(dir: string): Promise<Date> {
  try {
    return (await stat(path.join(dir, 'dataset.nq'))).mtime;
  } catch {
    return new Date();
  }
}

/** Whole documents (a dump, the catalogue, VoID, the vocabulary) have published files for their RDF forms. */
function isWholeDocument(resourcePath: string, form: ResourceMediaType): boolean {
  return form !== 'text/html' && (DOCUMENTS as readonly string[]).includes(resourcePath.slice(1));
}

/** The size of a file, for sizing the workers' heap; a missing file is reported by the loading worker. */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function send(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  body: string | Buffer,
  mediaType: string,
  headers: Record<string, string>,
): Promise<void> {
  if (mediaType === 'text/html' && !headers['Content-Security-Policy'])
    headers = { ...headers, 'Content-Security-Policy': PAGE_CSP };
  return sendBody(req, res, status, body, { mediaType, headers });
}

function sendFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: FileInfo,
  mediaType: string,
  headers: Record<string, string> = {},
): Promise<void> {
  if (mediaType === 'text/html') headers = { ...headers, 'Content-Security-Policy': PAGE_CSP };
  return sendFileBody(req, res, file, { mediaType, headers });
}

/** Browsers ask every site for /favicon.ico; a site without one answers "nothing here" once a day, not a logged 404 each time. */
function noFavicon(res: http.ServerResponse): void {
  res.writeHead(204, { 'Cache-Control': 'public, max-age=86400' });
  res.end();
}

/** Known errors get their status and message; anything else is a bare 500 whose details stay in the server log. */
function sendError(req: http.IncomingMessage, res: http.ServerResponse, e: unknown, site: Site | undefined): void {
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
  } else if (e instanceof QueryMemoryError) {
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
  // A browser gets a page in the site's layout, any other client the message as plain text.
  const { body, mediaType } = errorBody(req, status, message, site);
  res.writeHead(status, {
    ...CORS_HEADERS,
    ...headers,
    Vary: headers.Vary ? `${headers.Vary}, Accept` : 'Accept',
    'X-Content-Type-Options': 'nosniff',
    ...(mediaType === 'text/html' ? { 'Content-Security-Policy': PAGE_CSP } : {}),
    'Content-Type': contentType(mediaType),
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
