// Pages speak Dutch to readers: every property of a real build (data/ and the benchmark's generated records) has Dutch
// words, and no page shows a file path, a raw local name or an "(omgekeerd)" stand-in.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { build } from '../../src/pipeline.ts';
import { generate } from '../../bench/generate.ts';
import { hasPropertyWords, localName } from '../../src/publish/labels.ts';
import { buildCopy, EPOCH, exportedSite, listFiles, parseRdf } from './support.ts';

interface Output {
  out: string;
  base: string;
}

async function dataBuild(): Promise<Output> {
  const built = await buildCopy();
  const dataset = parse(await readFile(path.join(built.data, 'dataset.yaml'), 'utf8')) as { baseIri: string };
  // The pages are the build's export (export-site), which holds the build's files too.
  return { out: await exportedSite(built.out, built.data), base: dataset.baseIri };
}

async function benchBuild(): Promise<Output> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-labels-'));
  const data = path.join(dir, 'data');
  await generate(data, 60, 5);
  const out = path.join(dir, 'output');
  await build({ dataDir: data, outDir: out, sourceDateEpoch: EPOCH });
  const dataset = parse(await readFile(path.join(data, 'dataset.yaml'), 'utf8')) as { baseIri: string };
  return { out: await exportedSite(out, data), base: dataset.baseIri };
}

/** Every predicate in every Turtle file of the output: the dumps, the catalogue, VoID, the vocabulary and each resource's own. */
async function predicatesOf(out: string): Promise<Set<string>> {
  const predicates = new Set<string>();
  for (const file of (await listFiles(out)).filter((f) => f.endsWith('.ttl'))) {
    for (const q of await parseRdf(path.join(out, file))) predicates.add(q.predicate.value);
  }
  return predicates;
}

/** The text a reader sees on a page: scripts (JSON-LD data) removed, tags stripped, entities of our escaping decoded. */
function visibleText(page: string): string {
  return page
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

describe.each([
  ['data/', dataBuild],
  ['the benchmark generator', benchBuild],
])('the pages of a build of %s', (_name, make) => {
  it('name every property in Dutch and never show a file path or a raw local name', { timeout: 180_000 }, async () => {
    const { out, base } = await make();
    const predicates = await predicatesOf(out);
    expect(predicates.size).toBeGreaterThan(40);
    const missing = [...predicates].filter((p) => !hasPropertyWords(base, p));
    expect(missing, `properties without Dutch words in src/publish/labels.ts: ${missing.join(', ')}`).toEqual([]);

    const rawNames = new Set([...predicates].map(localName));
    const pages = (await listFiles(out)).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(30);
    for (const file of pages) {
      const page = await readFile(path.join(out, file), 'utf8');
      const text = visibleText(page);
      expect(text, file).not.toMatch(/\.ya?ml\b/);
      expect(text, file).not.toMatch(/\b(projects|programmes|organisations)\//);
      expect(text, file).not.toContain('(omgekeerd)');
      const terms = [...page.matchAll(/<dt>([^<]*)<\/dt>/g)].map((m) => m[1] ?? '');
      for (const term of terms) expect(rawNames.has(term), `${file}: <dt>${term}</dt>`).toBe(false);
    }
  });
});

describe('a project page', () => {
  it('names its record "record in de kennisbank" and keeps the file path in its data only', {
    timeout: 60_000,
  }, async () => {
    const { out } = await dataBuild();
    const page = await readFile(path.join(out, 'project/cluster-governance-kks-2015.html'), 'utf8');
    expect(visibleText(page)).toContain('Bron: record in de kennisbank');
    expect(visibleText(page)).toContain('Cluster Governance (KKS 2015) — Netwerk Wiki');
    const ttl = await readFile(path.join(out, 'project/cluster-governance-kks-2015.ttl'), 'utf8');
    expect(ttl).toContain('"projects/cluster-governance-kks-2015.yaml"');
  });
});
