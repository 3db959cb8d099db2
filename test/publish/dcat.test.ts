// The built catalogue against the official DCAT-AP 3.0.1 and DCAT-AP-NL 3.0 shapes, and its facts against the files it describes.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataFactory, Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Quad } from '@rdfjs/types';
import { DCAT, DCT, RDF, SPDX, XSD } from '../../src/vocab.ts';
import { CONFORMANCE, EPOCH_DATE, buildCopy, parseRdf, type Built } from './support.ts';

const { namedNode } = DataFactory;

const SHAPE_SETS = {
  'DCAT-AP 3.0.1': ['dcat-ap/3.0.1/dcat-ap-SHACL.ttl', 'dcat-ap/3.0.1/ranges.ttl'],
  'DCAT-AP-NL 3.0': [
    'dcat-ap-nl/dcat-ap-nl-SHACL.ttl',
    'dcat-ap-nl/dcat-ap-nl-SHACL-klassebereik.ttl',
    'dcat-ap-nl/dcat-ap-nl-SHACL-klassebereik-codelijsten.ttl',
  ],
  'DCAT-AP-NL 3.0 recommended': ['dcat-ap-nl/dcat-ap-nl-SHACL-aanbevolen.ttl'],
} as const;

const validators = new Map<string, SHACLValidator>();

