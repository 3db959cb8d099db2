// Writes one representation as a careful server does: content coding, entity tags per coding, 304s, HEAD, byte ranges.
import { writeShared } from './answer.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';
import parseRange from 'range-parser';
import { HttpError } from './http-error.ts';
import { contentType } from './negotiate.ts';
import {
  acceptedEncodings,
  CompressedCache,
  compressStream,
  encodingFor,
  etagForEncoding,
  type AcceptedEncodings,
  type Encoding,
} from './compression.ts';
import { readSmall, SMALL_FILE, strongEtag, weakEtag, type FileInfo } from './static-files.ts';

/** Compressed forms of the published files and answers, kept so a page asked a thousand times is compressed once. */
const compressed = new CompressedCache(32 * 1024 * 1024);

/** Adds `value` to a comma-separated header such as Vary, once. */
export function addToken(headers: Record<string, string>, name: string, value: string): Record<string, string> {
  const current = headers[name];
  if (!current) return { ...headers, [name]: value };
  const tokens = current.split(',').map((t) => t.trim().toLowerCase());
  return tokens.includes(value.toLowerCase()) ? headers : { ...headers, [name]: `${current}, ${value}` };
}

function notAcceptableCoding(): HttpError {
  const message = 'none of the content codings in Accept-Encoding can be served here; available: br, gzip, identity';
  return new HttpError(406, message, { Vary: 'Accept-Encoding' });
}

/** Whether If-None-Match names `etag` (weak comparison, RFC 9110 §13.1.2). */
function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => bare(t) === bare(etag));
}

/** RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only without it. */
function isNotModified(req: IncomingMessage, etag: string, lastModified: Date | undefined): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) return matches(inm, etag);
  const ims = req.headers['if-modified-since'];
  if (ims === undefined || !lastModified) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

function notModified(
  res: ServerResponse,
  headers: Record<string, string>,
  etag: string,
  lastModified: Date | undefined,
): void {
  const dated = lastModified ? { 'Last-Modified': lastModified.toUTCString() } : {};
  res.writeHead(304, { ...headers, ETag: etag, ...dated });
  res.end();
}

/** The single byte range a GET asks for, when it asks for one we serve (If-Range still matching); else undefined. */
function rangeOf(
  req: IncomingMessage,
  size: number,
  etag: string,
  lastModified: Date | undefined,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const header = req.headers.range;
  if (!header || req.method !== 'GET') return undefined;
  const raw = req.headers['if-range'];
  if (raw !== undefined) {
    const ifRange = String(raw).trim();
    // Only a strong tag or the exact date makes the range safe to combine with what the client has.
    const byTag = ifRange.startsWith('"') && ifRange === etag;
    const byDate = !ifRange.startsWith('"') && !ifRange.startsWith('W/') && lastModified?.toUTCString() === ifRange;
    if (!byTag && !byDate) return undefined;
  }
  const ranges = parseRange(size, header, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  // A malformed header, another unit, or several ranges: answered whole, which RFC 9110 §14.2 allows.
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  const [range] = ranges;
  return range;
}

/** A client asking for a byte range of a GET wants the bytes themselves, if it accepts them at all. */
function accepted(req: IncomingMessage): AcceptedEncodings {
  const codings = acceptedEncodings(req);
  return req.headers.range && req.method === 'GET' && codings.identity ? { best: 'identity', identity: true } : codings;
}

export interface Representation {
  mediaType: string;
  headers: Record<string, string>;
  lastModified?: Date;
  /** The body's strong tag when whoever made it has computed it already (query answers: in the worker). */
  etag?: string;
}

/** Sends a body held in memory: compressed when the client accepts it and it is worth it. */
export async function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  rep: Representation,
): Promise<void> {
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  const encoding = encodingFor(accepted(req), rep.mediaType, buffer.length);
  if (!encoding) throw notAcceptableCoding();
  const identityTag = rep.etag ?? strongEtag(buffer);
  const etag = etagForEncoding(identityTag, encoding);
  const headers = addToken(rep.headers, 'Vary', 'Accept-Encoding');
  if (status === 200 && isNotModified(req, etag, rep.lastModified)) {
    return notModified(res, headers, etag, rep.lastModified);
  }
  const out = encoding === 'identity' ? buffer : await compressed.get(identityTag, buffer, encoding);
  const common: Record<string, string> = {
    ...headers,
    'Content-Type': contentType(rep.mediaType),
    ETag: etag,
    ...(rep.lastModified ? { 'Last-Modified': rep.lastModified.toUTCString() } : {}),
    ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
  };
  if (status === 200 && encoding === 'identity') {
    common['Accept-Ranges'] = 'bytes';
    const range = rangeOf(req, out.length, etag, rep.lastModified);
    if (range === 'unsatisfiable') return unsatisfiable(res, common, out.length);
    if (range) {
      const part = out.subarray(range.start, range.end + 1);
      const contentRange = `bytes ${range.start}-${range.end}/${out.length}`;
      res.writeHead(206, { ...common, 'Content-Range': contentRange, 'Content-Length': String(part.length) });
      res.end(part);
      return;
    }
  }
  res.writeHead(status, { ...common, 'Content-Length': String(out.length) });
  if (req.method === 'HEAD') res.end();
  else writeShared(res, out);
}

