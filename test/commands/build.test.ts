// End-to-end: the real `projectgraph build` on the real data — dumps, determinism, and refusals that leave output/ alone.
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import {
  ROOT,
  besideOutput,
  parseJsonLdFile,
  parseTurtleFile,
  runCli,
  workspaceWithRealData,
  withoutProgress,
} from '../support/project.ts';

/** Every file under `dir` with its bytes, for byte-identical comparisons. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const full = path.join(e.parentPath, e.name);
      files.set(path.relative(dir, full), await readFile(full));
    }
  }
  return files;
}

describe('projectgraph build on the real data', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await workspaceWithRealData();
    const r = await runCli(['build'], ws);
    expect(withoutProgress(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^built 13 records, \d+ triples, \d+ files into output in \d+\.\d+ s\n$/);
  });

  it('writes Turtle, N-Triples and JSON-LD dumps that are the same graph', async () => {
    const ttl = await parseTurtleFile(path.join(ws, 'output/dataset.ttl'));
    const nt = await parseTurtleFile(path.join(ws, 'output/dataset.nt'), 'application/n-triples');
    const json = await parseJsonLdFile(path.join(ws, 'output/dataset.jsonld'));
    expect(ttl.length).toBeGreaterThan(100);
    expect(nt.length).toBe(ttl.length);
    expect(isomorphic(ttl, nt)).toBe(true);
    expect(isomorphic(ttl, json)).toBe(true);
  });

  it('writes Turtle with prefixes, and N-Triples graph by graph with shared subjects once at the end', async () => {
    const ttl = await readFile(path.join(ws, 'output/dataset.ttl'), 'utf8');
    expect(ttl.startsWith('@prefix pg: <https://projectgraph.example/def/>.\n')).toBe(true);
    expect(ttl).toContain(
      '<https://projectgraph.example/project/cluster-governance-kks-2015> a schema:ResearchProject;',
    );
    const lines = (await readFile(path.join(ws, 'output/dataset.nt'), 'utf8')).trimEnd().split('\n');
    expect(new Set(lines).size).toBe(lines.length);
    // The order follows dataset.nq: each record graph's statements in the graphs' order, then the statements about
    // subjects several graphs describe, sorted. Those sit in the graphs of their own documents, so no subject is in two
    // graphs of dataset.nq: here the keyword set (dataset.yaml and the project describe it) and the programmes (the
    // project and a programme state their parents' parts).
    const quads = (await readFile(path.join(ws, 'output/dataset.nq'), 'utf8')).trimEnd().split('\n');
    const subjectOf = (line: string) => line.slice(0, line.indexOf(' '));
    const graphOf = (line: string) => line.slice(line.lastIndexOf(' <', line.length - 3) + 1, -2);
    const asTriple = (q: string) => `${q.slice(0, q.lastIndexOf(' <', q.length - 3))} .`;
    const sharedSubjects = new Set([
      '<https://projectgraph.example/keyword>',
      '<https://projectgraph.example/programme/kennis-voor-krachtige-steden>',
      '<https://projectgraph.example/programme/verdus>',
    ]);
    const isShared = (q: string) => sharedSubjects.has(subjectOf(q));
    const sharedQuads = quads.filter(isShared);
    // Each in the graph of its document, beside what its record alone says there (a programme's `#record`).
    expect(new Set(sharedQuads.map(graphOf))).toEqual(
      new Set(
        [...sharedSubjects].map((s) =>
          s.replace('https://projectgraph.example/', 'https://projectgraph.example/graph/'),
        ),
      ),
    );
    const subjectsIn = new Map<string, Set<string>>();
    for (const q of quads) subjectsIn.set(subjectOf(q), (subjectsIn.get(subjectOf(q)) ?? new Set()).add(graphOf(q)));
    expect([...subjectsIn.values()].every((g) => g.size === 1)).toBe(true);
    const shared = sharedQuads.map(asTriple).sort();
    const own = quads.filter((q) => !isShared(q)).map(asTriple);
    expect(lines).toEqual([...own, ...shared]);
  });

  it('embeds its JSON-LD context, so the dump needs no network', async () => {
    const doc = JSON.parse(await readFile(path.join(ws, 'output/dataset.jsonld'), 'utf8')) as { '@context': unknown };
    expect(typeof doc['@context']).toBe('object');
    expect((doc['@context'] as Record<string, unknown>)['@vocab']).toBe('http://schema.org/');
  });

  it('gives byte-identical output when built twice', async () => {
    const first = await snapshot(path.join(ws, 'output'));
    const r = await runCli(['build', '--out', 'second'], ws);
    expect(r.code).toBe(0);
    const second = await snapshot(path.join(ws, 'second'));
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [name, bytes] of first) expect(second.get(name)?.equals(bytes), name).toBe(true);
  });

  it('validate checks and writes nothing', async () => {
    const dir = await workspaceWithRealData();
    const r = await runCli(['validate'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^valid: 13 records/);
    expect((await readdir(dir)).sort()).toEqual(['data']);
  });
});

/** Each invalid fixture, where it is put in a copy of data/, and the line and field the error must name. */
const INVALID: { fixture: string; at: string; line: number; field: string; words: RegExp }[] = [
  {
    fixture: 'malformed-yaml',
    at: 'projects/cluster-governance-kks-2015.yaml',
    line: 4,
    field: 'keywords',
    words: /YAML syntax/,
  },
  {
    fixture: 'missing-name',
    at: 'projects/cluster-governance-kks-2015.yaml',
    line: 1,
    field: 'name',
    words: /required field is missing/,
  },
  {
    fixture: 'start-after-end',
    at: 'projects/cluster-governance-kks-2015.yaml',
    line: 5,
    field: 'endYear',
    words: /endYear comes before startYear 2015/,
  },
  {
    fixture: 'unknown-participant',
    at: 'projects/cluster-governance-kks-2015.yaml',
    line: 6,
    field: 'participants[1]',
    words: /no organisation record has this id.*"gemeente-atlantis"/,
  },
  { fixture: 'duplicate-id', at: 'organisations/platform31-copy.yaml', line: 1, field: 'id', words: /duplicate id/ },
  {
    fixture: 'status-outside-list',
    at: 'projects/cluster-governance-kks-2015.yaml',
    line: 4,
    field: 'status',
    words: /expected one of: planned, ongoing, completed, discontinued \(got "afgerond"\)/,
  },
  {
    fixture: 'id-with-space',
    at: 'projects/cluster-governance-kks-2015.yaml',
    line: 1,
    field: 'id',
    words: /an id may hold only.*"cluster governance"/,
  },
  {
    fixture: 'id-with-angle-bracket',
    at: 'projects/cluster-governance-kks-2015.yaml',
    line: 1,
    field: 'id',
    words: /an id may hold only.*"cluster-governance>"/,
  },
];