async function validate(set: keyof typeof SHAPE_SETS, quads: Quad[]) {
  let v = validators.get(set);
  if (!v) {
    const shapes = new Store();
    // Parsed as local files only: the shapes' owl:imports are never followed.
    for (const f of SHAPE_SETS[set])
      shapes.addQuads(new Parser().parse(await readFile(path.join(CONFORMANCE, f), 'utf8')));
    v = new SHACLValidator(shapes);
    validators.set(set, v);
  }
  const report = await v.validate(new Store(quads));
  return report.results.map((r) => ({
    severity: r.severity?.value.replace(/^.*#/, ''),
    focus: r.focusNode?.value,
    path: r.path?.value,
    component: r.sourceConstraintComponent?.value.replace(/^.*#/, ''),
  }));
}

let built: Built;
let catalog: Quad[];

beforeAll(async () => {
  built = await buildCopy();
  catalog = await parseRdf(path.join(built.out, 'catalog.ttl'));
});

describe('the DCAT-AP catalogue', () => {
  it('has no violations against DCAT-AP 3.0.1 (template shapes with ranges)', async () => {
    expect(await validate('DCAT-AP 3.0.1', catalog)).toEqual([]);
  });

  it('has no violations against DCAT-AP-NL 3.0 (with both class-range files)', async () => {
    expect(await validate('DCAT-AP-NL 3.0', catalog)).toEqual([]);
  });

  it('raises no recommended-property warnings of DCAT-AP-NL 3.0', async () => {
    const results = await validate('DCAT-AP-NL 3.0 recommended', catalog);
    expect(results.filter((r) => r.severity === 'Violation')).toEqual([]);
    expect(results).toEqual([]);
  });

  it('is caught by the shapes when a mandatory statement goes missing', async () => {
    const broken = catalog.filter(
      (q) => !q.predicate.equals(DCT('publisher')) && !q.predicate.equals(DCAT('accessURL')),
    );
    const ap = await validate('DCAT-AP 3.0.1', broken);
    expect(ap.map((r) => r.path)).toEqual(expect.arrayContaining([DCT('publisher').value, DCAT('accessURL').value]));
    const nl = await validate('DCAT-AP-NL 3.0', broken);
    expect(nl.map((r) => r.path)).toContain(DCT('publisher').value);
  });

  it('is the same in Turtle and JSON-LD', async () => {
    const fromJsonLd = await jsonLdQuads(path.join(built.out, 'catalog.jsonld'));
    expect(new Store(fromJsonLd).size).toBe(new Store(catalog).size);
    const store = new Store(fromJsonLd);
    for (const q of catalog) expect(store.has(q)).toBe(true);
  });

  it('describes each dump, with and without named graphs, with its real size, SHA-256, media type and EU file type', async () => {
    const store = new Store(catalog);
    const distributions = store.getSubjects(RDF('type'), DCAT('Distribution'), null);
    // The five dumps and the gzip copies of the two largest.
    expect(distributions).toHaveLength(7);
    const seen: string[] = [];
    for (const d of distributions) {
      const url = store.getObjects(d, DCAT('downloadURL'), null)[0]!.value;
      const file = url.slice('https://projectgraph.example/'.length);
      seen.push(file);
      const bytes = await readFile(path.join(built.out, file));
      expect(store.getObjects(d, DCAT('byteSize'), null)[0]).toEqual(
        DataFactory.literal(String(bytes.length), XSD('nonNegativeInteger')),
      );
      const checksum = store.getObjects(d, SPDX('checksum'), null)[0]!;
      expect(store.getObjects(checksum, SPDX('algorithm'), null)[0]).toEqual(SPDX('checksumAlgorithm_sha256'));
      expect(store.getObjects(checksum, SPDX('checksumValue'), null)[0]!.value).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
      expect(store.getObjects(d, DCAT('mediaType'), null)[0]!.value).toMatch(
        /^https:\/\/www\.iana\.org\/assignments\/media-types\//,
      );
      expect(store.getObjects(d, DCT('format'), null)[0]!.value).toMatch(
        /^http:\/\/publications\.europa\.eu\/resource\/authority\/file-type\//,
      );
      expect(store.getObjects(d, DCT('license'), null)).toHaveLength(1);
    }
    expect(seen.sort()).toEqual([
      'dataset.jsonld',
      'dataset.nq',
      'dataset.nq.gz',
      'dataset.nt',
      'dataset.nt.gz',
      'dataset.trig',
      'dataset.ttl',
    ]);
    // A gzip copy has the media type of what it holds, and says how it is compressed; the others are not compressed.
    for (const d of distributions) {
      const file = store.getObjects(d, DCAT('downloadURL'), null)[0]!.value;
      const compress = store.getObjects(d, DCAT('compressFormat'), null).map((o) => o.value);
      expect(compress, file).toEqual(
        file.endsWith('.gz') ? ['https://www.iana.org/assignments/media-types/application/gzip'] : [],
      );
    }
    const gunzipped = gunzipSync(await readFile(path.join(built.out, 'dataset.nt.gz')));
    expect(gunzipped.equals(await readFile(path.join(built.out, 'dataset.nt')))).toBe(true);
    const format = (file: string) => {
      const d = distributions.find((x) =>
        store.getObjects(x, DCAT('downloadURL'), null)[0]!.value.endsWith(`/${file}`),
      )!;
      return [
        store.getObjects(d, DCAT('mediaType'), null)[0]!.value,
        store.getObjects(d, DCT('format'), null)[0]!.value,
      ];
    };
    expect(format('dataset.nq')).toEqual([
      'https://www.iana.org/assignments/media-types/application/n-quads',
      'http://publications.europa.eu/resource/authority/file-type/RDF_N_QUADS',
    ]);
    expect(format('dataset.trig')).toEqual([
      'https://www.iana.org/assignments/media-types/application/trig',
      'http://publications.europa.eu/resource/authority/file-type/RDF_TRIG',
    ]);
  });

  it('describes the SPARQL service, the temporal coverage of the records and dates from SOURCE_DATE_EPOCH', () => {
    const store = new Store(catalog);
    const service = store.getSubjects(RDF('type'), DCAT('DataService'), null)[0]!;
    expect(store.getObjects(service, DCAT('endpointURL'), null)).toEqual([
      namedNode('https://projectgraph.example/sparql'),
    ]);
    expect(store.getObjects(service, DCAT('endpointDescription'), null)).toHaveLength(1);
    const dataset = namedNode('https://projectgraph.example/dataset');
    const temporal = store.getObjects(dataset, DCT('temporal'), null)[0]!;
    expect(store.getObjects(temporal, DCAT('startDate'), null)[0]!.value).toBe('2008');
    expect(store.getObjects(temporal, DCAT('endDate'), null)[0]!.value).toBe('2015');
    expect(store.getObjects(dataset, DCT('modified'), null)).toEqual([DataFactory.literal(EPOCH_DATE, XSD('date'))]);
    expect(
      store
        .getObjects(dataset, DCAT('keyword'), null)
        .map((k) => k.value)
        .sort(),
    ).toEqual(['clusters', 'governance', 'publiek-private samenwerking', 'ruimtelijk-economisch beleid']);
  });

  it('states no dates when the build has none, and still passes both shape sets', async () => {
    const undated = await buildCopy(undefined, null);
    const quads = await parseRdf(path.join(undated.out, 'catalog.ttl'));
    expect(quads.filter((q) => q.predicate.equals(DCT('issued')) || q.predicate.equals(DCT('modified')))).toEqual([]);
    expect(await validate('DCAT-AP 3.0.1', quads)).toEqual([]);
    expect(await validate('DCAT-AP-NL 3.0', quads)).toEqual([]);
    expect(await readFile(path.join(undated.out, 'sitemap.xml'), 'utf8')).not.toContain('<lastmod>');
  });
});

async function jsonLdQuads(file: string): Promise<Quad[]> {
  const { default: jsonld } = await import('jsonld');
  const doc = JSON.parse(await readFile(file, 'utf8')) as object;
  const refuse = async (url: string) => {
    throw new Error(`test must not fetch ${url}`);
  };
  const nquads = (await jsonld.toRDF(doc, {
    format: 'application/n-quads',
    documentLoader: refuse as never,
  })) as unknown as string;
  return new Parser({ format: 'N-Quads' }).parse(nquads);
}
