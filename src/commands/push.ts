// `projectgraph push`: sends the build's named graphs to a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.
import { UsageError } from '../errors.ts';
import { FAILURE_CODE, push, type FailureKind } from '../push/push.ts';
import type { Command } from './command.ts';
import { progressOn } from '../progress.ts';

export const pushCommand: Command = {
  usage: `projectgraph push --store URL [--graph-store URL] [--update URL] [--out DIR] [--user U --password P] [--full]
                  [--verify-all]

  --store URL        the store's SPARQL query endpoint (used to check what the store holds)
  --graph-store URL  its SPARQL 1.1 Graph Store HTTP Protocol endpoint (default: the --store URL)
  --update URL       its SPARQL 1.1 Update endpoint: a push of many graphs (the first, --full) then sends
                     them many to a request instead of one request per graph
  --out DIR          the build to send (default: output)
  --user U           account for HTTP Basic or Digest authentication, whichever the store asks for
  --password P       its password; better: leave it out and set PROJECTGRAPH_STORE_PASSWORD,
                     so that it does not show in the process list or shell history
  --full             send every graph, not only those changed since the last push to this store
  --verify-all       after sending, count every graph the store holds under the dataset, not only the changed
                     ones (finds graphs changed behind push's back; a first push and --full always do)

Changed graphs are replaced (PUT, or with --update and 16 graphs or more, CLEAR and INSERT DATA in batches),
graphs of deleted records removed (DELETE), unchanged ones left alone.
Exit codes: 0 in sync, 1 the store refused the data, 2 wrong use or credentials refused, 3 the store holds
something else than was sent, 4 the store could not be reached or did not answer in time (retry later).
What each store holds is remembered in .projectgraph/push/ beside the output directory; a push that
failed half way lists the graphs not in sync, and the next push sends them again.
Examples: Fuseki --store http://host:3030/ds/sparql --graph-store http://host:3030/ds/data
          Virtuoso --store http://host:8890/sparql --graph-store http://host:8890/sparql-graph-crud-auth
                   --update http://host:8890/sparql-auth --user dba`,
  options: {
    store: { type: 'string' },
    'graph-store': { type: 'string' },
    update: { type: 'string' },
    out: { type: 'string', default: 'output' },
    user: { type: 'string' },
    password: { type: 'string' },
    full: { type: 'boolean', default: false },
    'verify-all': { type: 'boolean', default: false },
  },
  async run(v) {
    if (typeof v.store !== 'string') throw new UsageError('--store URL is required');
    if (v.password !== undefined && v.user === undefined) throw new UsageError('--password needs --user');
    const password = typeof v.password === 'string' ? v.password : process.env.PROJECTGRAPH_STORE_PASSWORD;
    const sending = progressOn().stage('sending graphs', { unit: 'graphs' });
    const report = await push({
      outDir: String(v.out),
      store: v.store,
      ...(typeof v['graph-store'] === 'string' ? { graphStore: v['graph-store'] } : {}),
      ...(typeof v.update === 'string' ? { update: v.update } : {}),
      ...(typeof v.user === 'string' ? { user: v.user, password: password ?? '' } : {}),
      full: v.full === true,
      verifyAll: v['verify-all'] === true,
      onProgress: (done, total) => {
        sending.total(total);
        sending.set(done);
      },
    });
    sending.end();
    const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
    const failure = report.failure;
    if (failure === undefined) {
      process.stdout.write(
        `pushed build ${report.sequence} to ${report.graphStore}: ${n(report.put.length, 'graph')} replaced, ` +
          `${report.deleted.length} deleted, ${report.unchanged} unchanged in ${report.seconds.toFixed(2)} s\n`,
      );
      if (report.verified) {
        const { graphs, triples } = report.verified;
        process.stdout.write(`the store holds ${n(graphs, 'graph')} with ${n(triples, 'triple')} under this dataset\n`);
      }
      process.stdout.write(
        report.verified
          ? 'in sync: every graph verified by its triple count\n'
          : 'in sync: the graphs sent verified by their triple counts, the graphs deleted gone\n',
      );
      return undefined;
    }
    // Only once the outcome is known, and then as what it is: a failed push, what reached the store, what to do.
    process.stderr.write(`projectgraph: push of build ${report.sequence} to ${report.graphStore} failed: `);
    process.stderr.write(`${failure.reason}\n`);
    process.stderr.write(`${n(report.outOfSync.length, 'graph')} not in sync with the store:\n`);
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
    const { planned } = report;
    process.stderr.write(
      `sent ${report.put.length} of ${n(planned.put, 'changed graph')}, ` +
        `deleted ${report.deleted.length} of ${planned.delete}, ` +
        `${report.unchanged} unchanged, in ${report.seconds.toFixed(2)} s\n`,
    );
    process.stderr.write(`${ADVICE[failure.kind](report.graphStore, report.sparql)}\n`);
    return FAILURE_CODE[failure.kind];
  },
};

/** What to do next, for each kind of failure (the graph store's URL, then the SPARQL endpoint's). */
const ADVICE: Record<FailureKind, (graphStore: string, sparql: string) => string> = {
  credentials: (gs) =>
    `the store at ${gs} refused the user name or password: check --user and the password ` +
    '(--password or PROJECTGRAPH_STORE_PASSWORD), then push again',
  forbidden: (gs) =>
    `the store at ${gs} does not let this account write: give it write access to the graph store ` +
    '(Virtuoso: the SPARQL_UPDATE role), or push with --user of an account that has it',
  unreachable: (gs, sparql) =>
    `the store could not be reached: check that it is running and that --store (${sparql}) and --graph-store (${gs}) ` +
    'are right, then run the same push again; it sends these graphs again',
  timeout: () =>
    'the store did not answer in time: it may be busy or still starting; run the same push again later; ' +
    'it sends these graphs again',
  refused: () =>
    "the store refused what was sent: its answer is quoted above (often a size limit or the store's configuration); " +
    'once that is fixed, run the same push again; it sends these graphs again',
  differs: () =>
    'the store holds something other than the build (it changed while or after the push): run the same push again ' +
    'to repair these graphs; --full sends every graph',
};
