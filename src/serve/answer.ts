// A serialised answer held once, as one Buffer with its ETag, and written to each client by slices with backpressure.
import type http from 'node:http';
import type { QueryResponse } from './engine.ts';
import { strongEtag } from './static-files.ts';

/** What a query produced, ready to send: every client, the cache and joined requests share this one Buffer. */
export interface Answer {
  body: Buffer;
  /** Strong ETag of `body`, computed once where the answer was made (in the worker). */
  etag: string;
  mediaType: string;
  truncated: boolean;
  rows: number;
  /** The graphs.json state of the store that made it, when known: a cache keeps it only while that state is served. */
  state?: string;
}

/**
 * Slices handed to the socket at a time. A slice is a view of the shared Buffer, not a copy, and the next one is
 * written only once the socket drained, so a client that stops reading pins one slice, not a copy of the answer.
 */
const SLICE = 64 * 1024;

/** Writes `body` and ends the response; stops when the client goes away. Headers must have been written. */
export function writeShared(res: http.ServerResponse, body: Buffer): void {
  let offset = 0;
  const pump = (): void => {
    while (!res.destroyed) {
      const end = Math.min(offset + SLICE, body.length);
      const slice = body.subarray(offset, end);
      offset = end;
      if (offset >= body.length) {
        res.end(slice);
        return;
      }
      if (!res.write(slice)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  res.once('close', () => res.off('drain', pump));
  pump();
}

/** The answer of an engine's (string) result: encoded and hashed once, by whoever made it. */
export function toAnswer(response: QueryResponse): Answer {
  const body = Buffer.from(response.body);
  return {
    body,
    etag: strongEtag(body),
    mediaType: response.mediaType,
    truncated: response.truncated,
    rows: response.rows,
  };
}
