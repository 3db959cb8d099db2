// Every page: well-formed Dutch HTML with landmarks, canonical link and embedded schema.org JSON-LD that passes the vocabulary check; relations both ways; sitemap; determinism.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Store } from 'n3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Quad } from '@rdfjs/types';
import {
  checkSchemaOrg,
  loadSchemaOrgVocabulary,
  schemaOrgJsonLdToQuads,
  type SchemaOrgVocabulary,
} from '../../src/validate/schemaorg.ts';
import { PROV, RDF, RDFS, SCHEMA } from '../../src/vocab.ts';
import {
  CONFORMANCE,
  EPOCH_DATE,
  buildCopy,
  exportedSite,
  jsonLdBlocks,
  listFiles,
  parseRdf,
  type Built,
} from './support.ts';

const BASE = 'https://projectgraph.example/';
let built: Built;
/** The build's static site (export-site), where the pages are. */
let site: string;
let files: string[];
let pages: string[];
let vocabulary: SchemaOrgVocabulary;
let dump: Quad[];

/** The IRI a page file stands for: `x/y.html` → `<base>x/y`, `index.html` → the base, `x/index.html` → `<base>x`. */
function iriOfPage(file: string): string {
  if (file === 'index.html') return BASE;
  return BASE + file.replace(/\/index\.html$/, '').replace(/\.html$/, '');
}

beforeAll(async () => {
  built = await buildCopy();
  site = await exportedSite(built.out, built.data);
  files = await listFiles(site);
  pages = files.filter((f) => f.endsWith('.html'));
  vocabulary = await loadSchemaOrgVocabulary(path.join(CONFORMANCE, 'schemaorg', 'schemaorg-current-http.ttl.gz'));
  dump = await parseRdf(path.join(site, 'dataset.nt'), 'application/n-triples');
});

