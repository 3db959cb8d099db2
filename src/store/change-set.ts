// Reads what a store needs to move from the state it holds to a new build: the graphs the build's change sets name,
// with their new content taken from the new dataset.nq by graphs.json's byte ranges (checked against their hashes).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser } from 'n3';
import { INDEX_FILE, MANIFEST_FILE, parseManifest, readGraphLines, type ChangeIndex } from '../publish/change-sets.ts';
import { damagedManifest, type ChangeSet } from './store.ts';

/**
 * The change from `fromState` to the build in `outDir`, or undefined when the kept change sets do not lead from
 * that state (a store too far behind, or a new sequence line): then the store is loaded afresh.
 */
export async function readChangeSet(outDir: string, fromState: string): Promise<ChangeSet | undefined> {
  const manifest = parseManifest(await readFile(path.join(outDir, MANIFEST_FILE), 'utf8'));
  if (typeof manifest === 'string') throw damagedManifest(path.join(outDir, MANIFEST_FILE), manifest);
  if (manifest.state === fromState) return { from: fromState, to: fromState, sequence: manifest.sequence, graphs: [] };
  let index: ChangeIndex;
  try {
    index = JSON.parse(await readFile(path.join(outDir, INDEX_FILE), 'utf8')) as ChangeIndex;
  } catch {
    return undefined;
  }
  const start = index.changes.findIndex((c) => c.from === fromState);
  if (start < 0 || index.state !== manifest.state) return undefined;
  const chain = index.changes.slice(start);
  if (chain.at(-1)?.to !== manifest.state) return undefined;
  for (let i = 1; i < chain.length; i++) if (chain[i]!.from !== chain[i - 1]!.to) return undefined;
  const names = [...new Set(chain.flatMap((c) => c.graphs.map((g) => g.graph)))].sort();
  const present = names.filter((n) => manifest.graphs[n] !== undefined);
  const lines = await readGraphLines(path.join(outDir, manifest.dump), manifest, present);
  const graphs = names.map((name) => {
    const content = lines.get(name);
    if (content === undefined) return { name };
    return {
      name,
      hash: manifest.graphs[name]!.hash,
      quads: new Parser({ format: 'N-Triples' }).parse(content.join('')),
    };
  });
  return { from: fromState, to: manifest.state, sequence: manifest.sequence, graphs };
}
