// The dataset's own IRIs: one module names them, and the IRIs map/iri.ts mints agree with its paths.
import { describe, expect, it } from 'vitest';
import { DATASET_PATHS, datasetIris, vocabularyNamespace } from '../src/dataset-iris.ts';
import { mintIris } from '../src/map/iri.ts';
import { ownVocabulary } from '../src/vocab.ts';

const BASE = 'https://example.org/sub/';

describe('datasetIris', () => {
  it('names every fixed resource, document and service at its path under the base', () => {
    const iris = datasetIris(BASE);
    expect({
      home: iris.home.value,
      dataset: iris.dataset.value,
      publisher: iris.publisher.value,
      catalog: iris.catalog.value,
      vocabulary: iris.vocabulary.value,
      void: iris.void.value,
      sparql: iris.sparql.value,
      sitemap: iris.sitemap.value,
      dump: iris.file('dataset.ttl').value,
      contact: iris.inCatalog('contact').value,
    }).toEqual({
      home: BASE,
      dataset: `${BASE}dataset`,
      publisher: `${BASE}publisher`,
      catalog: `${BASE}catalog`,
      vocabulary: `${BASE}def`,
      void: `${BASE}void`,
      sparql: `${BASE}sparql`,
      sitemap: `${BASE}sitemap.xml`,
      dump: `${BASE}dataset.ttl`,
      contact: `${BASE}catalog#contact`,
    });
    expect(iris.graphs.prefix).toBe(`${BASE}graph/`);
    expect(iris.graphs.dataset.value).toBe(`${BASE}graph/dataset`);
    expect(iris.graphs.record('project', 'p1').value).toBe(`${BASE}graph/project/p1`);
    expect(iris.change(3, 'removed', 'project/p1').value).toBe(`${BASE}changes/3/removed/project/p1`);
  });

  it('takes the records\u2019 IRIs from map/iri.ts, whose fixed paths are the ones the site is laid out by', () => {
    const minted = mintIris(BASE);
    const iris = datasetIris(BASE);
    expect(iris.project('p1')).toEqual(minted.project('p1'));
    expect(iris.keyword('Wonen')).toEqual(minted.keyword('Wonen'));
    expect(minted.dataset.value).toBe(BASE + DATASET_PATHS.dataset);
    expect(minted.publisher.value).toBe(BASE + DATASET_PATHS.publisher);
  });

  it('puts our vocabulary\u2019s terms under its document, the namespace vocab.ts hands out', () => {
    expect(vocabularyNamespace(BASE)).toBe(`${datasetIris(BASE).vocabulary.value}/`);
    expect(ownVocabulary(BASE).iri).toBe(vocabularyNamespace(BASE));
  });
});
