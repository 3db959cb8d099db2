// The build, top to bottom: ingest → map → validate → publish. Nothing reaches output/ unless every step succeeded.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
import { toJsonLd } from './publish/jsonld.ts';
import { writePieces, writePiecesGzipped } from './publish/write-dumps.ts';
import { jsonldContext } from './publish/context.ts';
import { DirectoryWriter, OutputDir } from './publish/output-dir.ts';
import { withProvenance } from './map/provenance.ts';
import { buildDate } from './publish/build-date.ts';
import { DUMP_FORMATS, gzipped } from './publish/dumps.ts';
import { catalogQuads, recordFacts } from './publish/dcat.ts';
import { VoidCounter, voidQuads } from './publish/void.ts';
import { vocabularyQuads } from './publish/vocabulary.ts';
import { siteContext, sitePrefixes } from './publish/site.ts';
import { buildSiteFiles, pageIris } from './site/build-files.ts';
import { nquadsLayoutOf } from './publish/named-graphs.ts';
import { changeDates, changeSets } from './publish/change-sets.ts';
import { STATUSES } from './ingest/schema.ts';
import { prefixes } from './vocab.ts';
import { noProgress, type Progress } from './progress.ts';
import { flowRecords, type Flowed } from './build/record-flow.ts';
import { DumpPieces } from './build/assemble-dumps.ts';
import { BuildCache } from './build/build-cache.ts';
import { codeVersion } from './build/code-version.ts';

/** The shapes that ship with projectgraph. */
export const DEFAULT_SHAPES_DIR = fileURLToPath(new URL('../shapes/', import.meta.url));

