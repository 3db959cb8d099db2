// Every record value that becomes an IRI: refused where it is read, with file:line:column and field, unless it is an RFC 3987 IRI.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { readRecords } from '../../src/ingest/read-records.ts';
import { build } from '../../src/pipeline.ts';
import { DATA } from '../support/project.ts';
import { expectDumpsAgree } from '../support/dumps.ts';

/** The characters of the finding: each passed the old schema and broke every dump that holds `<…>`. */
const BREAKING = ['"', '<', '>', ' ', '{', '|', '\\', '}', '^', '`', '\u202E', '\u0007'];

type Where = { file: string; field: string; write: (dir: string, iri: string) => Promise<void> };

const project = (over: Record<string, unknown>) => ({
  id: 'iri-test',
  name: 'IRI-test',
  status: 'completed',
  alternateName: 'Ondertitel',
  participants: ['platform31'],
  description: 'Een project dat alleen in tests bestaat.',
  startYear: 2001,
  endYear: 2002,
  publications: [
    {
      id: 'iri-test-publication',
      kind: 'report',
      title: 'Rapport',
      ...(over.publicationUrl ? { url: over.publicationUrl } : {}),
    },
  ],
  ...(over.sourceUrl ? { source: { title: 'Bron', url: over.sourceUrl } } : {}),
  ...(over.url ? { url: over.url } : {}),
  ...(over.alternateNameUrl ? { alternateNameUrl: over.alternateNameUrl } : {}),
});

async function editDataset(dir: string, edit: (d: Record<string, unknown>) => void): Promise<void> {
  const { parse } = await import('yaml');
  const file = path.join(dir, 'dataset.yaml');
  const d = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(d);
  await writeFile(file, stringify(d));
}

const PLACES: Where[] = [
  ...(['url', 'alternateNameUrl', 'publicationUrl', 'sourceUrl'] as const).map((key) => ({
    file: 'projects/iri-test.yaml',
    field: {
      url: 'url',
      alternateNameUrl: 'alternateNameUrl',
      publicationUrl: 'publications[0].url',
      sourceUrl: 'source.url',
    }[key],
    write: (dir: string, iri: string) =>
      writeFile(path.join(dir, 'projects/iri-test.yaml'), stringify(project({ [key]: iri }))),
  })),
  {
    file: 'programmes/iri-test.yaml',
    field: 'url',
    write: (dir, iri) =>
      writeFile(
        path.join(dir, 'programmes/iri-test.yaml'),
        stringify({ id: 'iri-test-programme', name: 'Programma', url: iri }),
      ),
  },
  {
    file: 'organisations/iri-test.yaml',
    field: 'url',
    write: (dir, iri) =>
      writeFile(
        path.join(dir, 'organisations/iri-test.yaml'),
        stringify({ id: 'iri-test-org', name: 'Organisatie', type: 'company', url: iri }),
      ),
  },
  { file: 'dataset.yaml', field: 'baseIri', write: (dir, iri) => editDataset(dir, (d) => (d.baseIri = `${iri}/`)) },
  { file: 'dataset.yaml', field: 'licence', write: (dir, iri) => editDataset(dir, (d) => (d.licence = iri)) },
  {
    file: 'dataset.yaml',
    field: 'publisher.url',
    write: (dir, iri) => editDataset(dir, (d) => (d.publisher = { name: 'projectgraph', url: iri })),
  },
];

async function dataCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-iri-'));
  await cp(DATA, dir, { recursive: true });
  return dir;
}

/** The 1-based line of `file` that holds `needle`. */
async function lineOf(file: string, needle: string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  expect(i, `${needle} in ${file}`).toBeGreaterThanOrEqual(0);
  return i + 1;
}

