// The one spelling of a request path: each resource answers at one address, every other spelling redirects there.
import type { ServerResponse } from 'node:http';

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * RFC 3986 §6.2.2 normalisation plus the site's own rules: runs of slashes are one slash (so `//host` can never
 * become a protocol-relative redirect), escapes of unreserved characters are decoded and other escapes written in
 * upper case, a trailing slash is dropped (IRIs are minted without one), and `/index`, `/index.html` are `/`.
 */
export function canonicalPath(rawPath: string): string {
  let p = rawPath.replace(/\/{2,}/g, '/');
  p = p.replace(/%[0-9A-Fa-f]{2}/g, (encoded) => {
    const c = String.fromCharCode(parseInt(encoded.slice(1), 16));
    return UNRESERVED.test(c) ? c : encoded.toUpperCase();
  });
  if (p.length > 1 && p.endsWith('/')) p = p.replace(/\/+$/, '') || '/';
  if (p === '/index' || p === '/index.html') p = '/';
  return p;
}

/** Sends a client to the canonical path with its query string; 308 (not 301) for POST keeps method and body. */
export function redirect(res: ServerResponse, method: string, target: string, query: string): void {
  const location = `${target}${query}`;
  const status = method === 'GET' || method === 'HEAD' ? 301 : 308;
  const body = `moved to ${location}\n`;
  res.writeHead(status, {
    Location: location,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'public, max-age=3600',
  });
  res.end(method === 'HEAD' ? undefined : body);
}
