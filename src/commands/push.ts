// `projectgraph push`: sends the build's named graphs to a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.
import { UsageError } from '../errors.ts';
import { push } from '../push/push.ts';
import { EXIT, type Command } from './command.ts';

export const pushCommand: Command = {
  usage: `projectgraph push --store URL [--graph-store URL] [--out DIR] [--user U --password P] [--full]

  --store URL        the store's SPARQL query endpoint (used to check what the store holds)
  --graph-store URL  its SPARQL 1.1 Graph Store HTTP Protocol endpoint (default: the --store URL)
  --out DIR          the build to send (default: output)
  --user U           account for HTTP Basic or Digest authentication, whichever the store asks for
  --password P       its password; better: leave it out and set PROJECTGRAPH_STORE_PASSWORD,
                     so that it does not show in the process list or shell history
  --full             send every graph, not only those changed since the last push to this store

Changed graphs are replaced (PUT), graphs of deleted records removed (DELETE), unchanged ones left alone.
What each store holds is remembered in .projectgraph/push/ beside the output directory; a push that
failed half way lists the graphs not in sync, and the next push sends them again.
Examples: Fuseki --store http://host:3030/ds/sparql --graph-store http://host:3030/ds/data
          Virtuoso --store http://host:8890/sparql --graph-store http://host:8890/sparql-graph-crud-auth --user dba`,
  options: {
    store: { type: 'string' },
    'graph-store': { type: 'string' },
    out: { type: 'string', default: 'output' },
    user: { type: 'string' },
    password: { type: 'string' },
    full: { type: 'boolean', default: false },
  },
  async run(v) {
    if (typeof v.store !== 'string') throw new UsageError('--store URL is required');
    if (v.password !== undefined && v.user === undefined) throw new UsageError('--password needs --user');
    const password = typeof v.password === 'string' ? v.password : process.env.PROJECTGRAPH_STORE_PASSWORD;
    const report = await push({
      outDir: String(v.out),
      store: v.store,
      ...(typeof v['graph-store'] === 'string' ? { graphStore: v['graph-store'] } : {}),
      ...(typeof v.user === 'string' ? { user: v.user, password: password ?? '' } : {}),
      full: v.full === true,
    });
    const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
    process.stdout.write(
      `pushed build ${report.sequence} to ${report.graphStore}: ${n(report.put.length, 'graph')} replaced, ` +
        `${report.deleted.length} deleted, ${report.unchanged} unchanged in ${report.seconds.toFixed(2)} s\n`,
    );
    if (report.verified) {
      process.stdout.write(`the store holds ${n(report.verified.graphs, 'graph')} with ${n(report.verified.triples, 'triple')} under this dataset\n`);
    }
    if (report.outOfSync.length === 0) {
      process.stdout.write('in sync: every graph verified by its triple count\n');
      return EXIT.ok;
    }
    process.stderr.write(`projectgraph: ${n(report.outOfSync.length, 'graph')} not in sync with the store:\n`);
    // Grouped by reason: a store that is down gives thousands of graphs the same one.
    const byReason = new Map<string, string[]>();
    for (const o of report.outOfSync) byReason.set(o.reason, [...(byReason.get(o.reason) ?? []), o.graph]);
    for (const [reason, graphs] of byReason) {
      if (graphs.length === 1) process.stderr.write(`  ${graphs[0]}: ${reason}\n`);
      else {
        process.stderr.write(`  ${graphs.length} graphs: ${reason}\n`);
        for (const g of graphs.slice(0, 5)) process.stderr.write(`    ${g}\n`);
        if (graphs.length > 5) process.stderr.write(`    … and ${graphs.length - 5} more\n`);
      }
    }
    process.stderr.write('run the same push again once the store is reachable; it sends these graphs again\n');
    return EXIT.fault;
  },
};
