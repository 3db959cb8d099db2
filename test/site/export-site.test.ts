// export-site: the static site written with the server's rendering code equals what the server answers, and a
// second export rewrites only the files whose bytes changed and removes those of resources that are gone.
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parser } from 'n3';
import { generate } from '../../bench/generate.ts';
import { OutputError } from '../../src/errors.ts';
import { build, DEFAULT_SHAPES_DIR } from '../../src/pipeline.ts';
import { EXPORT_MANIFEST } from '../../src/site/export-dir.ts';
import { exportSite, type ExportReport } from '../../src/site/export-site.ts';
import { startTestServer, type TestServer } from '../serve/support.ts';
import { listFiles, wholeGraphSite } from '../publish/support.ts';
import { runCli, withoutProgress, workspaceWithRealData } from '../support/project.ts';

const BASE = 'https://projectgraph.example/';
const EPOCH = '1790000000';

interface Workspace {
  ws: string;
  data: string;
  out: string;
  site: string;
}

async function buildAndExport(w: Workspace): Promise<ExportReport> {
  await build({ dataDir: w.data, outDir: w.out, sourceDateEpoch: EPOCH });
  return exportSite({ from: w.out, out: w.site, dataDir: w.data, shapesDir: DEFAULT_SHAPES_DIR });
}

async function workspace(generated?: { projects: number; seed: number }): Promise<Workspace> {
  const ws = await workspaceWithRealData();
  const data = path.join(ws, 'data');
  if (generated) {
    await rm(data, { recursive: true, force: true });
    await generate(data, generated.projects, generated.seed);
  }
  return { ws, data, out: path.join(ws, 'output'), site: path.join(ws, 'site') };
}

/** The address the server answers a file of the export at: a page's own form, or the published file. */
function addressOf(file: string): string {
  if (file.endsWith('/index.html')) return `/${file.slice(0, -'/index.html'.length)}.html`;
  return `/${file}`;
}

/** The static home page as the build made it before the site became an export (publish/site.ts, whole graph). */
async function homeFromWholeGraph(out: string, data: string): Promise<string> {
  const home = (await wholeGraphSite(out, data, BASE)).get('index.html');
  if (home === undefined) throw new Error('the site has no home page');
  return home;
}

/** Every assertion that the export is what the server serves, over real HTTP. */
function equalsTheServer(get: () => { w: Workspace; server: TestServer; report: ExportReport }) {
  it('writes every page, .ttl and .jsonld byte for byte as the server answers them, and the build files as served', async () => {
    const { w, server, report } = get();
    const files = (await listFiles(w.site)).filter((f) => f !== EXPORT_MANIFEST);
    expect(files).toEqual([...report.files].sort());
    expect(files.filter((f) => f.endsWith('.html')).length).toBeGreaterThan(20);
    const differ: string[] = [];
    for (const f of files) {
      if (f === 'index.html') continue;
      const r = await fetch(new URL(addressOf(f), server.url), { headers: { 'Accept-Encoding': 'identity' } });
      expect(r.status, f).toBe(200);
      const served = Buffer.from(await r.arrayBuffer());
      if (!served.equals(await readFile(path.join(w.site, f)))) differ.push(f);
    }
    expect(differ).toEqual([]);
  }, 240_000);

  it('has a page, .ttl and .jsonld for every resource the server knows, and nothing the build does not have', async () => {
    const { w, server } = get();
    const files = new Set(await listFiles(w.site));
    const missing: string[] = [];
    for (const iri of server.info.addresses ?? []) {
      if (iri.startsWith(`${BASE}graph/`)) continue;
      const local = iri.slice(BASE.length);
      if (!files.has(`${local}.html`)) missing.push(`${local}.html`);
    }
    expect(missing).toEqual([]);
    for (const f of ['robots.txt', 'sitemap.xml', 'style.css', 'dataset.nt', 'catalog.ttl', '.well-known/void']) {
      expect(files.has(f), f).toBe(true);
    }
    const build = await listFiles(w.out);
    const notPages = build.filter((f) => !f.endsWith('.html') && f !== '.projectgraph-build');
    for (const f of notPages) expect(files.has(f), f).toBe(true);
  });

  it('writes the static home page, linking every kind of resource without the server', async () => {
    const { w } = get();
    expect(await readFile(path.join(w.site, 'index.html'), 'utf8')).toBe(await homeFromWholeGraph(w.out, w.data));
  });
}