export interface PipelineOptions {
  dataDir: string;
  shapesDir?: string;
  /** Called at the start of each stage (the bench times them). */
  onStage?: (stage: string) => void;
  /** Counts of the long stages (records read, statements validated, bytes and files written); the CLI prints them. */
  progress?: Progress;
  /** Records per SHACL call; the build's memory grows with it (default 5,000). */
  partRecords?: number;
  /** Seconds since 1970 that the catalogue and sitemap date the build by; default: the SOURCE_DATE_EPOCH environment variable. */
  sourceDateEpoch?: string;
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

export interface Validated {
  records: number;
  /** Statements in the named graphs, repeats across graphs included (as the records make them). */
  statements: number;
  warnings: Problem[];
}

/** What `validate` does: the build's own reading, mapping and SHACL, a part at a time, writing nothing. */
export async function validateData(options: PipelineOptions): Promise<Validated> {
  // The build's passes read what they made back from a cache; here it lives as long as this call.
  const scratch = await mkdtemp(path.join(tmpdir(), 'projectgraph-validate-'));
  const cache = BuildCache.open(path.join(scratch, 'cache'), codeVersion());
  try {
    const flowed = await flowRecords({
      dataDir: options.dataDir,
      shapes: (base) => loadShapes(options.shapesDir ?? DEFAULT_SHAPES_DIR, base),
      definitions: (base) => vocabularyQuads(base, STATUSES),
      cache,
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.onStage ? { onStage: options.onStage } : {}),
      ...(options.partRecords !== undefined ? { partRecords: options.partRecords } : {}),
    });
    flowed.spill.close();
    if (flowed.violations.length > 0) throw new DataError(flowed.violations);
    // The dataset's graph also holds the vocabulary, which no record makes.
    const statements = flowed.graphs.reduce((n, g) => n + g.triples, 0);
    return { records: flowed.index.records.length, statements, warnings: flowed.warnings };
  } finally {
    cache.abandon();
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface BuildSummary {
  records: number;
  triples: number;
  files: string[];
  warnings: Problem[];
  /** What came from the build cache: records mapped and validated before, graphs whose pieces were kept. */
  reused: { mapped: number; validated: number; graphs: number; corrupt: number };
  /** Record files parsed: those whose bytes the cache had not seen checked. */
  parsed: number;
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
  // What earlier builds made of unchanged records and graphs; a build that fails leaves its index as it was.
  const cache = BuildCache.open(output.cacheDir, codeVersion());
  let flowed: Flowed;
  try {
    flowed = await flowRecords({
      dataDir: options.dataDir,
      shapes: (base) => loadShapes(options.shapesDir ?? DEFAULT_SHAPES_DIR, base),
      // Our vocabulary's definitions are published data like the records: the dataset graph of dataset.nq holds
      // them, so the default-graph dumps, the union of the named graphs, hold them too.
      definitions: (base) => vocabularyQuads(base, STATUSES),
      progress,
      onStage: stage,
      cache,
      ...(options.partRecords !== undefined ? { partRecords: options.partRecords } : {}),
    });
  } catch (e) {
    cache.abandon();
    throw e;
  }
  const records = flowed.index;
  const recordCount = records.records.length;
  const base = records.dataset.data.baseIri;
  const iris = datasetIris(base);
  const dataset = records.dataset.data;
  let committed = false;
  try {
    if (flowed.violations.length > 0) throw new DataError(flowed.violations);
    stage('publish');
    const date = await buildDate(options.dataDir, options.sourceDateEpoch ?? process.env.SOURCE_DATE_EPOCH);
    const out = new DirectoryWriter(await output.stage());
    // The build readers see now; the change sets and dates compare with it (a path that does not exist when there
    // is none).
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
    // The dumps, whose exact bytes the catalogue describes; written in pieces, as a large dump exceeds V8's
    // string limit.
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
    /** The large line-based dumps also get a gzip copy, for portals and downloads. */
    const streamDumpAndGzip = async (
      format: (typeof DUMP_FORMATS)[keyof typeof DUMP_FORMATS],
      pieces: Iterable<string> | AsyncIterable<string>,
    ) => {
      stage(format.file);
      const writing = progress.stage(`writing ${format.file} and ${format.file}.gz`, { bytes: true });
      const seen = counted(pieces, (piece) => writing.add(Buffer.byteLength(piece)));
      const written = await writePiecesGzipped(path.join(out.dir, format.file), seen, true);
      writing.end();
      invariant(written.gzip, 'the gzip copy was not written');
      const zipped = gzipped(format);
      files.push(format.file, zipped.file);
      return [
        { ...format, ...written.plain },
        { ...zipped, ...written.gzip },
      ];
    };
    const counter = new VoidCounter(base);
    stage('pieces');
    const style = { base, prefixes: prefixes(base), graphPrefixes: sitePrefixes(base), context: jsonldContext(base) };
    const pieces = await DumpPieces.make(flowed, cache, style, counter, progress);
    const [nTriples, nTriplesGzip] = await streamDumpAndGzip(DUMP_FORMATS.nTriples, pieces.nTriples());
    const dumps = [
      nTriples!,
      await streamDump(DUMP_FORMATS.turtle, pieces.turtle()),
      await streamDump(DUMP_FORMATS.jsonLd, pieces.jsonLd(style.context)),
    ];

    // One named graph per record, in dataset.nq and dataset.trig; the catalogue's modified date is the last
    // build that changed them (change-sets.ts). Written before the catalogue, which gives their sizes.
    stage('named-graphs');
    const dates = await changeDates(previousDir, flowed.graphs, date);
    const byName = new Map(flowed.graphs.map((g) => [g.name.value, g]));
    const changes = await changeSets({
      previousDir: path.resolve(previousDir),
      graphs: flowed.graphs,
      linesOf: (name) => {
        const g = byName.get(name);
        return g ? flowed.spill.lines(g) : [];
      },
      layout: nquadsLayoutOf(flowed.graphs),
      graphPrefix: iris.graphs.prefix,
      base,
      prefixes: sitePrefixes(base),
      dates,
    });
    const [nQuads, nQuadsGzip] = await streamDumpAndGzip(DUMP_FORMATS.nQuads, pieces.nQuads());
    const withNamedGraphs = [nQuads!, await streamDump(DUMP_FORMATS.trig, pieces.trig())];
    for (const [name, content] of changes.files) await write(name, content);

    // Descriptions for portals and crawlers: our vocabulary, the DCAT-AP catalogue, VoID (of the default-graph dumps).
    stage('catalog');
    const allDumps = [...dumps, ...withNamedGraphs, nTriplesGzip!, nQuadsGzip!];
    const catalog = catalogQuads({
      base,
      dataset,
      ...recordFacts(records.records),
      dumps: allDumps,
      ...(dates.modified ? { date: dates.modified } : {}),
      ...(dates.issued ? { issued: dates.issued } : {}),
    });
    const firstProject = records.records.find((r) => r.kind === 'project');
    const description = voidQuads({
      base,
      counted: counter,
      dumps: dumps.map((d) => d.file),
      title: dataset.title,
      licence: dataset.licence,
      ...(firstProject ? { example: iris.project(firstProject.data.id).value } : {}),
    });
    await writeDocument(DATASET_PATHS.vocabulary, flowed.vocabulary);
    await writeDocument(DATASET_PATHS.catalog, catalog);
    await writeDocument(DATASET_PATHS.void, description);
    await write('.well-known/void', await toTurtle(sortedGraph(description).quads, sitePrefixes(base)));

    // What crawlers and pages need beside the data: the pages themselves come from the server or export-site.
    stage('site files');
    const subjects = function* () {
      yield* flowed.documents;
      for (const q of [...catalog, ...description]) yield q.subject.value;
    };
    for (const f of buildSiteFiles(base, pageIris(base, subjects()), date)) await write(f.name, f.content);
    await assertDataUnchanged(options.dataDir, dataBefore);
    cache.commit();
    committed = true;
    const { version, warnings: leftovers } = await output.publish();
    const reused = { ...flowed.reused, graphs: pieces.reused, corrupt: cache.stats.corrupt };
    return {
      records: recordCount,
      triples: counter.triples,
      files,
      warnings: flowed.warnings,
      reused,
      parsed: flowed.parsed,
      version,
      leftovers,
    };
  } finally {
    if (!committed) cache.abandon();
    flowed.spill.close();
  }
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
