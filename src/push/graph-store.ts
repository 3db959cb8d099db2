// The SPARQL 1.1 Graph Store HTTP Protocol, client side: replace a named graph with PUT, remove it with DELETE (indirect graph identification).
import { ProjectgraphError } from '../errors.ts';
import { answerText, type HttpClient } from './http-client.ts';

/** The codes of a failed request to a store. */
export type StoreCode =
  | 'STORE_CREDENTIALS'
  | 'STORE_FORBIDDEN'
  | 'STORE_TIMEOUT'
  | 'STORE_UNREACHABLE'
  | 'STORE_REFUSED'
  | 'STORE_DIFFERS';

/** What a store's HTTP status says went wrong. */
export function statusCode(status: number): StoreCode {
  if (status === 401) return 'STORE_CREDENTIALS';
  if (status === 403) return 'STORE_FORBIDDEN';
  if (status === 408 || status === 504) return 'STORE_TIMEOUT';
  // A proxy in front of a store that is down answers 502 or 503.
  if (status === 502 || status === 503) return 'STORE_UNREACHABLE';
  return 'STORE_REFUSED';
}

/** The store answered a request with an HTTP status that is not success; the code follows from the status. */
export class GraphStoreError extends ProjectgraphError {
  declare readonly code: StoreCode;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(statusCode(status), message);
    this.name = 'GraphStoreError';
  }
}

export class GraphStore {
  constructor(
    private readonly http: HttpClient,
    readonly endpoint: URL,
  ) {}

  /** `?graph=<iri>` on the endpoint, keeping any query the endpoint URL already has. */
  graphUrl(graph: string): URL {
    const u = new URL(this.endpoint);
    u.searchParams.append('graph', graph);
    return u;
  }

  /**
   * Replaces the graph's content. The body is N-Triples, sent as text/turtle: every store of the
   * protocol reads Turtle, and N-Triples is a subset of it.
   */
  async put(graph: string, ntriples: string): Promise<void> {
    const res = await this.http.request(this.graphUrl(graph), {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle; charset=utf-8' },
      body: ntriples,
    });
    await expectSuccess(res, 'PUT', [200, 201, 204]);
  }

  /** Removes the graph; a graph the store does not have (404) is already what we want. */
  async delete(graph: string): Promise<void> {
    const res = await this.http.request(this.graphUrl(graph), { method: 'DELETE' });
    await expectSuccess(res, 'DELETE', [200, 202, 204, 404]);
  }
}

async function expectSuccess(res: Response, method: string, ok: number[]): Promise<void> {
  const text = await res.text().catch(() => '');
  if (ok.includes(res.status)) return;
  throw new GraphStoreError(`${method} refused: ${refusal(res.status, text)}`, res.status);
}

/** Why a store refused a write, in words, with the start of its answer: Graph Store and SPARQL Update alike. */
export function refusal(status: number, text: string): string {
  const detail = answerText(text);
  const why =
    status === 401
      ? 'the store refused the credentials'
      : status === 403
        ? 'the account may not write to the store'
        : `HTTP ${status}`;
  return `${why}${detail ? ` (${detail})` : ''}`;
}