describe('projectgraph build refuses invalid data and leaves the previous output/ untouched', () => {
  let ws: string;
  let good: Map<string, Buffer>;
  let kept: string[];
  beforeAll(async () => {
    ws = await workspaceWithRealData();
    expect((await runCli(['build'], ws)).code).toBe(0);
    good = await snapshot(path.join(ws, 'output'));
    kept = await besideOutput(ws);
    expect(kept).toEqual(['.output.builds', '.output.builds/1', '.output.builds/cache']);
  });

  it.each(INVALID)('$fixture', async ({ fixture, at, line, field, words }) => {
    await rm(path.join(ws, 'data'), { recursive: true });
    await cp(path.join(ROOT, 'data'), path.join(ws, 'data'), { recursive: true });
    await cp(path.join(ROOT, 'test/fixtures/invalid', `${fixture}.yaml`), path.join(ws, 'data', at));
    const r = await runCli(['build'], ws);
    expect(r.code).toBe(1);
    const duplicateElsewhere =
      fixture === 'duplicate-id'
        ? '(data/organisations/platform31(-copy)?\\.yaml)'
        : `(data/${at.replace('.', '\\.')})`;
    expect(r.stderr).toMatch(
      new RegExp(`^${duplicateElsewhere}:${line}:\\d+: ${field.replace(/[[\]]/g, '\\$&')}: `, 'm'),
    );
    expect(r.stderr).toMatch(words);
    expect(r.stderr).toContain('nothing was published');
    const after = await snapshot(path.join(ws, 'output'));
    expect([...after.keys()].sort()).toEqual([...good.keys()].sort());
    for (const [name, bytes] of good) expect(after.get(name)?.equals(bytes), name).toBe(true);
    expect(await besideOutput(ws)).toEqual(kept);
  });
});

describe('projectgraph command line', () => {
  it('prints help for each command and exits 0', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-'));
    for (const cmd of ['build', 'validate']) {
      const r = await runCli([cmd, '--help'], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`projectgraph ${cmd}`);
    }
    const top = await runCli(['--help'], dir);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:[\s\S]*build[\s\S]*validate/);
  });

  it('exits 2 on usage errors', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-'));
    expect((await runCli(['frobnicate'], dir)).code).toBe(2);
    const r = await runCli(['build', '--no-such-flag'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--no-such-flag'");
    expect((await runCli([], dir)).code).toBe(2);
  });

  it('exits 1 and names the directory when data/ does not exist', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-'));
    const r = await runCli(['build', '--data', 'nowhere'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nowhere/dataset.yaml:1:1: file not found');
  });
});
