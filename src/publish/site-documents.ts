// The documents the site shows that the store does not hold: the DCAT-AP catalogue and VoID, which describe the dump
// files (sizes, checksums) and so change with every build (named-graphs.ts says why they are in no graph).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { DATASET_PATHS } from '../dataset-iris.ts';
import { ProjectgraphError } from '../errors.ts';

export interface SiteDocuments {
  /** The catalogue's statements (catalog.ttl). */
  catalog: readonly Quad[];
  /** The VoID description's statements (void.ttl). */
  void: readonly Quad[];
}

/** Reads catalog.ttl and void.ttl of a build's output directory; a build without them is damaged. */
export async function readSiteDocuments(outDir: string): Promise<SiteDocuments> {
  const damaged = (file: string, problem: string) =>
    new ProjectgraphError('BUILD_DAMAGED', `${file} ${problem}: run "projectgraph build" again`);
  const read = async (name: string): Promise<Quad[]> => {
    const file = path.join(outDir, `${name}.ttl`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw damaged(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    try {
      return new Parser({ format: 'text/turtle' }).parse(text);
    } catch (e) {
      throw damaged(file, `is not Turtle (${e instanceof Error ? e.message : String(e)})`);
    }
  };
  return { catalog: await read(DATASET_PATHS.catalog), void: await read(DATASET_PATHS.void) };
}
