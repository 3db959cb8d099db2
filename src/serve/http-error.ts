// An HTTP error with a status and a message meant for the client; anything else that is thrown becomes a bare 500.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
