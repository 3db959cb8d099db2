// Named-graph IRIs (`<base>graph/…`) dereference to the graph's statements, read from dataset.nq by the byte range graphs.json gives.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { MANIFEST_FILE, parseManifest, readGraphLines, type Manifest } from '../publish/change-sets.ts';

/**
 * graphs.json of the output, read again only when the file changed: a rebuild swaps output/ under a running
 * server, and at 100,000 records the manifest is tens of megabytes, too much to read per request.
 */
export class GraphDocuments {
  private cached: { key: string; manifest: Manifest } | undefined;

  constructor(private readonly outDir: string) {}

  /** The statements of the named graph `iri`, or undefined when the build has no such graph (or no named graphs). */
  async statements(iri: string): Promise<Quad[] | undefined> {
    // Resolved once per request, so that the manifest and the dump are of the same build across a new build's switch.
    const dir = await realpath(this.outDir).catch(() => this.outDir);
    const manifest = await this.manifest(dir);
    if (!manifest || !iri.startsWith(manifest.graphPrefix) || !(iri in manifest.graphs)) return undefined;
    const lines = (await readGraphLines(path.join(dir, manifest.dump), manifest, [iri])).get(iri) ?? [];
    return new Parser({ format: 'N-Triples' }).parse(lines.join(''));
  }

  private async manifest(dir: string): Promise<Manifest | undefined> {
    const file = path.join(dir, MANIFEST_FILE);
    let key: string;
    try {
      const s = await stat(file);
      key = `${dir}:${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return undefined;
    }
    if (this.cached?.key !== key) {
      const parsed = parseManifest(await readFile(file, 'utf8'));
      if (typeof parsed === 'string') return undefined;
      this.cached = { key, manifest: parsed };
    }
    return this.cached.manifest;
  }
}