function unsatisfiable(res: ServerResponse, headers: Record<string, string>, size: number): void {
  const { 'Content-Encoding': _e, ETag: _t, ...rest } = headers;
  res.writeHead(416, {
    ...rest,
    'Content-Range': `bytes */${size}`,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': '0',
  });
  res.end();
}

/** A precompressed sibling (`dataset.nt.br`, `dataset.nt.gz`) as fresh as the file, for the coding the client takes. */
async function precompressed(file: FileInfo, encoding: Encoding): Promise<FileInfo | undefined> {
  if (encoding === 'identity') return undefined;
  const sibling = `${file.file}${encoding === 'br' ? '.br' : '.gz'}`;
  try {
    const s = await stat(sibling);
    // A sibling older than the file was left by an earlier build: it would answer with stale bytes.
    if (!s.isFile() || s.mtimeMs < file.mtimeMs) return undefined;
    return { file: sibling, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * Sends a published file. Small files are read whole (a strong tag from their bytes); larger ones are streamed,
 * from a precompressed sibling when one exists, else through zlib, with backpressure all the way to the socket.
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: FileInfo,
  rep: Representation,
): Promise<void> {
  const lastModified = new Date(Math.floor(file.mtimeMs));
  const encoding = encodingFor(accepted(req), rep.mediaType, file.size);
  if (!encoding) throw notAcceptableCoding();
  const sibling = await precompressed(file, encoding);
  if (!sibling && file.size <= SMALL_FILE) {
    return sendBody(req, res, 200, await readSmall(file), { ...rep, lastModified });
  }
  const etag = etagForEncoding(weakEtag(file), encoding);
  const headers = addToken(rep.headers, 'Vary', 'Accept-Encoding');
  if (isNotModified(req, etag, lastModified)) return notModified(res, headers, etag, lastModified);
  const common: Record<string, string> = {
    ...headers,
    'Content-Type': contentType(rep.mediaType),
    ETag: etag,
    'Last-Modified': lastModified.toUTCString(),
  };
  let source: Streams;
  if (encoding === 'identity') {
    common['Accept-Ranges'] = 'bytes';
    // Weak tags never validate a range (RFC 9110 §13.1.5): only the date can, so the tag is given as not matching.
    const range = rangeOf(req, file.size, '', lastModified);
    if (range === 'unsatisfiable') return unsatisfiable(res, common, file.size);
    if (range) {
      res.writeHead(206, {
        ...common,
        'Content-Range': `bytes ${range.start}-${range.end}/${file.size}`,
        'Content-Length': String(range.end - range.start + 1),
      });
      return stream(req, res, () => [createReadStream(file.file, { start: range.start, end: range.end })]);
    }
    res.writeHead(200, { ...common, 'Content-Length': String(file.size) });
    source = () => [createReadStream(file.file)];
  } else if (sibling) {
    res.writeHead(200, { ...common, 'Content-Encoding': encoding, 'Content-Length': String(sibling.size) });
    source = () => [createReadStream(sibling.file)];
  } else {
    // Compressed on the fly: its length is not known before the end, so the answer is chunked.
    res.writeHead(200, { ...common, 'Content-Encoding': encoding });
    source = () => [createReadStream(file.file), compressStream(encoding, file.size)];
  }
  return stream(req, res, source);
}

type Streams = () => [Readable, ...Transform[]];

async function stream(req: IncomingMessage, res: ServerResponse, source: Streams): Promise<void> {
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // pipeline() waits for the socket to drain before reading on, and destroys both sides when either fails.
  await pipeline([...source(), res]).catch(() => res.destroy());
}
