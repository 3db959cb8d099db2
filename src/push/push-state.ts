// What a store is known to hold: per store, the hash of each graph the last pushes sent and verified, kept beside the output directory.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `graphs` maps each graph IRI to the content hash the store is known to hold, or null when that is not
 * known (a push sent it but could not verify it, or it failed half way): such graphs are sent again.
 * A graph in `graphs` that the build no longer has is deleted from the store by the next push.
 */
export interface PushState {
  format: 'projectgraph-push/1';
  /** The endpoints, without credentials, for people reading the file. */
  graphStore: string;
  sparql: string;
  /** The build sequence and state of the last push that ended in sync, if any. */
  sequence?: number;
  state?: string;
  graphs: Record<string, string | null>;
}

/**
 * Push state lives in `.projectgraph/push/` next to the output directory (output/ itself is replaced by
 * every build), one file per graph store, named after its host and a hash of its URL.
 */
export function pushStateFile(outDir: string, graphStore: URL): string {
  const id = createHash('sha256').update(graphStore.toString()).digest('hex').slice(0, 12);
  const host = graphStore.host.replace(/[^A-Za-z0-9.-]+/g, '_');
  return path.join(path.dirname(path.resolve(outDir)), '.projectgraph', 'push', `${host}-${id}.json`);
}

/** Beside the state: the graphs a push is about to change, written before it sends anything (see markPending). */
const pendingFile = (file: string) => `${file}.pending`;

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The state, with every graph a push marked pending and did not see through set to unknown (null). */
export async function readPushState(file: string): Promise<PushState | undefined> {
  const text = await readText(file);
  if (text === undefined) return undefined;
  let state: PushState | undefined;
  try {
    const s = JSON.parse(text) as PushState;
    if (s.format === 'projectgraph-push/1' && s.graphs && typeof s.graphs === 'object') state = s;
  } catch {
    // A damaged state file is the same as none: the push then checks the store itself.
  }
  const pending = await readText(pendingFile(file));
  if (state === undefined || pending === undefined) return state;
  try {
    const graphs = JSON.parse(pending) as unknown;
    if (Array.isArray(graphs) && graphs.every((g) => typeof g === 'string')) {
      for (const g of graphs) state.graphs[g] = null;
      return state;
    }
  } catch {
    // Below: which graphs were in flight is not known.
  }
  // A damaged list of pending graphs leaves every graph in doubt: the same as no state.
  return undefined;
}

/**
 * Records, before a push sends anything, the graphs it is about to change: until the state is written again
 * they are unknown, so a push killed half way sends them again. A list in proportion to the change, where
 * rewriting the whole state would be in proportion to the build.
 */
export async function markPending(file: string, graphs: readonly string[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${pendingFile(file)}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(graphs)}\n`);
  await rename(tmp, pendingFile(file));
}

/** A state to save: its graphs as read (an object) or as a push keeps them (a Map). */
export type PushStateToWrite = Omit<PushState, 'graphs'> & {
  graphs: PushState['graphs'] | ReadonlyMap<string, string | null>;
};

/** Written to a temporary file and renamed, so a push killed while saving leaves the previous state whole. */
export async function writePushState(file: string, state: PushStateToWrite): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const entries = state.graphs instanceof Map ? [...state.graphs] : Object.entries(state.graphs);
  const sorted: PushState = {
    ...state,
    graphs: Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(sorted, null, 1)}\n`);
  await rename(tmp, file);
  // The state now says what the pending graphs hold (or that it is unknown): the list has done its work.
  await rm(pendingFile(file), { force: true });
}
