// The build, top to bottom: ingest → map → validate → publish. Nothing reaches output/ unless every step succeeded.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Quad } from '@rdfjs/types';
import { DATASET_PATHS, datasetIris } from './dataset-iris.ts';
import { DataError, OutputError, PublishFailure, invariant, type Problem } from './errors.ts';
import { readRecords, type Records } from './ingest/read-records.ts';
import { assertDataUnchanged, snapshotData } from './ingest/data-snapshot.ts';
import { mapRecords, type MappedRecord } from './map/map-records.ts';
import { loadShapes, validateRecords } from './validate/shacl.ts';
import { sortedGraph } from './publish/graph.ts';
import { toTurtle } from './publish/turtle.ts';
import { jsonLdChunks, toJsonLd } from './publish/jsonld.ts';
import { turtlePieces, writePieces, type Written } from './publish/write-dumps.ts';
import { jsonldContext } from './publish/context.ts';
import { DirectoryWriter, OutputDir } from './publish/output-dir.ts';
import { withProvenance } from './map/provenance.ts';
import { buildDate } from './publish/build-date.ts';
import { DUMP_FORMATS } from './publish/dumps.ts';
import { catalogQuads, recordFacts } from './publish/dcat.ts';
import { downloadsOf } from './publish/downloads.ts';
import { voidQuads } from './publish/void.ts';
import { inVocabularyDocument, vocabularyQuads } from './publish/vocabulary.ts';
import { siteContext, sitePrefixes } from './publish/site.ts';
import { pageWorkerCount, writeSiteHere, writeSiteInWorkers, type SiteJob } from './publish/pages.ts';
import { namedGraphs, type NamedGraph } from './publish/named-graphs.ts';
import { changeDates, publishNamedGraphs } from './publish/change-sets.ts';
import { STATUSES } from './ingest/schema.ts';
import { prefixes } from './vocab.ts';
import { noProgress, type Progress } from './progress.ts';

/** The shapes that ship with projectgraph. */
export const DEFAULT_SHAPES_DIR = fileURLToPath(new URL('../shapes/', import.meta.url));

export interface PipelineOptions {
  dataDir: string;
  shapesDir?: string;
  /** Called at the start of each stage (the bench times them). */
  onStage?: (stage: string) => void;
  /** Counts of the long stages (records read, statements validated, bytes and files written); the CLI prints them. */
  progress?: Progress;
  /** Seconds since 1970 that the catalogue and sitemap date the build by; default: the SOURCE_DATE_EPOCH environment variable. */
  sourceDateEpoch?: string;
  /** Worker threads that write the pages; 0 or 1 writes them in this thread. Default: pageWorkerCount (none below 2,000 records). */
  pageWorkers?: number;
}

export interface Checked {
  records: Records;
  mapped: MappedRecord[];
  warnings: Problem[];
}

/** Ingest, map and validate; throws a DataError with every located problem when the data is invalid. */
export async function check(options: PipelineOptions): Promise<Checked> {
  const stage = options.onStage ?? (() => {});
  const progress = options.progress ?? noProgress;
  stage('ingest');
  const reading = progress.stage('reading records', { unit: 'files' });
  const records = await readRecords(options.dataDir, (done, total) => {
    reading.total(total);
    reading.set(done);
  });
  reading.end();
  stage('map');
  const base = records.dataset.data.baseIri;
  const dataDir = path.resolve(options.dataDir);
  const mapping = progress.stage('mapping to RDF', { unit: 'records', total: records.records.length + 1 });
  const mapped: MappedRecord[] = [];
  for (const m of mapRecords(records)) {
    mapped.push(withProvenance(m, path.relative(dataDir, path.resolve(m.source.file)).split(path.sep).join('/'), base));
    mapping.add();
  }
  mapping.end();
  stage('validate');
  const shapes = await loadShapes(options.shapesDir ?? DEFAULT_SHAPES_DIR, base);
  const validating = progress.stage('checking the shapes (SHACL)', { unit: 'statements' });
  const { violations, warnings } = await validateRecords(mapped, shapes, {
    onProgress: (done, total) => {
      validating.total(total);
      validating.set(done);
    },
  });
  validating.end();
  if (violations.length > 0) throw new DataError(violations);
  return { records, mapped, warnings };
}

