// The six domain queries the benchmark times on both engines, and the fixed settings of the runs.
import { ownVocabulary, SCHEMA } from '../src/vocab.ts';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { mintIris } from '../src/map/iri.ts';

/** jsonld.js fromRDF + compact is measured up to this many records (above it needs gigabytes and minutes). */
export const JSONLD_JS_MAX_RECORDS = 10_000;
/** The fewest timed runs of a query; the median is reported. */
export const QUERY_RUNS = 5;
/** The most warm-up and the most timed runs of a fast query. */
const MAX_WARM_UPS = 30;
const MAX_RUNS = 50;
/** Time a query's warm-up and its timed runs may take, as a number of runs of the first one's length. */
const WARM_UP_MS = 1_000;
const TIMED_MS = 2_000;

/**
 * How often to run a query whose first run took `firstMs`: warm-up runs until about a second is spent, so the
 * engine's code is compiled as in a server that has been answering for a while, then timed runs until about two
 * seconds are (at least QUERY_RUNS). A slow query is run QUERY_RUNS times after its first run.
 */
function runsFor(firstMs: number): { warmUps: number; timed: number } {
  const runsIn = (ms: number) => Math.floor(ms / Math.max(firstMs, 0.01));
  return {
    warmUps: Math.min(MAX_WARM_UPS, runsIn(WARM_UP_MS)),
    timed: Math.max(QUERY_RUNS, Math.min(MAX_RUNS, runsIn(TIMED_MS))),
  };
}

/** One setup's timed runs of a query: medians of wall and CPU time (this process's, every thread) and its rows. */
export interface Timed {
  p50Ms: number;
  cpuP50Ms: number;
  rows: number;
}

/**
 * Times one query on each setup (a run gives its row count): each runs once, then all warm up and are timed as
 * runsFor says of the slowest first run, alternating between the setups so that a busy neighbour slows them alike.
 */
export async function timeRuns<K extends string>(setups: Record<K, () => Promise<number>>): Promise<Record<K, Timed>> {
  const names = Object.keys(setups) as K[];
  const wall = new Map<K, number[]>(names.map((n) => [n, []]));
  const cpu = new Map<K, number[]>(names.map((n) => [n, []]));
  const rows = new Map<K, number>();
  let slowest = 0;
  for (const name of names) {
    const first = performance.now();
    rows.set(name, await setups[name]());
    slowest = Math.max(slowest, performance.now() - first);
  }
  const { warmUps, timed } = runsFor(slowest);
  for (let i = 0; i < warmUps; i++) for (const name of names) await setups[name]();
  for (let i = 0; i < timed; i++) {
    for (const name of names) {
      const c = process.cpuUsage();
      const t = performance.now();
      rows.set(name, await setups[name]());
      wall.get(name)!.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.get(name)!.push((used.user + used.system) / 1000);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return Object.fromEntries(
    names.map((n) => [n, { p50Ms: median(wall.get(n)!), cpuP50Ms: median(cpu.get(n)!), rows: rows.get(n)! }]),
  ) as Record<K, Timed>;
}

export interface BenchQuery {
  name: string;
  sparql: string;
}

/** IRIs of resources known to exist in the generated data, so every query has answers. */
export interface Sample {
  project: string;
  organisation: string;
  keyword: string;
  /** The project's programme, whose page lists its projects. */
  programme?: string;
}

export function benchQueries(base: string, sample: Sample): BenchQuery[] {
  const prefixes = `PREFIX schema: <${SCHEMA.iri}>\nPREFIX pg: <${ownVocabulary(base).iri}>\n`;
  const q = (name: string, body: string): BenchQuery => ({ name, sparql: prefixes + body });
  return [
    q('lookup', `SELECT ?p ?o WHERE { <${sample.project}> ?p ?o }`),
    q(
      'projectsPerProgramme',
      'SELECT ?programme (COUNT(?project) AS ?projects) WHERE { ?project a schema:ResearchProject ; schema:parentOrganization ?programme } GROUP BY ?programme ORDER BY DESC(?projects) ?programme',
    ),
    q(
      'keywordAndOrganisation',
      `SELECT ?project ?name WHERE { ?project schema:keywords <${sample.keyword}> ; schema:member <${sample.organisation}> ; schema:name ?name }`,
    ),
    q(
      'nameContains',
      'SELECT ?project ?name WHERE { ?project a schema:ResearchProject ; schema:name ?name . FILTER(CONTAINS(LCASE(STR(?name)), "energietransitie")) }',
    ),
    q(
      'workedWith',
      `SELECT DISTINCT ?other WHERE { ?project schema:member <${sample.organisation}> , ?other . FILTER(?other != <${sample.organisation}>) }`,
    ),
    q(
      'projectsPerYearAndStatus',
      'SELECT ?year ?status (COUNT(?project) AS ?projects) WHERE { ?project a schema:ResearchProject ; schema:foundingDate ?year ; pg:status ?status } GROUP BY ?year ?status ORDER BY ?year ?status',
    ),
  ];
}

/** A project of the generated data with its first keyword and participant, so the queries have answers. */
export async function sampleOf(data: string, base: string): Promise<Sample> {
  const files = (await readdir(path.join(data, 'projects'))).sort();
  const record = parse(await readFile(path.join(data, 'projects', files[0]!), 'utf8')) as {
    id: string;
    keywords: string[];
    participants: string[];
    programme?: string;
  };
  const iris = mintIris(base);
  return {
    project: iris.project(record.id).value,
    keyword: iris.keyword(record.keywords[0]!).value,
    organisation: iris.organisation(record.participants[0]!).value,
    ...(record.programme !== undefined ? { programme: iris.programme(record.programme).value } : {}),
  };
}

/**
 * IRIs of `n` resources spread evenly over the generated projects and organisations (files are named by id), for
 * the resource pages the HTTP bench requests.
 */
export async function resourceSample(data: string, base: string, n: number): Promise<string[]> {
  const iris = mintIris(base);
  const spread = async (folder: string, count: number, mint: (id: string) => string) => {
    const ids = (await readdir(path.join(data, folder))).filter((f) => f.endsWith('.yaml')).sort();
    const step = Math.max(1, Math.floor(ids.length / count));
    return ids
      .filter((_, i) => i % step === 0)
      .slice(0, count)
      .map((f) => mint(f.slice(0, -'.yaml'.length)));
  };
  const projects = await spread('projects', Math.ceil(n / 2), (id) => iris.project(id).value);
  const organisations = await spread('organisations', Math.floor(n / 2), (id) => iris.organisation(id).value);
  return [...projects, ...organisations];
}
