// Helpers for the import tests: throwaway workspaces with a data/ holding only dataset.yaml, snapshots, YAML records as objects.
import { copyFile, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { DATA, ROOT } from '../support/project.ts';

export const WIKI = path.join(ROOT, 'test', 'fixtures', 'wiki');
export const REAL_PAGE = path.join(WIKI, 'cluster-governance-kks-2015.txt');
export const REAL_WIKITEXT = path.join(WIKI, 'cluster-governance-kks-2015.wiki');
export const EXPORT = path.join(WIKI, 'netwerk-wiki-export.xml');

/** A temp directory with `data/dataset.yaml` (copied from the project) and nothing else. */
export async function emptyWorkspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-import-'));
  await mkdir(path.join(dir, 'data'));
  await copyFile(path.join(DATA, 'dataset.yaml'), path.join(dir, 'data', 'dataset.yaml'));
  return dir;
}

/** Every file under `dir` with its text, keyed by relative path. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(e.parentPath, e.name);
    files.set(path.relative(dir, full) + (e.isDirectory() ? '/' : ''), e.isFile() ? await readFile(full, 'utf8') : '');
  }
  return files;
}

/** The records under `dataDir` (not dataset.yaml) as plain objects, keyed by their path. */
export async function records(dataDir: string): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const [file, text] of await snapshot(dataDir)) {
    if (file.endsWith('.yaml') && file !== 'dataset.yaml') out.set(file, parse(text));
  }
  return out;
}
