// Bench part: the first push of a build to a fresh Virtuoso (batched SPARQL Update) and the push after one edited record.
import path from 'node:path';
import { push, type Operation } from '../src/push/push.ts';
import { startSizedVirtuoso } from './serve.ts';

/** The largest run that pushes: issue 15 asks for push figures at 100,000 and 10,000 records. */
export const PUSH_MAX_RECORDS = 100_000;

export interface PushFigures {
  /** The first push of every graph, its check included. */
  firstPushSec: number;
  graphs: number;
  /** What the store holds after it, by its own count. */
  triples: number | null;
  /** The push after one record was edited and the build redone: one graph, checked by name. */
  oneEditPushSec: number;
  oneEditGraphsSent: number;
}

/**
 * `rebuildAfterEdit` edits one record and builds again into the same output; the second push must then send
 * exactly one graph, or the figure would be of some other push.
 */
export async function pushFigures(out: string, rebuildAfterEdit: () => Promise<unknown>): Promise<PushFigures> {
  const virtuoso = await startSizedVirtuoso();
  try {
    const options = {
      outDir: out,
      store: virtuoso.sparql,
      graphStore: virtuoso.graphStore,
      update: `${virtuoso.http}/sparql-auth`,
      user: 'dba',
      password: 'dba',
      stateFile: path.join(virtuoso.dir, 'push-state.json'),
      timeoutMs: 600_000,
    };
    let t = performance.now();
    const first = await push(options);
    const firstPushSec = (performance.now() - t) / 1000;
    if (first.outOfSync.length > 0) throw new Error(`first push not in sync: ${JSON.stringify(first.outOfSync[0])}`);
    await rebuildAfterEdit();
    const sent: Operation[] = [];
    t = performance.now();
    const edit = await push({ ...options, onSent: (op) => void sent.push(op) });
    const oneEditPushSec = (performance.now() - t) / 1000;
    if (edit.outOfSync.length > 0) throw new Error(`edit push not in sync: ${JSON.stringify(edit.outOfSync[0])}`);
    return {
      firstPushSec,
      graphs: first.put.length,
      triples: first.verified?.triples ?? null,
      oneEditPushSec,
      oneEditGraphsSent: sent.length,
    };
  } finally {
    await virtuoso.stop();
  }
}