describe('values that become IRIs', () => {
  it.each(PLACES.flatMap((p) => BREAKING.map((c) => [`${p.file} ${p.field}`, JSON.stringify(c), p, c] as const)))(
    '%s holding %s is refused with its location',
    async (_label, _shown, place, c) => {
      const dir = await dataCopy();
      await place.write(dir, `https://example.org/a${c}b`);
      const err = await readRecords(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      const problems = (err as DataError).problems;
      expect(problems.map((p) => p.field)).toEqual([place.field]);
      const [p] = problems;
      expect(p?.location?.file).toBe(path.join(dir, place.file));
      const key =
        place.field
          .split('.')
          .pop()
          ?.replace(/\[\d+\]$/, '') ?? '';
      // The yaml package writes some of these values on a line of their own below the key, so either line is right.
      const line = await lineOf(path.join(dir, place.file), `${key}:`);
      expect([line, line + 1]).toContain(p?.location?.line);
      expect(p?.location?.column).toBeGreaterThan(0);
      expect(p?.message).toMatch(
        c === '\u202E'
          ? /bidirectional control character U\+202E/
          : /contains .* which an IRI may not hold; (write it as %[0-9A-F]{2}|remove it)/,
      );
    },
  );

  it.each([
    ['javascript:alert(1)', /expected an http\(s\) address, not one starting with "javascript:"/],
    ['ftp://example.org/x', /expected an http\(s\) address/],
    ['https:///x', /with a host name/],
    ['example.org/x', /must start with a scheme/],
    ['https://example.org/%zz', /"%" that is not followed by two hexadecimal digits/],
    ['https://example.org/a#b#c', /more than one "#"/],
    ['https://exa[mple.org/', /not a valid IRI \(RFC 3987\)/],
    [' https://example.org/', /a space at the start.*remove it/],
  ])('%j is refused as a url', async (iri, words) => {
    const dir = await dataCopy();
    await PLACES[0]?.write(dir, iri);
    const err = await readRecords(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toMatch(/projects\/iri-test\.yaml:\d+:\d+: url: /);
    expect((err as DataError).message).toMatch(words);
  });

  it.each([
    ['a query', 'https://projectgraph.example/?x=1/', /may not have a query/],
    ['a fragment', 'https://projectgraph.example/#x/', /may not have a fragment/],
    ['no closing slash', 'https://projectgraph.example/data', /must end with "\/"/],
  ])('refuses a base IRI with %s', async (_label, base, words) => {
    const dir = await dataCopy();
    await editDataset(dir, (d) => (d.baseIri = base));
    const err = await readRecords(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    // editDataset writes dataset.yaml anew without its comments, so baseIri is its first line.
    expect((err as DataError).message).toMatch(/dataset\.yaml:1:\d+: baseIri: /);
    expect((err as DataError).message).toMatch(words);
  });

  it('publishes unusual but valid IRIs in every field, and every dump reads back in n3 and Oxigraph', {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'projectgraph-iri-'));
    const data = path.join(dir, 'data');
    await cp(DATA, data, { recursive: true });
    const iris = {
      url: "https://example.org/co\u00f6rdinatie/(2015)/!$&'*+,;=~.html",
      alternateNameUrl: 'https://example.org/a%20b%22c',
      publicationUrl: 'http://[2001:db8::1]:8080/rapport?x=1&y=%7B2%7D#p-3',
      sourceUrl: 'https://user@example.org/wiki/Caf\u00e9?title=Caf\u00e9&oldid=12#Uitkomsten',
    };
    await writeFile(path.join(data, 'projects/iri-test.yaml'), stringify(project(iris)));
    await writeFile(
      path.join(data, 'organisations/iri-test.yaml'),
      stringify({
        id: 'iri-test-org',
        name: 'Organisatie',
        type: 'company',
        url: 'https://\u00e9\u00e9n.example/\u4e2d\u6587',
      }),
    );
    await editDataset(data, (d) => {
      d.baseIri = 'https://data.example.org:8443/pr\u00f6jecten/';
      d.publisher = { name: 'projectgraph', url: 'https://example.org/~uitgever/' };
    });
    const out = path.join(dir, 'output');
    await build({ dataDir: data, outDir: out, sourceDateEpoch: '' });
    const nt = await expectDumpsAgree(out);
    const objects = new Set(nt.map((q) => q.object.value));
    // alternateNameUrl is kept in the record but not (yet) mapped to RDF.
    const { alternateNameUrl: _kept, ...mapped } = iris;
    for (const iri of [
      ...Object.values(mapped),
      'https://\u00e9\u00e9n.example/\u4e2d\u6587',
      'https://example.org/~uitgever/',
    ])
      expect(objects).toContain(iri);
    expect(nt.some((q) => q.subject.value === 'https://data.example.org:8443/pr\u00f6jecten/project/iri-test')).toBe(
      true,
    );
  });
});
