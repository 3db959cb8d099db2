// Per-client share of the query workers: one address cannot take every worker, so others are still answered.
import { HttpError } from './http-error.ts';

/**
 * Counts the queries each client address has in flight (running or waiting for a worker). With W workers a
 * client may have at most `limit` (default W − 1, at least 1), so a flood of heavy queries from one address
 * leaves a worker free for everybody else; beyond it the client gets 429 with Retry-After at once.
 */
export class ClientLimit {
  private readonly inFlight = new Map<string, number>();

  constructor(
    readonly limit: number,
    private readonly retryAfterSeconds: number,
  ) {}

  static forWorkers(workers: number, retryAfterSeconds: number, limit?: number): ClientLimit {
    return new ClientLimit(limit ?? Math.max(1, workers - 1), retryAfterSeconds);
  }

  /** Takes a share for `client`; call the returned function when its query is done, however it ended. */
  acquire(client: string): () => void {
    const n = this.inFlight.get(client) ?? 0;
    if (n >= this.limit) {
      throw new HttpError(
        429,
        `this address already has ${n} ${n === 1 ? 'query' : 'queries'} running, the most one client may have at once; wait for it to finish`,
        { 'Retry-After': String(this.retryAfterSeconds) },
        'QUERY_BUSY',
      );
    }
    this.inFlight.set(client, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(client) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(client);
      else this.inFlight.set(client, left);
    };
  }

  /** Clients with a query in flight, for tests and the log. */
  get clients(): number {
    return this.inFlight.size;
  }
}
