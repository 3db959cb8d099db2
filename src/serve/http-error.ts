// An HTTP error with a status and a message meant for the client; anything else that is thrown becomes a bare 500.
import type { ErrorCode } from '../errors.ts';

/** The status is the protocol's; `code` is ours, where the answer reports one of projectgraph's errors. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly code?: ErrorCode,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