export interface BuildSummary {
  records: number;
  triples: number;
  files: string[];
  warnings: Problem[];
  /** Threads that wrote the pages: 1 is the build's own. */
  pageThreads: number;
  /** The number of the published build (output/ links to it). */
  version: number;
  /** Old builds that could not be removed after the new one was published. */
  leftovers: string[];
}

export async function build(options: PipelineOptions & { outDir: string }): Promise<BuildSummary> {
  // The output is checked and locked before anything else, so that a refused or busy output fails at once.
  let output: OutputDir;
  try {
    const guards = { dataDir: options.dataDir, shapesDir: options.shapesDir ?? DEFAULT_SHAPES_DIR };
    output = await OutputDir.claim(options.outDir, guards);
  } catch (e) {
    // A full disk or a read-only file system can stop the build at its lock, before anything was published.
    if (e instanceof OutputError) throw e;
    throw new PublishFailure(e, 'nothing was published, the previous output is unchanged');
  }
  try {
    return await buildInto(output, options);
  } catch (e) {
    await output.discard();
    // Invalid data and a refused output already say that nothing was published; anything else says what the
    // output is now.
    if (e instanceof DataError || e instanceof OutputError) throw e;
    throw new PublishFailure(e, output.state());
  } finally {
    await output.release();
  }
}

