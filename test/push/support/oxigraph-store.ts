// A Graph Store Protocol + SPARQL endpoint for tests: Oxigraph's in-memory store behind node:http on 127.0.0.1, with Basic auth on writes and a request log.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import oxigraph from 'oxigraph';

export interface LoggedRequest {
  method: string;
  query?: string;
  graph?: string;
  authorization?: string;
  status: number;
}

export interface TestStore {
  url: string;
  sparql: string;
  graphStore: string;
  store: oxigraph.Store;
  log: LoggedRequest[];
  /** Answer writes with this status (and text) instead of doing them, for graphs this returns one for. */
  refuse?: (method: string, graph: string) => number | { status: number; text: string } | undefined;
  /** While true, every connection is dropped unanswered, as by a store that went away. */
  down?: boolean;
  /** Queries wait this long before they are answered, as on a slow store. */
  queryDelayMs?: number;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the store on a free port; writes need `user`/`password` by Basic auth when given. */
export async function startTestStore(auth?: { user: string; password: string }): Promise<TestStore> {
  const store = new oxigraph.Store();
  const log: LoggedRequest[] = [];
  const expected = auth ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` : undefined;
  const t: Partial<TestStore> = { store, log };
  const server: Server = createServer(async (req, res) => {
    if (t.down) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, text = '', type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type });
      res.end(text);
    };
    try {
      if (url.pathname === '/sparql') {
        const form = new URLSearchParams(req.method === 'POST' ? await body(req) : url.search.slice(1));
        const query = form.get('query') ?? '';
        log.push({ method: `QUERY ${req.method}`, status: 200, query });
        if (t.queryDelayMs) await new Promise((r) => setTimeout(r, t.queryDelayMs));
        // Like Virtuoso, GraphDB and QLever, the default graph is the union of the named graphs.
        const rdf = (req.headers.accept ?? '').includes('application/n-triples');
        const format = rdf ? 'application/n-triples' : 'application/sparql-results+json';
        // The protocol's dataset, when given, replaces the query's, as SPARQL 1.1 Protocol §2.1.4 says.
        const [defaults, named] = [form.getAll('default-graph-uri'), form.getAll('named-graph-uri')];
        const dataset =
          defaults.length + named.length > 0
            ? {
                default_graph: defaults.map((g) => oxigraph.namedNode(g)),
                named_graphs: named.map((g) => oxigraph.namedNode(g)),
              }
            : { use_default_graph_as_union: true };
        send(200, store.query(query, { results_format: format, ...dataset }) as string, format);
        return;
      }
      if (url.pathname !== '/store') return send(404);
      const graph = url.searchParams.get('graph') ?? '';
      const text = await body(req);
      const entry: LoggedRequest = {
        method: req.method ?? '',
        graph,
        status: 0,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      };
      log.push(entry);
      const reply = (status: number, text = '') => {
        entry.status = status;
        send(status, text);
      };
      if (expected && req.headers.authorization !== expected) {
        res.setHeader('www-authenticate', 'Basic realm="test store", charset="UTF-8"');
        return reply(401);
      }
      const refused = t.refuse?.(req.method ?? '', graph);
      if (refused !== undefined)
        return typeof refused === 'number' ? reply(refused) : reply(refused.status, refused.text);
      const g = oxigraph.namedNode(graph);
      if (req.method === 'PUT') {
        const existed = store.match(null, null, null, g).length > 0;
        store.update(`DROP SILENT GRAPH <${graph}>`);
        store.load(text, { format: 'text/turtle', to_graph_name: g });
        return reply(existed ? 204 : 201);
      }
      if (req.method === 'DELETE') {
        const existed = store.match(null, null, null, g).length > 0;
        store.update(`DROP SILENT GRAPH <${graph}>`);
        return reply(existed ? 204 : 404);
      }
      return reply(405);
    } catch (e) {
      send(400, String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  Object.assign(t, {
    url,
    sparql: `${url}/sparql`,
    graphStore: `${url}/store`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return t as TestStore;
}
