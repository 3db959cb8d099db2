// IRI minting: stable paths from ids, one resource for names that differ only in Unicode form, case or spacing.
import { describe, expect, it } from 'vitest';
import { mintIris, slug } from '../../src/map/iri.ts';
import { ID_PATTERN } from '../../src/ingest/schema.ts';

describe('slug', () => {
  it('folds Unicode forms, diacritics, case and spacing into one slug', () => {
    const composed = 'Cre\u00e9ren';
    const decomposed = 'Cree\u0301ren';
    expect(composed).not.toBe(decomposed);
    expect(slug(composed)).toBe('creeren');
    expect(slug(decomposed)).toBe('creeren');
    expect(slug('  Publiek-Private   Samenwerking ')).toBe('publiek-private-samenwerking');
    expect(slug('What’s next')).toBe('whats-next');
    expect(slug("'s-Hertogenbosch")).toBe('s-hertogenbosch');
  });

  it('never yields anything but an id-shaped path segment', () => {
    for (const name of ['a/../b', '%2F..%2F', '<script>', 'x y>z', 'Ruimtelijk–economisch beleid']) {
      const s = slug(name);
      expect(s === '' || ID_PATTERN.test(s), s).toBe(true);
    }
  });
});

describe('mintIris', () => {
  it('mints from ids under the base IRI, never from titles', () => {
    const iris = mintIris('https://example.org/');
    expect(iris.project('cluster-governance-kks-2015').value).toBe(
      'https://example.org/project/cluster-governance-kks-2015',
    );
    expect(iris.keyword('Publiek-private samenwerking').value).toBe(
      'https://example.org/keyword/publiek-private-samenwerking',
    );
    expect(iris.source(iris.project('x')).value).toBe('https://example.org/project/x#source');
  });

  it('refuses to mint under a base that is no IRI, or from a value that is no id', () => {
    expect(() => mintIris('https://example.org/a b/')).toThrow(/cannot mint IRIs under .*contains a space/);
    expect(() => mintIris('https://example.org/?q/')).toThrow(/may not have a query/);
    const iris = mintIris('https://example.org/');
    expect(() => iris.project('a>b')).toThrow(/cannot mint the IRI of project "a>b": not an id/);
    expect(() => iris.organisation('')).toThrow(/not an id/);
  });
});
