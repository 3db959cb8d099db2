// The SPARQL 1.1 Graph Store HTTP Protocol, client side: replace a named graph with PUT, remove it with DELETE (indirect graph identification).
import type { HttpClient } from './http-client.ts';

export class GraphStoreError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
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
  const detail = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  const why = res.status === 401 ? 'the store refused the credentials' : res.status === 403 ? 'the account may not write to the store' : `HTTP ${res.status}`;
  throw new GraphStoreError(`${method} refused: ${why}${detail ? ` (${detail})` : ''}`, res.status);
}