describe('export-site, real data', () => {
  let w: Workspace;
  let server: TestServer;
  let report: ExportReport;
  beforeAll(async () => {
    w = await workspace();
    report = await buildAndExport(w);
    server = await startTestServer({ outDir: w.out, workers: 1 });
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await rm(w.ws, { recursive: true, force: true });
  });

  equalsTheServer(() => ({ w, server, report }));

  it('rewrites nothing when exported again from the same build', async () => {
    const again = await exportSite({ from: w.out, out: w.site, dataDir: w.data, shapesDir: DEFAULT_SHAPES_DIR });
    expect(again.written).toEqual([]);
    expect(again.removed).toEqual([]);
    expect(again.files).toEqual(report.files);
  });
});

describe('export-site, generated data: what a second export rewrites', () => {
  let w: Workspace;
  let server: TestServer;
  let first: ExportReport;
  /** Each file's inode and modification time after the first export. */
  let before: Map<string, string>;
  const stamp = async (file: string) => {
    const s = await stat(file);
    return `${s.ino} ${s.mtimeMs}`;
  };
  const stamps = async () => {
    const m = new Map<string, string>();
    for (const f of await listFiles(w.site)) m.set(f, await stamp(path.join(w.site, f)));
    return m;
  };
  beforeAll(async () => {
    w = await workspace({ projects: 80, seed: 9 });
    first = await buildAndExport(w);
    server = await startTestServer({ outDir: w.out, workers: 1 });
    before = await stamps();
  }, 240_000);
  afterAll(async () => {
    await server?.close();
    await rm(w.ws, { recursive: true, force: true });
  });

  equalsTheServer(() => ({ w, server, report: first }));

  it("after one edited record, rewrites that record's files and those of the pages that show it, no others", async () => {
    const projects = (await readdir(path.join(w.data, 'projects'))).sort();
    const file = path.join(w.data, 'projects', projects[3]!);
    const id = projects[3]!.replace(/\.yaml$/, '');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/^name: .*$/m, 'name: Een nieuwe naam voor dit project'));
    await server.close();
    const second = await buildAndExport(w);
    server = await startTestServer({ outDir: w.out, workers: 1 });

    // The resources whose pages show the project: those it links to and those linking to it, from the new dump.
    const project = `${BASE}project/${id}`;
    const dump = new Parser({ format: 'N-Triples' }).parse(await readFile(path.join(w.out, 'dataset.nt'), 'utf8'));
    const doc = (iri: string) => iri.split('#')[0]!;
    const showing = new Set<string>([project]);
    for (const q of dump) {
      if (doc(q.subject.value) === project && q.object.termType === 'NamedNode') showing.add(doc(q.object.value));
      if (q.object.value === project || doc(q.object.value) === project) showing.add(doc(q.subject.value));
    }
    const pagesOf = (iri: string) => {
      const local = iri.slice(BASE.length);
      return [`${local}.html`, `${local}/index.html`, `${local}.ttl`, `${local}.jsonld`];
    };
    const allowed = new Set([...showing].flatMap(pagesOf));
    // The home page lists the project by name; the build's own files (dumps, catalogue, VoID, graphs, change sets)
    // and the pages that show their sizes and dates change with every build.
    allowed.add('index.html');
    for (const f of await listFiles(w.out)) if (!f.endsWith('.html')) allowed.add(f);
    for (const d of ['dataset', 'catalog', 'void']) allowed.add(`${d}.html`);
    const unexpected = second.written.filter((f) => !allowed.has(f));
    expect(unexpected).toEqual([]);
    expect(second.written).toEqual(expect.arrayContaining([`project/${id}.html`, `project/${id}.ttl`]));
    expect(second.written).toContain('index.html');
    expect(second.removed).toEqual([]);
    // Files not rewritten are the same files, untouched: same inode, same modification time.
    const after = await stamps();
    const rewritten = new Set(second.written);
    // (The manifest is the export's own record, rewritten by every export.)
    const touched = [...before]
      .filter(([f, s]) => f !== EXPORT_MANIFEST && !rewritten.has(f) && after.get(f) !== s)
      .map(([f]) => f);
    expect(touched).toEqual([]);
    const pages = [...before.keys()].filter((f) => f.endsWith('.html')).length;
    expect(second.written.filter((f) => f.endsWith('.html')).length).toBeLessThan(pages / 4);
    // And what it wrote is what the server now answers.
    for (const f of second.written.filter((n) => n.endsWith('.html') && n !== 'index.html')) {
      const r = await fetch(new URL(addressOf(f), server.url));
      expect(await r.text(), f).toBe(await readFile(path.join(w.site, f), 'utf8'));
    }
  }, 240_000);

  it("after a record is deleted, removes its files and no one else's", async () => {
    const projects = (await readdir(path.join(w.data, 'projects'))).sort();
    const id = projects[7]!.replace(/\.yaml$/, '');
    const mine = (await listFiles(w.site)).filter((f) => f.startsWith(`project/${id}.`));
    expect(mine.length).toBeGreaterThanOrEqual(3);
    await rm(path.join(w.data, 'projects', projects[7]!));
    const own = path.join(w.site, 'notes-of-my-own.txt');
    await writeFile(own, 'not the export’s\n');
    const third = await buildAndExport(w);
    // The record's resources go with it: the project, its publications, events and subjects, all named after it.
    expect(third.removed.filter((f) => !f.includes(id))).toEqual([]);
    expect(third.removed).toEqual(expect.arrayContaining(mine));
    const files = await listFiles(w.site);
    expect(files.filter((f) => f.startsWith(`project/${id}.`))).toEqual([]);
    // A file the export did not write stays.
    expect(await readFile(own, 'utf8')).toBe('not the export’s\n');
  }, 240_000);
});

