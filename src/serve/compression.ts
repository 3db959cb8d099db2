// Content-Encoding: which coding a client accepts (br, gzip or none), and compressing bodies and streams with zlib.
import Negotiator from 'negotiator';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

export type Encoding = 'br' | 'gzip' | 'identity';

/** Codings we write, best first: the client's q-values decide, and on equal q-values this order does. */
const ENCODINGS: Encoding[] = ['br', 'gzip', 'identity'];

/** Bodies smaller than this are sent as they are: the coding's own overhead would eat what it saves. */
export const MIN_COMPRESS_BYTES = 1024;

/**
 * Brotli at its default quality 11 takes seconds for a few megabytes; 5 compresses a dump nearly as well as gzip -9
 * at gzip's speed, which is what an answer written per request can afford.
 */
const BROTLI_OPTIONS: zlib.BrotliOptions = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } };

const brotli = promisify(zlib.brotliCompress);

function brotliOptions(size: number): zlib.BrotliOptions {
  return { ...BROTLI_OPTIONS, params: { ...BROTLI_OPTIONS.params, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size } };
}
const gzip = promisify(zlib.gzip);

/** What a client accepts: its preferred coding of ours, and whether an uncoded body is acceptable at all. */
export interface AcceptedEncodings {
  best: Encoding | undefined;
  identity: boolean;
}

/**
 * Negotiator applies RFC 9110 §12.5.3: no Accept-Encoding or `*` allows anything, and `identity` is acceptable
 * unless it (or `*`) is given q=0. On equal q-values our order decides, so a browser's "gzip, deflate, br" gets br.
 */
export function acceptedEncodings(req: IncomingMessage): AcceptedEncodings {
  const header = req.headers['accept-encoding'];
  if (header === undefined || header.trim() === '') return { best: 'identity', identity: true };
  // @types/negotiator lacks the `preferred` option that negotiator 1.x has.
  type Encodings = (available: string[], options: { preferred: string[] }) => string[];
  const encodings = new Negotiator(req).encodings as Encodings;
  const list = encodings.call(new Negotiator(req), [...ENCODINGS], { preferred: [...ENCODINGS] });
  return { best: ENCODINGS.find((e) => e === list[0]), identity: list.includes('identity') };
}

/** Whether a body of this media type is worth compressing: text formats are; images and archives already are. */
export function compressibleType(mediaType: string): boolean {
  const type = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type.endsWith('+json') ||
    type.endsWith('+xml') ||
    [
      'application/json',
      'application/xml',
      'application/javascript',
      'application/n-triples',
      'application/n-quads',
      'application/trig',
      'image/svg+xml',
      'application/sparql-query',
    ].includes(type)
  );
}

/**
 * The coding for one body: the client's choice when the body is compressible and not tiny, else none — unless the
 * client refused an uncoded body, which then gets its coding anyway. Undefined: nothing acceptable (→ 406).
 */
export function encodingFor(accepted: AcceptedEncodings, mediaType: string, size: number): Encoding | undefined {
  if (accepted.best === undefined) return undefined;
  if (accepted.best === 'identity') return 'identity';
  const worth = size >= MIN_COMPRESS_BYTES && compressibleType(mediaType);
  return worth || !accepted.identity ? accepted.best : 'identity';
}

export async function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  if (encoding === 'br') return brotli(body, brotliOptions(body.length));
  if (encoding === 'gzip') return gzip(body);
  return body;
}

/** A compressing stream for streamed files; piped with pipeline(), it keeps the reader's backpressure. */
export function compressStream(encoding: Exclude<Encoding, 'identity'>, size: number): Transform {
  return encoding === 'br' ? zlib.createBrotliCompress(brotliOptions(size)) : zlib.createGzip();
}

/**
 * The entity tag of one coding of a representation: each coding is its own sequence of bytes, so a cache that
 * holds the gzip form must not be told the brotli form is the same (RFC 9110 §8.8.3.3).
 */
export function etagForEncoding(etag: string, encoding: Encoding): string {
  if (encoding === 'identity') return etag;
  return `${etag.slice(0, -1)}-${encoding}"`;
}

/** A bounded cache of compressed bodies, by entity tag: the published files do not change while they keep their tag. */
export class CompressedCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  async get(etag: string, body: Buffer, encoding: Exclude<Encoding, 'identity'>): Promise<Buffer> {
    const key = etagForEncoding(etag, encoding);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const out = await compress(body, encoding);
    if (out.length <= this.maxBytes / 8) {
      this.entries.set(key, out);
      this.bytes += out.length;
      for (const [k, v] of this.entries) {
        if (this.bytes <= this.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= v.length;
      }
    }
    return out;
  }
}
