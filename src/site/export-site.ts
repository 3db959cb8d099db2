// `projectgraph export-site`: the published build's static site — every page, .ttl and .jsonld as the server renders
// them from its store, the home page, and the build's own files — written into a folder, rewriting only what changed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  readFile,
  readdir,
  realpath,
  rename,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import type { Literal, Quad } from '@rdfjs/types';
import { iriAt } from '../dataset-iris.ts';
import { InternalError, OutputError } from '../errors.ts';
import { sortedGraph } from '../publish/graph.ts';
import { homePage } from '../publish/home-page.ts';
import { BUILD_MARKER } from '../publish/output-dir.ts';
import { LABELS, ResourceIndex, pickLanguage } from '../publish/resource-index.ts';
import { readSiteDocuments } from '../publish/site-documents.ts';
import { DOCUMENTS, writeConcurrently } from '../publish/site.ts';
import { noProgress, type Progress } from '../progress.ts';
import { createRenderer, type Renderer } from '../serve/resource-render.ts';
import type { ResourceMediaType } from '../serve/dereference.ts';
import { EmbeddedStore } from '../store/embedded.ts';
import { MemoryDescribedStore, MemoryGraph } from '../store/memory-describe.ts';
import type { Store } from '../store/store.ts';
import { RDF, SCHEMA } from '../vocab.ts';
import { EXPORT_MANIFEST, claimExportDir, writeManifest, type Manifest } from './export-dir.ts';
import {
  affectedResources,
  changedStatements,
  codeVersion,
  namedResources,
  shownHash,
  type ExportSource,
} from './export-plan.ts';

const STYLESHEET_FILE = new URL('../publish/style.css', import.meta.url);

export interface ExportOptions {
  /** The published output (the link `build` switches), or a build folder itself. */
  from: string;
  /** The folder to export into. */
  out: string;
  /** Folders the export may not be or lie inside (the build's inputs). */
  dataDir: string;
  shapesDir: string;
  progress?: Progress;
}

export interface ExportReport {
  /** The build folder that was exported. */
  build: string;
  /** Every file of the export, in the order they were made. */
  files: string[];
  /** The files whose bytes changed (or were new), rewritten. */
  written: string[];
  /** The files of the earlier export that this one no longer has, removed. */
  removed: string[];
  /** How many resources were rendered: all, or after an earlier export into the folder only what can have changed. */
  rendered: number;
}

/** One file of the export: made here, or a file of the build copied as it is. */
type ExportFile = { name: string; content: string } | { name: string; source: string };

/** Exports the build `options.from` points at into `options.out`; see the module comment. */
export async function exportSite(options: ExportOptions): Promise<ExportReport> {
  const progress = options.progress ?? noProgress;
  const build = await publishedBuild(options.from);
  const target = await claimExportDir(options.out, {
    build,
    output: options.from,
    dataDir: options.dataDir,
    shapesDir: options.shapesDir,
  });
  const loading = progress.stage(`loading ${path.join(options.from, 'dataset.nq')}`, { bytes: true });
  const store = await EmbeddedStore.load(build, {
    onProgress: (p) => {
      loading.total(p.totalBytes);
      loading.set(p.bytes);
    },
  });
  loading.end();
  try {
    // Every resource is described: from the default graph (dataset.nt) in memory, not a few queries each.
    const triples = path.join(build, 'dataset.nt');
    const described = (await isFile(triples))
      ? new MemoryDescribedStore(store, await MemoryGraph.read(triples))
      : store;
    return await exportFrom(described, build, target.dir, target.manifest, target.source, progress);
  } finally {
    store.close();
  }
}

