// Files of the published output/: safe path resolution (nothing outside the root, in any encoding), media types and ETags.
import { createHash } from 'node:crypto';
import { realpath, stat, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Media types by file extension, for the files a build writes. */
const MEDIA_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.ttl': 'text/turtle',
  '.nt': 'application/n-triples',
  '.nq': 'application/n-quads',
  '.trig': 'application/trig',
  '.jsonld': 'application/ld+json',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.gz': 'application/gzip',
};

export function mediaTypeOf(file: string): string {
  return MEDIA_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The request path as path segments, decoded once; undefined when it could reach outside the root or hide
 * something: bad escapes, NUL, backslashes, `.`/`..` segments and dot-files (the build's staging dirs).
 */
export function safeSegments(rawPath: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || /[\0\\]/.test(decoded)) return undefined;
  const segments = decoded.slice(1).split('/');
  // A trailing slash leaves one empty segment at the end; empty segments elsewhere ("//") are refused.
  const inner = segments.at(-1) === '' ? segments.slice(0, -1) : segments;
  if (inner.some((s) => s === '' || s.startsWith('.'))) return undefined;
  return segments;
}

export interface FileInfo {
  file: string;
  size: number;
  mtimeMs: number;
}

/** The regular file at `relative` under `root`, after following links, if it is really inside the root. */
export async function fileInside(root: string, relative: string): Promise<FileInfo | undefined> {
  const realRoot = await realpath(root).catch(() => undefined);
  if (!realRoot) return undefined;
  const candidate = path.resolve(realRoot, relative);
  if (!candidate.startsWith(realRoot + path.sep)) return undefined;
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(realRoot + path.sep)) return undefined;
    const s = await stat(real);
    if (!s.isFile()) return undefined;
    return { file: real, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}

/** Files up to this size are read whole and get a strong ETag from their content; larger ones are streamed. */
export const SMALL_FILE = 8 * 1024 * 1024;

export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

export function weakEtag(info: FileInfo): string {
  return `W/"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
}

export async function readSmall(info: FileInfo): Promise<Buffer> {
  return readFile(info.file);
}

/** Whether If-None-Match names the current representation (weak comparison, as RFC 9110 asks for GET). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => bare(t) === bare(etag));
}
