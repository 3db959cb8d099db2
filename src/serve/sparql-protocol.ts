// The SPARQL 1.1 Protocol's query operation: reads query and dataset from GET parameters, a form body or a direct body.
import { HttpError } from './http-error.ts';

export type ProtocolRequest =
  | { kind: 'query'; query: string; defaultGraphs: string[]; namedGraphs: string[] }
  /** A request for /sparql with no query: the service description or the query page. */
  | { kind: 'none' };

const READ_ONLY = 'SPARQL Update is not allowed: this endpoint is read-only';

/** Media type and charset of a Content-Type header, lower-cased. */
function parseContentType(header: string | undefined): { type: string; charset?: string } | undefined {
  if (!header) return undefined;
  const [type, ...params] = header.split(';');
  const charset = params
    .map((p) => p.trim().split('='))
    .find(([k]) => k?.trim().toLowerCase() === 'charset')?.[1]
    ?.trim()
    .replace(/^"|"$/g, '')
    .toLowerCase();
  return { type: (type ?? '').trim().toLowerCase(), ...(charset ? { charset } : {}) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBody(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new HttpError(400, 'the request body is not valid UTF-8');
  }
}

function checkCharset(charset: string | undefined): void {
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError(415, `charset ${charset} is not supported: send the query as UTF-8`);
  }
}

/** Reads a protocol request; throws HttpError (400, 415) for requests the protocol does not allow. */
export function readProtocolRequest(
  method: string,
  url: URL,
  contentTypeHeader: string | undefined,
  body: Buffer | undefined,
): ProtocolRequest {
  const fromUrl = url.searchParams;
  if (method === 'GET' || method === 'HEAD') {
    if (fromUrl.has('update')) throw new HttpError(400, READ_ONLY);
    return fromParams(fromUrl, fromUrl);
  }
  // POST
  const contentType = parseContentType(contentTypeHeader);
  if (!contentType) {
    if (!body || body.length === 0) return fromParams(fromUrl, fromUrl);
    throw new HttpError(
      415,
      'a POST body needs a Content-Type: application/x-www-form-urlencoded or application/sparql-query',
    );
  }
  if (contentType.type === 'application/sparql-update') throw new HttpError(400, READ_ONLY);
  if (contentType.type === 'application/x-www-form-urlencoded') {
    checkCharset(contentType.charset);
    const form = new URLSearchParams(decodeBody(body ?? Buffer.alloc(0)));
    if (form.has('update') || fromUrl.has('update')) throw new HttpError(400, READ_ONLY);
    if (fromUrl.has('query') && form.has('query'))
      throw new HttpError(400, 'give the query once, not in both the URL and the body');
    return fromParams(form.has('query') ? form : fromUrl, mergeParams(fromUrl, form));
  }
  if (contentType.type === 'application/sparql-query') {
    checkCharset(contentType.charset);
    if (fromUrl.has('query')) throw new HttpError(400, 'give the query once, not in both the URL and the body');
    if (fromUrl.has('update')) throw new HttpError(400, READ_ONLY);
    const query = decodeBody(body ?? Buffer.alloc(0));
    return { kind: 'query', query, ...graphs(fromUrl) };
  }
  throw new HttpError(
    415,
    `Content-Type ${contentType.type} is not accepted: use application/x-www-form-urlencoded or application/sparql-query`,
  );
}

function mergeParams(a: URLSearchParams, b: URLSearchParams): URLSearchParams {
  const merged = new URLSearchParams(a);
  for (const [k, v] of b) merged.append(k, v);
  return merged;
}

function fromParams(queryParams: URLSearchParams, graphParams: URLSearchParams): ProtocolRequest {
  const queries = queryParams.getAll('query');
  if (queries.length > 1) throw new HttpError(400, 'give exactly one query parameter');
  const query = queries[0];
  if (query === undefined) return { kind: 'none' };
  return { kind: 'query', query, ...graphs(graphParams) };
}

function graphs(params: URLSearchParams): { defaultGraphs: string[]; namedGraphs: string[] } {
  const check = (iris: string[]) => {
    for (const iri of iris) {
      // Graph names become IRIs in the algebra; anything that is not an absolute IRI is a client mistake.
      if (!/^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]*$/i.test(iri))
        throw new HttpError(400, `not an absolute IRI: ${JSON.stringify(iri.slice(0, 200))}`);
    }
    return iris;
  };
  return {
    defaultGraphs: check(params.getAll('default-graph-uri')),
    namedGraphs: check(params.getAll('named-graph-uri')),
  };
}