describe('the pages', () => {
  it('exist for every resource the dump describes, with .ttl and .jsonld siblings', () => {
    const subjects = new Set(dump.map((q) => q.subject.value.replace(/#.*$/, '')).filter((s) => s.startsWith(BASE)));
    expect(subjects.size).toBeGreaterThan(30);
    for (const s of subjects) {
      const local = s.slice(BASE.length);
      expect(files, s).toContain(`${local}.html`);
      if (local !== 'dataset') {
        expect(files, s).toContain(`${local}.ttl`);
        expect(files, s).toContain(`${local}.jsonld`);
      }
    }
    for (const doc of [
      'index.html',
      'dataset.html',
      'catalog.html',
      'catalog.ttl',
      'catalog.jsonld',
      'void.html',
      'void.ttl',
      'def.html',
      'def.ttl',
      'style.css',
      'sitemap.xml',
      'robots.txt',
      '.well-known/void',
    ]) {
      expect(files).toContain(doc);
    }
  });

  it('are Dutch, with title, description, canonical link, landmarks, one h1 and no external assets', async () => {
    for (const f of pages) {
      const html = await readFile(path.join(site, f), 'utf8');
      expect(html, f).toMatch(/^<!doctype html>\n<html lang="nl">/);
      expect(html, f).toMatch(/<title>[^<]+<\/title>/);
      expect(html, f).toMatch(/<meta name="description" content="[^"]+">/);
      expect(html, f).toContain(`<link rel="canonical" href="${iriOfPage(f)}">`);
      for (const landmark of ['<header', '<nav', '<main', '<footer'])
        expect(html, `${f} ${landmark}`).toContain(landmark);
      expect(html.match(/<h1>/g), f).toHaveLength(1);
      // Only the shipped stylesheet and site-relative links: nothing is loaded from elsewhere.
      expect(html, f).not.toMatch(
        /<(script|img|link)[^>]+(src|href)="https?:\/\/(?!projectgraph\.example)[^"]*"[^>]*>(?![^<]*<\/a>)/,
      );
      expect([...html.matchAll(/<script(?![^>]*type="application\/ld\+json")/g)], f).toEqual([]);
    }
  });

  it('embed JSON-LD that parses offline and passes the schema.org vocabulary check', async () => {
    let statements = 0;
    for (const f of pages) {
      const blocks = jsonLdBlocks(await readFile(path.join(site, f), 'utf8'));
      expect(blocks, f).toHaveLength(1);
      const doc = JSON.parse(blocks[0]!) as Record<string, unknown>;
      expect(doc['@context'], f).toBe('https://schema.org');
      const quads = await schemaOrgJsonLdToQuads(doc);
      statements += quads.length;
      expect(checkSchemaOrg(quads, vocabulary), f).toEqual([]);
      // The page's resource, its WebPage and BreadcrumbList are all there.
      const types = new Store(quads).getObjects(null, RDF('type'), null).map((t) => t.value);
      expect(types, f).toEqual(expect.arrayContaining([SCHEMA('WebPage').value, SCHEMA('BreadcrumbList').value]));
      const iri = iriOfPage(f);
      if (iri !== BASE)
        expect(new Store(quads).getQuads(`${iri}#webpage`, SCHEMA('mainEntity'), iri, null), f).toHaveLength(1);
    }
    expect(statements).toBeGreaterThan(pages.length * 10);
  });

  it('say in their JSON-LD what the dump says about the resource', async () => {
    const page = jsonLdBlocks(await readFile(path.join(site, 'project/cluster-governance-kks-2015.html'), 'utf8'))[0]!;
    const store = new Store(await schemaOrgJsonLdToQuads(JSON.parse(page)));
    const project = `${BASE}project/cluster-governance-kks-2015`;
    const inDump = dump.filter((q) => q.subject.value === project && q.predicate.value.startsWith(SCHEMA.iri));
    expect(inDump.length).toBeGreaterThan(15);
    for (const q of inDump) expect(store.has(q), `${q.predicate.value} ${q.object.value}`).toBe(true);
    // The reverse direction too: an organisation's page states the project's member link.
    const org = jsonLdBlocks(await readFile(path.join(site, 'organisation/kei.html'), 'utf8'))[0]!;
    const orgStore = new Store(await schemaOrgJsonLdToQuads(JSON.parse(org)));
    expect(orgStore.getQuads(project, SCHEMA('member'), `${BASE}organisation/kei`, null)).toHaveLength(1);
  });

  it('link relations both ways: an organisation lists its projects, a keyword its projects, a project its programme', async () => {
    const org = await readFile(path.join(site, 'organisation/kei.html'), 'utf8');
    expect(org).toContain('<dt>Betrokken bij</dt>');
    expect(org).toContain('<a href="/project/cluster-governance-kks-2015">Cluster Governance (KKS 2015)</a>');
    const keyword = await readFile(path.join(site, 'keyword/clusters.html'), 'utf8');
    expect(keyword).toContain('<a href="/project/cluster-governance-kks-2015">');
    const project = await readFile(path.join(site, 'project/cluster-governance-kks-2015.html'), 'utf8');
    expect(project).toContain('<a href="/programme/kennis-voor-krachtige-steden">Kennis voor Krachtige Steden</a>');
    expect(project).toContain('<a href="/organisation/kei">KEI</a>');
    const programme = await readFile(path.join(site, 'programme/kennis-voor-krachtige-steden.html'), 'utf8');
    expect(programme).toContain('<a href="/project/cluster-governance-kks-2015">');
    expect(programme).toContain('<a href="/programme/verdus">VerDuS</a>');
  });

  it("have per-resource Turtle and JSON-LD holding the resource's statements, its reverse links and the labels of what it links to", async () => {
    const kei = await parseRdf(path.join(site, 'organisation/kei.ttl'));
    const store = new Store(kei);
    const iri = `${BASE}organisation/kei`;
    for (const q of dump.filter((d) => d.subject.value === iri)) expect(store.has(q)).toBe(true);
    const project = `${BASE}project/cluster-governance-kks-2015`;
    expect(store.getQuads(project, SCHEMA('member'), iri, null)).toHaveLength(1);
    expect(store.getQuads(project, SCHEMA('name'), null, null)).toHaveLength(1);
    const fromJsonLd = new Store(await schemaOrgJsonLdToQuadsFile(path.join(site, 'organisation/kei.jsonld')));
    expect(fromJsonLd.size).toBe(store.size);
    for (const q of kei) expect(fromJsonLd.has(q)).toBe(true);
  });

  it('make our vocabulary dereferenceable: every def/ IRI used has a page and RDF', async () => {
    const used = new Set(
      dump.flatMap((q) => [q.predicate.value, q.object.value]).filter((v) => v.startsWith(`${BASE}def/`)),
    );
    expect(used.size).toBeGreaterThanOrEqual(4);
    const def = new Store(await parseRdf(path.join(site, 'def.ttl')));
    for (const iri of used) {
      expect(files, iri).toContain(`${iri.slice(BASE.length)}.html`);
      expect(def.getQuads(iri, null, null, null).length, iri).toBeGreaterThan(0);
    }
    expect(
      def
        .getQuads(`${BASE}def/background`, RDFS('label'), null, null)
        .map((q) => q.object.value)
        .sort(),
    ).toEqual(['aanleiding', 'background']);
  });

  it('list every page in the sitemap with its absolute address and lastmod, and robots.txt points to it', async () => {
    const sitemap = await readFile(path.join(site, 'sitemap.xml'), 'utf8');
    const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    const expected = [...new Set(pages.map(iriOfPage))].sort();
    expect([...locs].sort()).toEqual(expected);
    expect(sitemap.match(/<lastmod>/g)).toHaveLength(locs.length);
    expect(sitemap).toContain(`<lastmod>${EPOCH_DATE}</lastmod>`);
    expect(await readFile(path.join(site, 'robots.txt'), 'utf8')).toContain(`Sitemap: ${BASE}sitemap.xml`);
  });

  it('record provenance: every record resource names its YAML file, the wiki page where there is one', () => {
    const store = new Store(dump);
    const project = `${BASE}project/cluster-governance-kks-2015`;
    const file = `${project}#record`;
    expect(store.getObjects(file, RDFS('label'), null).map((o) => o.value)).toEqual([
      'projects/cluster-governance-kks-2015.yaml',
    ]);
    expect(store.getQuads(file, PROV('wasDerivedFrom'), `${project}#source`, null)).toHaveLength(1);
    expect(store.getQuads(project, PROV('wasInfluencedBy'), file, null)).toHaveLength(1);
    expect(
      store.getQuads(`${BASE}organisation/kei`, PROV('wasDerivedFrom'), `${BASE}organisation/kei#record`, null),
    ).toHaveLength(1);
    expect(store.getObjects(`${BASE}organisation/kei#record`, RDFS('label'), null).map((o) => o.value)).toEqual([
      'organisations/kei.yaml',
    ]);
    // The project's publications come from the same file and the same wiki page.
    const publication = `${BASE}publication/cluster-governance-lessen-voor-de-praktijk`;
    expect(store.getQuads(publication, PROV('wasDerivedFrom'), file, null)).toHaveLength(1);
    expect(store.getQuads(publication, PROV('hadPrimarySource'), `${project}#source`, null)).toHaveLength(1);
  });

  it('are byte-identical when the same data is built again', async () => {
    const again = await buildCopy();
    const againSite = await exportedSite(again.out, again.data);
    const second = await listFiles(againSite);
    expect(second).toEqual(files);
    for (const f of files) {
      expect(await readFile(path.join(againSite, f), 'utf8'), f).toBe(await readFile(path.join(site, f), 'utf8'));
    }
  });
});

describe('the schema.org check', () => {
  it('finds a property off its domain, a value out of range, unknown terms and the https namespace', async () => {
    const doc = {
      '@context': 'https://schema.org',
      '@id': 'https://example.org/p',
      '@type': ['ResearchProject'],
      startDate: { '@value': '2008', '@type': 'http://www.w3.org/2001/XMLSchema#gYear' },
      foundingDate: 'in 2008',
      member: { '@id': 'https://example.org/o' },
      colour: 'red',
    };
    const quads = await schemaOrgJsonLdToQuads(doc);
    quads.push(
      ...(await schemaOrgJsonLdToQuads({
        '@context': 'https://schema.org',
        '@id': 'https://example.org/x',
        '@type': 'Projekt',
      })),
    );
    quads.push(
      ...(await schemaOrgJsonLdToQuads({
        '@context': { '@vocab': 'https://schema.org/' },
        '@id': 'https://example.org/y',
        name: 'y',
      })),
    );
    const kinds = checkSchemaOrg(quads, vocabulary)
      .map((f) => `${f.kind} ${(f.predicate ?? f.object ?? '').replace(/^.*\//, '')}`)
      .sort();
    expect(kinds).toEqual([
      'domain startDate',
      'range foundingDate',
      'range member',
      'unknown-class Projekt',
      'unknown-property colour',
      'wrong-namespace name',
    ]);
  });

  it('accepts Organization properties on a ResearchProject, since Project is a subtype of Organization', async () => {
    const quads = await schemaOrgJsonLdToQuads({
      '@context': 'https://schema.org',
      '@id': 'https://example.org/p',
      '@type': 'ResearchProject',
      member: { '@id': 'https://example.org/o', '@type': 'GovernmentOrganization' },
      foundingDate: { '@value': '2008', '@type': 'http://www.w3.org/2001/XMLSchema#gYear' },
      url: { '@id': 'https://example.org/' },
    });
    expect(checkSchemaOrg(quads, vocabulary)).toEqual([]);
  });

  it("refuses to fetch any context but schema.org's", async () => {
    await expect(
      schemaOrgJsonLdToQuads({ '@context': 'https://example.org/context.jsonld', name: 'x' }),
    ).rejects.toThrow(/Dereferencing|refusing/);
  });
});

async function schemaOrgJsonLdToQuadsFile(file: string): Promise<Quad[]> {
  return schemaOrgJsonLdToQuads(JSON.parse(await readFile(file, 'utf8')));
}