async function buildInto(output: OutputDir, options: PipelineOptions & { outDir: string }): Promise<BuildSummary> {
  const stage = options.onStage ?? (() => {});
  const progress = options.progress ?? noProgress;
  const dataBefore = await snapshotData(options.dataDir);
  let checked: Checked | undefined = await check(options);
  const { warnings } = checked;
  // What the build holds on to is released as soon as no later stage needs it: each of the records, the mapped
  // records, the graph, its N-Triples lines and the named graphs grows with the data, and together they would
  // set the build's peak heap (bench/README.md).
  let records: Records | undefined = checked.records;
  let mapped: MappedRecord[] | undefined = checked.mapped;
  checked = undefined;
  const recordCount = records.records.length;
  const base = records.dataset.data.baseIri;
  const iris = datasetIris(base);
  const dataset = records.dataset.data;
  stage('publish');
  // Our vocabulary's definitions are published data like the records: the dataset graph of dataset.nq holds them,
  // so the default-graph dumps, the union of the named graphs, hold them too.
  const definitions = vocabularyQuads(base, STATUSES);
  let graph: ReturnType<typeof sortedGraph> | undefined = sortedGraph([
    ...mapped.flatMap((m) => m.quads),
    ...definitions,
  ]);
  const quads = graph.quads;
  const triples = quads.length;
  /** Threads that wrote the pages (BuildSummary.pageThreads). */
  let pageThreads = 1;
  const date = await buildDate(options.dataDir, options.sourceDateEpoch ?? process.env.SOURCE_DATE_EPOCH);
  const out = new DirectoryWriter(await output.stage());
  // The build readers see now; the change sets and dates compare with it (a path that does not exist when there is
  // none).
  const previousDir = output.currentDir ?? path.join(output.builds, 'none');
  const files: string[] = [];
  const write = async (name: string, content: string) => {
    await out.write(name, content);
    files.push(name);
  };
  const writeDocument = async (name: string, quads: Quad[]) => {
    const sorted = sortedGraph(quads).quads;
    await write(`${name}.ttl`, await toTurtle(sorted, sitePrefixes(base)));
    await write(`${name}.jsonld`, await toJsonLd(sorted, siteContext(base)));
  };
  {
    // The dumps, whose exact bytes the catalogue describes; written in pieces, as a large dump exceeds V8's string limit.
    const streamDump = async (
      format: (typeof DUMP_FORMATS)[keyof typeof DUMP_FORMATS],
      pieces: Iterable<string> | AsyncIterable<string>,
    ) => {
      stage(format.file);
      const writing = progress.stage(`writing ${format.file}`, { bytes: true });
      const seen = counted(pieces, (piece) => writing.add(Buffer.byteLength(piece)));
      const written = await writePieces(path.join(out.dir, format.file), seen);
      writing.end();
      files.push(format.file);
      return { ...format, ...written };
    };
    const nTriples = await streamDump(DUMP_FORMATS.nTriples, graph.lines);
    graph = undefined;
    const dumps = [
      nTriples,
      await streamDump(DUMP_FORMATS.turtle, turtlePieces(quads, prefixes(base))),
      await streamDump(DUMP_FORMATS.jsonLd, jsonLdChunks(quads, jsonldContext(base))),
    ];

    // One named graph per record, in dataset.nq and dataset.trig; the catalogue's modified date is the last
    // build that changed them (change-sets.ts). Written before the catalogue, which gives their sizes.
    stage('named-graphs');
    // The vocabulary document (def.ttl, and the dataset graph) also holds the status concepts the mapping makes.
    const vocabulary = quads.filter((q) => inVocabularyDocument(base, q.subject.value));
    let named: NamedGraph[] | undefined = namedGraphs(records, mapped, vocabulary);
    mapped = undefined;
    const dates = await changeDates(previousDir, named, date);
    const quadDumps = new Map<string, Written>();
    await publishNamedGraphs({
      graphs: named,
      previousDir,
      base,
      graphPrefix: iris.graphs.prefix,
      prefixes: sitePrefixes(base),
      dates,
      write,
      writeLarge: async (name, pieces) => {
        quadDumps.set(name, await writePieces(path.join(out.dir, name), pieces));
        files.push(name);
      },
    });
    named = undefined;
    const withNamedGraphs = [DUMP_FORMATS.nQuads, DUMP_FORMATS.trig].map((format) => {
      const written = quadDumps.get(format.file);
      invariant(written, () => `the named-graph step wrote no ${format.file}`);
      return { ...format, ...written };
    });

    // Descriptions for portals and crawlers: our vocabulary, the DCAT-AP catalogue, VoID (of the default-graph dumps).
    stage('catalog');
    const allDumps = [...dumps, ...withNamedGraphs];
    const catalog = catalogQuads({
      base,
      dataset,
      ...recordFacts(records.records),
      dumps: allDumps,
      ...(dates.modified ? { date: dates.modified } : {}),
      ...(dates.issued ? { issued: dates.issued } : {}),
    });
    const firstProject = records.records.find((r) => r.kind === 'project');
    records = undefined;
    const description = voidQuads({
      base,
      quads,
      dumps: dumps.map((d) => d.file),
      title: dataset.title,
      licence: dataset.licence,
      ...(firstProject ? { example: iris.project(firstProject.data.id).value } : {}),
    });
    await writeDocument(DATASET_PATHS.vocabulary, vocabulary);
    await writeDocument(DATASET_PATHS.catalog, catalog);
    await writeDocument(DATASET_PATHS.void, description);
    await write('.well-known/void', await toTurtle(sortedGraph(description).quads, sitePrefixes(base)));

    // The site: a page, .ttl and .jsonld per resource, the home page, sitemap.xml and robots.txt.
    stage('pages');
    // From the catalogue, as the server lists them: it has the catalogue, not the dump files' details.
    const downloads = downloadsOf(base, catalog);
    const site: SiteJob = { base, dataset, downloads, date };
    // The vocabulary is in the dump already; the catalogue and VoID describe the dumps, so they come after them.
    // Each sorted, as the server has them from catalog.ttl and void.ttl: the pages it renders equal these.
    const shownAfter = [...sortedGraph(catalog).quads, ...sortedGraph(description).quads];
    const workers = options.pageWorkers ?? pageWorkerCount(recordCount);
    pageThreads = Math.max(workers, 1);
    const input = { ...site, quads: [...quads, ...shownAfter] };
    const writingPages = progress.stage('writing pages', { unit: 'files' });
    const onFiles = (n: number) => writingPages.add(n);
    // The threads read the graph back from dataset.nt (the same quads, in the same order).
    const pages =
      workers > 1
        ? await writeSiteInWorkers(input, out.dir, path.join(out.dir, nTriples.file), shownAfter, workers, onFiles)
        : await writeSiteHere(input, out.dir, onFiles);
    writingPages.end();
    // Not push(...pages): a large site has more files than a call may take arguments.
    for (const name of pages) files.push(name);
    await assertDataUnchanged(options.dataDir, dataBefore);
  }
  const { version, warnings: leftovers } = await output.publish();
  return { records: recordCount, triples, files, warnings, pageThreads, version, leftovers };
}

/** The same pieces, each shown to `see` on its way through (for counting bytes written); sync ones stay sync. */
type Pieces = Iterable<string> | AsyncIterable<string>;
function counted(pieces: Pieces, see: (piece: string) => void): Pieces {
  if (Symbol.iterator in pieces) {
    return (function* () {
      for (const piece of pieces) {
        see(piece);
        yield piece;
      }
    })();
  }
  return (async function* () {
    for await (const piece of pieces) {
      see(piece);
      yield piece;
    }
  })();
}