async function exportFrom(
  store: Store,
  build: string,
  dir: string,
  before: Manifest,
  earlier: ExportSource | undefined,
  progress: Progress,
): Promise<ExportReport> {
  const base = await baseOf(store, build);
  const documents = await readSiteDocuments(build);
  const renderer = await createRenderer(store, base, documents);
  // Appended after the store's statements, sorted, as the build and the renderer append them.
  const after = [...sortedGraph(documents.catalog).quads, ...sortedGraph(documents.void).quads];
  const rendered = renderedNames(renderer);
  const copied = (await buildFiles(build)).filter((f) => !rendered.has(f) && !f.endsWith('.html'));
  const names = [...rendered, ...copied];
  const source: ExportSource | undefined =
    store.state === undefined
      ? undefined
      : {
          state: store.state,
          code: await codeVersion(),
          shown: shownHash(after),
          named: namedResources(after, renderer.resources),
        };
  const only = await toRender(store, build, base, renderer, before, earlier, source, names);
  // Every name this export may write is in the manifest before the first write: a killed export leaves no file
  // that the next one does not know it may replace or remove.
  const manifest: Manifest = new Map(before);
  for (const n of names) if (!manifest.has(n)) manifest.set(n, '');
  await mkdir(dir, { recursive: true });
  await writeManifest(dir, manifest);

  const exporting = progress.stage('exporting the site', { unit: 'files' });
  const written: string[] = [];
  const made = new Set<string>();
  await writeConcurrently(files(store, base, build, renderer, after, copied, only), async (file) => {
    const hash = 'content' in file ? sha256(file.content) : await sha256File(file.source);
    if (before.get(file.name) !== hash || !(await isFile(path.join(dir, file.name)))) {
      // Each file is replaced in one rename: a web server serving the folder never sends half a page.
      const to = path.join(dir, file.name);
      const parent = path.dirname(to);
      if (!made.has(parent)) {
        await mkdir(parent, { recursive: true });
        made.add(parent);
      }
      const temporary = path.join(parent, `.${path.basename(to)}.${process.pid}.tmp`);
      if ('content' in file) await writeFile(temporary, file.content);
      else await copyFile(file.source, temporary);
      await rename(temporary, to);
      written.push(file.name);
    }
    manifest.set(file.name, hash);
    exporting.add();
  });
  exporting.end();

  const kept = new Set(names);
  const removed = [...before.keys()].filter((n) => !kept.has(n)).sort();
  for (const name of removed) {
    await unlink(path.join(dir, name)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    manifest.delete(name);
    await removeEmptyFolders(dir, path.dirname(name));
  }
  await writeManifest(dir, manifest, source);
  return { build, files: names, written: written.sort(), removed, rendered: only?.size ?? renderer.resources.size };
}

/** The build folder the output link points at; it must be whole (carry the build's marker). */
async function publishedBuild(from: string): Promise<string> {
  let build: string;
  try {
    build = await realpath(from);
  } catch {
    throw new OutputError(`--from ${from}: no build has been published there; run "projectgraph build" first`);
  }
  if (!(await isFile(path.join(build, BUILD_MARKER)))) {
    throw new OutputError(`--from ${from} (${build}) is not a whole build of projectgraph; run "projectgraph build"`);
  }
  return build;
}

/** The base IRI the build's resources are minted under, found as the server finds it: from its dataset's IRI. */
async function baseOf(store: Store, build: string): Promise<string> {
  const result = await store.query(`SELECT ?d WHERE { ?d <${RDF('type').value}> <${SCHEMA('Dataset').value}> }`);
  const iris: string[] = [];
  if (result.type === 'bindings') for await (const row of result.bindings) iris.push(row.get('d')?.value ?? '');
  const dataset = iris.sort().find((iri) => iri.endsWith('/dataset'));
  if (dataset === undefined) throw new OutputError(`${build} holds no dataset of projectgraph: nothing to export`);
  return dataset.slice(0, -'dataset'.length);
}

/** The forms the export writes of a resource, by file extension: the page, and the data of all but whole documents. */
const FORMS: [string, ResourceMediaType][] = [
  ['.ttl', 'text/turtle'],
  ['.jsonld', 'application/ld+json'],
];

/** A resource whose path is also a folder (`keyword` beside `keyword/x`) gets `<path>/index.html` too (site-paths.ts). */
function foldersOf(renderer: Renderer): Set<string> {
  const paths = renderer.site.paths;
  const folders = new Set<string>();
  for (const r of renderer.resources) {
    const segments = (paths.local(r) ?? '').split('/');
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/'));
  }
  return folders;
}

/** The names of the files made here, in the order `files` makes them. */
function renderedNames(renderer: Renderer): Set<string> {
  const names = new Set(['index.html', 'style.css']);
  const folders = foldersOf(renderer);
  for (const iri of renderer.resources) {
    const local = renderer.site.paths.local(iri) ?? '';
    names.add(renderer.site.paths.pageFile(local));
    if (folders.has(local)) names.add(`${local}/index.html`);
    if ((DOCUMENTS as readonly string[]).includes(local)) continue;
    for (const [ext] of FORMS) names.add(`${local}${ext}`);
  }
  return names;
}

/**
 * The resources to render, when an earlier export into the folder can be followed: made by the same code from
 * documents showing the same, from a build the kept change sets lead from, with every file it named present in its
 * manifest. Undefined (render every resource) otherwise.
 */
async function toRender(
  store: Store,
  build: string,
  base: string,
  renderer: Renderer,
  before: Manifest,
  earlier: ExportSource | undefined,
  source: ExportSource | undefined,
  names: readonly string[],
): Promise<Set<string> | undefined> {
  if (!(store instanceof MemoryDescribedStore) || earlier === undefined || source === undefined) return undefined;
  if (earlier.code !== source.code || earlier.shown !== source.shown) return undefined;
  const changed = await changedStatements(build, earlier.state, source.state, iriAt(base, 'graph/dataset'));
  if (changed === undefined) return undefined;
  const only = affectedResources(changed, store.graph, renderer.resources);
  // The documents show the build's sizes and dates, and what they name shows them; what they named before (an
  // example resource they no longer name) must lose it.
  for (const d of DOCUMENTS) only.add(iriAt(base, d));
  for (const iri of [...source.named, ...earlier.named]) if (renderer.resources.has(iri)) only.add(iri);
  // A file the earlier export did not finish (or never had: a new resource, a new folder's index) is made now.
  const missing = new Set(names.filter((n) => !before.get(n)));
  for (const iri of renderer.resources) {
    if (only.has(iri)) continue;
    const local = renderer.site.paths.local(iri) ?? '';
    const own = [renderer.site.paths.pageFile(local), `${local}/index.html`, ...FORMS.map(([ext]) => `${local}${ext}`)];
    if (own.some((n) => missing.has(n))) only.add(iri);
  }
  return only;
}

async function* files(
  store: Store,
  base: string,
  build: string,
  renderer: Renderer,
  after: readonly Quad[],
  copied: string[],
  only: ReadonlySet<string> | undefined,
): AsyncGenerator<ExportFile> {
  const paths = renderer.site.paths;
  yield { name: 'index.html', content: await homeHtml(store, base, renderer, after) };
  yield { name: 'style.css', content: await readFile(STYLESHEET_FILE, 'utf8') };
  const folders = foldersOf(renderer);
  for (const iri of renderer.resources) {
    if (only !== undefined && !only.has(iri)) continue;
    const local = paths.local(iri) ?? '';
    const whole = (DOCUMENTS as readonly string[]).includes(local);
    const forms = whole ? [] : FORMS;
    const [page = '', ...data] = await bodies(renderer, iri, ['text/html', ...forms.map(([, type]) => type)]);
    yield { name: paths.pageFile(local), content: page };
    if (folders.has(local)) yield { name: `${local}/index.html`, content: page };
    for (const [i, [ext]] of forms.entries()) yield { name: `${local}${ext}`, content: data[i] ?? '' };
  }
  for (const name of copied) yield { name, source: path.join(build, name) };
}

async function bodies(renderer: Renderer, iri: string, types: ResourceMediaType[]): Promise<string[]> {
  const forms = await renderer.renderEach(iri, types);
  return types.map((type, i) => {
    const r = forms?.[i];
    if (r?.kind !== 'body') throw new InternalError(`the server renders no ${type} of <${iri}> to export`);
    return r.body;
  });
}

/**
 * The home page of the static site (home-page.ts), which needs no server: every kind with its resources, linked. It
 * shows only names, types and the programmes' parts, so it is made from those statements, not from the whole graph.
 * (The server's home page links to its lists and search, which a static site cannot answer.)
 */
async function homeHtml(store: Store, base: string, renderer: Renderer, after: readonly Quad[]): Promise<string> {
  const shown = [RDF('type'), ...LABELS.map((l) => ({ value: l })), SCHEMA('subOrganization')]
    .map((p) => `<${p.value}>`)
    .join(', ');
  const result = await store.query(`CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?p IN (${shown})) }`);
  if (result.type !== 'quads') throw new InternalError('the store answered a CONSTRUCT without quads');
  const quads: Quad[] = [];
  for await (const q of result.quads) quads.push(q);
  const index = new ResourceIndex([...sortedGraph(quads).quads, ...after], renderer.site.paths);
  return homePage(index, renderer.site, [...renderer.downloads], await introOf(store, base));
}

/** The dataset's description in Dutch (the home page's lead). */
async function introOf(store: Store, base: string): Promise<string> {
  const d = await store.describe(iriAt(base, 'dataset'));
  const values = (d?.own ?? [])
    .filter((q) => q.predicate.equals(SCHEMA('description')) && q.object.termType === 'Literal')
    .map((q) => q.object as Literal);
  return pickLanguage(values)?.value ?? '';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

/** Every file of a build, relative, with forward slashes, sorted; its marker is the build's, not the site's. */
async function buildFiles(build: string): Promise<string[]> {
  const entries = await readdir(build, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(build, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((f) => f !== BUILD_MARKER && f !== EXPORT_MANIFEST)
    .sort();
}

/** Removes the folders a removed file leaves empty, up to (not including) the export's own folder. */
async function removeEmptyFolders(dir: string, relative: string): Promise<void> {
  for (let r = relative; r !== '.' && r !== ''; r = path.dirname(r)) {
    const folder = path.join(dir, r);
    if (!(await lstat(folder).catch(() => undefined))?.isDirectory()) return;
    try {
      await rmdir(folder);
    } catch {
      return;
    }
  }
}
