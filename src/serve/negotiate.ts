// Content negotiation: picks the best media type we offer for a request's Accept header, honouring q-values.
import Negotiator from 'negotiator';
import type { IncomingMessage } from 'node:http';

/**
 * The offered type the client prefers most, or undefined when it accepts none of them (→ 406).
 * With no Accept header the first offer wins, so each list starts with its sensible default. `aliases` maps other
 * names a client may ask by to the offered type it gets; they rank after the offers themselves.
 */
export function chooseMediaType(
  req: IncomingMessage,
  offers: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  if (!req.headers.accept || req.headers.accept.trim() === '') return offers[0];
  const chosen = new Negotiator(req).mediaType([...offers, ...Object.keys(aliases)]);
  return chosen === undefined ? undefined : (aliases[chosen] ?? chosen);
}

/** The media type written in a Content-Type header, with the charset text formats need. */
export function contentType(mediaType: string): string {
  return mediaType.startsWith('text/') ||
    mediaType.endsWith('+json') ||
    mediaType.endsWith('+xml') ||
    mediaType === 'application/n-triples' ||
    mediaType === 'application/ld+json'
    ? `${mediaType}; charset=utf-8`
    : mediaType;
}
