// Per-client share of the query workers: one address cannot take every worker, so others are still answered.
import { HttpError } from './http-error.ts';

/** A request waiting for its client's share, FIFO per client. */
interface Waiter {
  grant(release: () => void): void;
  timer: NodeJS.Timeout;
}

/**
 * Counts the queries each client address has in flight (running in a worker). With W workers a client may have at
 * most `limit` (default W − 1, at least 1), so a flood of heavy queries from one address leaves a worker free for
 * everybody else. A query past the share waits, in its client's own line, for one of that client's queries to end;
 * after `waitMs`, or when the line is already `maxWaiting` long, it gets 429 with Retry-After. The wait keeps a
 * client that sends many quick requests at once (a browser, a harvester) from being refused while its share frees
 * within milliseconds; other clients never wait behind it.
 */
export class ClientLimit {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(
    readonly limit: number,
    private readonly retryAfterSeconds: number,
    private readonly waitMs = 1_000,
    private readonly maxWaiting = 64,
  ) {}

  static forWorkers(workers: number, retryAfterSeconds: number, limit?: number, waitMs?: number): ClientLimit {
    return new ClientLimit(limit ?? Math.max(1, workers - 1), retryAfterSeconds, waitMs);
  }

  /** Takes a share for `client`, waiting for one if need be; call the returned function when the query is done. */
  acquire(client: string): Promise<() => void> {
    const n = this.inFlight.get(client) ?? 0;
    if (n < this.limit) {
      this.inFlight.set(client, n + 1);
      return Promise.resolve(this.releaser(client));
    }
    const line = this.waiting.get(client) ?? [];
    if (line.length >= this.maxWaiting || this.waitMs <= 0) return Promise.reject(this.busy(n));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          clearTimeout(waiter.timer);
          resolve(release);
        },
        timer: setTimeout(() => {
          const at = line.indexOf(waiter);
          if (at >= 0) line.splice(at, 1);
          if (line.length === 0) this.waiting.delete(client);
          reject(this.busy(this.inFlight.get(client) ?? 0));
        }, this.waitMs),
      };
      line.push(waiter);
      this.waiting.set(client, line);
    });
  }

  /** Ends one query of `client`: its share goes to the next in that client's line, or back. */
  private releaser(client: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const line = this.waiting.get(client);
      const next = line?.shift();
      if (line?.length === 0) this.waiting.delete(client);
      // The share passes on as it is: the count in flight stays the same.
      if (next) return next.grant(this.releaser(client));
      const left = (this.inFlight.get(client) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(client);
      else this.inFlight.set(client, left);
    };
  }

  private busy(n: number): HttpError {
    return new HttpError(
      429,
      `this address already has ${n} ${n === 1 ? 'query' : 'queries'} running, the most one client may have at once, and more waiting; wait for them to finish`,
      { 'Retry-After': String(this.retryAfterSeconds) },
      'QUERY_BUSY',
    );
  }

  /** Clients with a query in flight, for tests and the log. */
  get clients(): number {
    return this.inFlight.size;
  }
}