describe('export-site refuses a folder that is not its own, touching nothing', () => {
  let w: Workspace;
  beforeAll(async () => {
    w = await workspace();
    await build({ dataDir: w.data, outDir: w.out, sourceDateEpoch: EPOCH });
  }, 120_000);
  afterAll(() => rm(w.ws, { recursive: true, force: true }));

  const attempt = (out: string, from = w.out) =>
    exportSite({ from, out, dataDir: w.data, shapesDir: DEFAULT_SHAPES_DIR });

  it('refuses a folder with files of its own', async () => {
    const dir = path.join(w.ws, 'www');
    await mkdir(dir);
    await writeFile(path.join(dir, 'index.html'), 'mine');
    await expect(attempt(dir)).rejects.toThrow(OutputError);
    await expect(attempt(dir)).rejects.toThrow(/not an earlier export/);
    expect(await readdir(dir)).toEqual(['index.html']);
    expect(await readFile(path.join(dir, 'index.html'), 'utf8')).toBe('mine');
  });

  it('refuses the output, its build, a folder inside them, the data and a folder inside the data', async () => {
    const builds = path.join(w.ws, '.output.builds');
    const build1 = path.join(builds, (await readdir(builds)).find((e) => /^\d+$/.test(e))!);
    const before = await listFiles(build1);
    for (const [dir, why] of [
      [w.out, /is the output it exports/],
      [build1, /is the build it exports/],
      [path.join(w.out, 'site'), /inside the build it exports/],
      [path.join(builds, 'site'), /inside the folder of builds/],
      [w.data, /is the data folder/],
      [path.join(w.data, 'site'), /inside the data folder/],
      [w.ws, /contains the output/],
    ] as const) {
      await expect(attempt(dir), dir).rejects.toThrow(why);
    }
    expect(await listFiles(build1)).toEqual(before);
    await expect(stat(path.join(w.data, 'site'))).rejects.toThrow();
  });

  it('says when there is no build to export', async () => {
    await expect(attempt(path.join(w.ws, 'site'), path.join(w.ws, 'nothing'))).rejects.toThrow(/no build/);
  });

  it('runs from the command line: exit 2 for a refused folder, a summary line when it exported', async () => {
    const refused = await runCli(['export-site', '--out', 'data'], w.ws);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--out data .*is the data folder; nothing was touched/);
    const ok = await runCli(['export-site', '--out', 'site'], w.ws);
    expect(withoutProgress(ok.stderr)).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^exported \d+ files of .* into site in [\d.]+ s: \d+ written, 0 unchanged, 0 removed\n$/,
    );
    const missing = await runCli(['export-site'], w.ws);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--out DIR is required');
  }, 60_000);
});
