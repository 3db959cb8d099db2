// The DCAT-AP 3 catalogue (catalog.ttl/.jsonld): the dataset, one distribution per dump with size and checksum, and the SPARQL service.
import { DataFactory } from 'n3';
import type { Literal, NamedNode, Quad } from '@rdfjs/types';
import { datasetIris } from '../dataset-iris.ts';
import type { OutlinedRecord } from '../ingest/records.ts';
import type { DatasetRecord } from '../ingest/schema.ts';
import {
  DCAT,
  DCT,
  EU_ACCESS_RIGHT,
  EU_COUNTRY,
  EU_DATA_THEME,
  EU_FILE_TYPE,
  EU_LANGUAGE,
  FOAF,
  IANA_MEDIA_TYPE,
  RDF,
  RDFS,
  SKOS,
  SPDX,
  SPEC,
  VCARD,
  XSD,
} from '../vocab.ts';

const { literal, namedNode, quad } = DataFactory;

/** A dump as the catalogue describes it; bytes and checksum are of the exact file written. */
export interface DumpFile {
  /** File name in output/, which is also its path under the base IRI ("dataset.ttl"). */
  file: string;
  /** Short name of the format for fragment IRIs and titles ("turtle"). */
  format: string;
  title: { nl: string; en: string };
  /** IANA media type ("text/turtle"). */
  mediaType: string;
  /** Code in the EU file-type table ("RDF_TURTLE"). */
  euFileType: string;
  /** The specification of the format (the W3C recommendation). */
  specification: string;
  bytes: number;
  sha256: string;
  /** IANA media type of the compression, for a compressed copy ("application/gzip"). */
  compressFormat?: string;
}

export interface CatalogInput {
  base: string;
  dataset: DatasetRecord;
  /** The keywords of the records, sorted and unique. */
  keywords: string[];
  /** The earliest start year and latest end year in the records, where any are given. */
  years: { start?: number; end?: number };
  dumps: DumpFile[];
  /** The date (YYYY-MM-DD) of the last build that changed the data; without it no issued/modified is stated. */
  date?: string;
  /** The date of the first build of this output's sequence (default: `date`): dct:issued stays put while `date` moves. */
  issued?: string;
}

/**
 * Themes from the EU data-theme table. The records carry no theme, so the dataset's subject decides:
 * urban policy research is "Regions and cities" (REGI).
 */
const THEMES = [{ code: 'REGI', label: { nl: 'Regio’s en steden', en: 'Regions and cities' } }];

/** The catalogue's resources: the dataset's own IRIs, and the parts of the catalogue that are fragments of it. */
export function catalogIris(base: string) {
  const iris = datasetIris(base);
  return {
    catalog: iris.catalog,
    dataset: iris.dataset,
    publisher: iris.publisher,
    contact: iris.inCatalog('contact'),
    service: iris.inCatalog('sparql-service'),
    temporal: iris.inCatalog('temporal'),
    distribution: (format: string) => iris.inCatalog(`distribution-${format}`),
    checksum: (format: string) => iris.inCatalog(`checksum-${format}`),
    endpoint: iris.sparql,
    home: iris.home,
    void: iris.void,
    vocabulary: iris.vocabulary,
    file: iris.file,
  };
}

export function catalogQuads(input: CatalogInput): Quad[] {
  const { base, dataset: d } = input;
  const iri = catalogIris(base);
  const quads: Quad[] = [];
  const add = (s: NamedNode, p: NamedNode, o: NamedNode | Literal) => quads.push(quad(s, p, o));
  const texts = (s: NamedNode, p: NamedNode, t: { nl: string; en?: string }) => {
    add(s, p, literal(t.nl, 'nl'));
    if (t.en !== undefined) add(s, p, literal(t.en, 'en'));
  };
  const dates =
    input.date === undefined
      ? undefined
      : { issued: literal(input.issued ?? input.date, XSD('date')), modified: literal(input.date, XSD('date')) };
  const licence = namedNode(d.licence);
  const language = EU_LANGUAGE('NLD');
  const themes = THEMES.map((t) => EU_DATA_THEME(t.code));
  const access = EU_ACCESS_RIGHT('PUBLIC');
  const themeScheme = namedNode(EU_DATA_THEME.iri.replace(/\/$/, ''));
  // The records are Dutch policy projects in Dutch cities: the Netherlands is the dataset's spatial coverage.
  const country = EU_COUNTRY('NLD');
  const table = (ns: { iri: string }) => namedNode(ns.iri.replace(/\/$/, ''));

  // The catalogue.
  add(iri.catalog, RDF('type'), DCAT('Catalog'));
  texts(iri.catalog, DCT('title'), { nl: `Catalogus: ${d.title.nl}`, en: `Catalogue: ${d.title.en}` });
  texts(iri.catalog, DCT('description'), {
    nl: `De DCAT-AP-catalogus van ${d.publisher.name}: de dataset, de downloads en het SPARQL-eindpunt.`,
    en: `The DCAT-AP catalogue of ${d.publisher.name}: the dataset, its downloads and the SPARQL endpoint.`,
  });
  add(iri.catalog, DCT('publisher'), iri.publisher);
  add(iri.catalog, DCT('creator'), iri.publisher);
  add(iri.catalog, DCAT('contactPoint'), iri.contact);
  add(iri.catalog, DCT('language'), language);
  add(iri.catalog, DCT('spatial'), country);
  add(iri.catalog, DCT('license'), licence);
  add(iri.catalog, FOAF('homepage'), iri.home);
  add(iri.catalog, DCAT('themeTaxonomy'), themeScheme);
  add(iri.catalog, DCAT('dataset'), iri.dataset);
  add(iri.catalog, DCAT('service'), iri.service);
  if (dates) {
    add(iri.catalog, DCT('issued'), dates.issued);
    add(iri.catalog, DCT('modified'), dates.modified);
  }

  // The dataset.
  add(iri.dataset, RDF('type'), DCAT('Dataset'));
  texts(iri.dataset, DCT('title'), d.title);
  texts(iri.dataset, DCT('description'), d.description);
  add(iri.dataset, DCT('identifier'), literal(iri.dataset.value));
  add(iri.dataset, DCT('publisher'), iri.publisher);
  add(iri.dataset, DCT('creator'), iri.publisher);
  add(iri.dataset, DCAT('contactPoint'), iri.contact);
  add(iri.dataset, DCT('language'), language);
  add(iri.dataset, DCT('accessRights'), access);
  add(iri.dataset, DCT('spatial'), country);
  add(iri.dataset, DCAT('landingPage'), iri.home);
  // Its documentation: the VoID description (classes, properties, vocabularies) and our vocabulary's page.
  add(iri.dataset, FOAF('page'), iri.void);
  add(iri.dataset, FOAF('page'), iri.vocabulary);
  add(iri.dataset, DCT('conformsTo'), SPEC.schemaOrg);
  for (const t of themes) add(iri.dataset, DCAT('theme'), t);
  for (const k of input.keywords) add(iri.dataset, DCAT('keyword'), literal(k, 'nl'));
  if (input.years.start !== undefined || input.years.end !== undefined) {
    add(iri.dataset, DCT('temporal'), iri.temporal);
    add(iri.temporal, RDF('type'), DCT('PeriodOfTime'));
    if (input.years.start !== undefined)
      add(iri.temporal, DCAT('startDate'), literal(year(input.years.start), XSD('gYear')));
    if (input.years.end !== undefined) add(iri.temporal, DCAT('endDate'), literal(year(input.years.end), XSD('gYear')));
  }
  if (dates) {
    add(iri.dataset, DCT('issued'), dates.issued);
    add(iri.dataset, DCT('modified'), dates.modified);
  }
  for (const dump of input.dumps) add(iri.dataset, DCAT('distribution'), iri.distribution(dump.format));

  // One distribution per dump.
  for (const dump of input.dumps) {
    const s = iri.distribution(dump.format);
    const url = iri.file(dump.file);
    const checksum = iri.checksum(dump.format);
    add(s, RDF('type'), DCAT('Distribution'));
    texts(s, DCT('title'), dump.title);
    texts(
      s,
      DCT('description'),
      dump.compressFormat
        ? {
            nl: `De hele dataset in één bestand (${dump.mediaType}), gecomprimeerd (${dump.compressFormat}), zoals deze build hem publiceert.`,
            en: `The whole dataset in one file (${dump.mediaType}), compressed (${dump.compressFormat}), as this build publishes it.`,
          }
        : {
            nl: `De hele dataset in één bestand (${dump.mediaType}), zoals deze build hem publiceert.`,
            en: `The whole dataset in one file (${dump.mediaType}), as this build publishes it.`,
          },
    );
    add(s, DCAT('accessURL'), url);
    add(s, DCAT('downloadURL'), url);
    add(s, DCAT('mediaType'), IANA_MEDIA_TYPE(dump.mediaType));
    if (dump.compressFormat) add(s, DCAT('compressFormat'), IANA_MEDIA_TYPE(dump.compressFormat));
    add(s, DCT('format'), EU_FILE_TYPE(dump.euFileType));
    add(s, DCAT('byteSize'), literal(String(dump.bytes), XSD('nonNegativeInteger')));
    add(s, SPDX('checksum'), checksum);
    add(s, DCT('license'), licence);
    add(s, DCT('rights'), access);
    add(s, DCT('language'), language);
    add(s, DCT('conformsTo'), namedNode(dump.specification));
    // The same data is also reachable through the SPARQL service.
    add(s, DCAT('accessService'), iri.service);
    if (dates) {
      add(s, DCT('issued'), dates.issued);
      add(s, DCT('modified'), dates.modified);
    }
    add(checksum, RDF('type'), SPDX('Checksum'));
    add(checksum, SPDX('algorithm'), SPDX('checksumAlgorithm_sha256'));
    add(checksum, SPDX('checksumValue'), literal(dump.sha256, XSD('hexBinary')));
  }

  // The SPARQL endpoint: `projectgraph serve` answers the SPARQL 1.1 Protocol there and gives a service description when asked without a query.
  add(iri.service, RDF('type'), DCAT('DataService'));
  texts(iri.service, DCT('title'), { nl: `SPARQL-eindpunt: ${d.title.nl}`, en: `SPARQL endpoint: ${d.title.en}` });
  texts(iri.service, DCT('description'), {
    nl: 'Een SPARQL 1.1-eindpunt over de hele dataset, alleen lezen, met een service-beschrijving op hetzelfde adres.',
    en: 'A read-only SPARQL 1.1 endpoint over the whole dataset, with a service description at the same address.',
  });
  add(iri.service, DCT('identifier'), literal(iri.endpoint.value));
  add(iri.service, DCAT('endpointURL'), iri.endpoint);
  add(iri.service, DCAT('endpointDescription'), iri.endpoint);
  add(iri.service, DCAT('servesDataset'), iri.dataset);
  add(iri.service, DCT('conformsTo'), SPEC.sparqlProtocol);
  add(iri.service, DCT('publisher'), iri.publisher);
  add(iri.service, DCT('creator'), iri.publisher);
  add(iri.service, DCAT('landingPage'), iri.home);
  for (const k of input.keywords) add(iri.service, DCAT('keyword'), literal(k, 'nl'));
  add(iri.service, DCAT('contactPoint'), iri.contact);
  add(iri.service, DCT('license'), licence);
  add(iri.service, DCT('accessRights'), access);
  add(iri.service, DCT('language'), language);
  for (const t of themes) add(iri.service, DCAT('theme'), t);

  // Agents, contact and the classes of the values, which SHACL's sh:class reads from the data itself.
  add(iri.publisher, RDF('type'), FOAF('Agent'));
  add(iri.publisher, RDF('type'), FOAF('Organization'));
  add(iri.publisher, FOAF('name'), literal(d.publisher.name, 'nl'));
  if (d.publisher.url !== undefined) add(iri.publisher, FOAF('homepage'), namedNode(d.publisher.url));
  add(iri.contact, RDF('type'), VCARD('Organization'));
  add(iri.contact, RDF('type'), VCARD('Kind'));
  add(iri.contact, VCARD('fn'), literal(d.contact.name, 'nl'));
  add(iri.contact, VCARD('hasEmail'), namedNode(`mailto:${d.contact.email}`));
  add(licence, RDF('type'), DCT('LicenseDocument'));
  // Values from the EU authority tables, with the table they are in (which the EU vocabulary shapes check).
  add(language, RDF('type'), DCT('LinguisticSystem'));
  add(language, SKOS('inScheme'), table(EU_LANGUAGE));
  add(access, RDF('type'), DCT('RightsStatement'));
  add(access, SKOS('inScheme'), table(EU_ACCESS_RIGHT));
  add(country, RDF('type'), DCT('Location'));
  add(country, SKOS('inScheme'), table(EU_COUNTRY));
  for (const t of THEMES) {
    const concept = EU_DATA_THEME(t.code);
    add(concept, RDF('type'), SKOS('Concept'));
    texts(concept, SKOS('prefLabel'), t.label);
    add(concept, SKOS('inScheme'), themeScheme);
  }
  add(themeScheme, RDF('type'), SKOS('ConceptScheme'));
  texts(themeScheme, DCT('title'), { nl: 'Thema’s van gegevens (EU)', en: 'Data theme' });
  for (const page of [iri.home, iri.void, iri.vocabulary]) add(page, RDF('type'), FOAF('Document'));
  add(iri.endpoint, RDF('type'), RDFS('Resource'));
  add(SPDX('checksumAlgorithm_sha256'), RDF('type'), SPDX('ChecksumAlgorithm'));
  for (const dump of input.dumps) {
    add(IANA_MEDIA_TYPE(dump.mediaType), RDF('type'), DCT('MediaType'));
    if (dump.compressFormat) add(IANA_MEDIA_TYPE(dump.compressFormat), RDF('type'), DCT('MediaType'));
    add(EU_FILE_TYPE(dump.euFileType), RDF('type'), DCT('MediaTypeOrExtent'));
    add(EU_FILE_TYPE(dump.euFileType), SKOS('inScheme'), table(EU_FILE_TYPE));
  }
  add(SPEC.sparqlProtocol, RDF('type'), DCT('Standard'));
  for (const dump of input.dumps) add(namedNode(dump.specification), RDF('type'), DCT('Standard'));
  add(SPEC.schemaOrg, RDF('type'), DCT('Standard'));
  return quads;
}

function year(y: number): string {
  return String(y).padStart(4, '0');
}

/** The facts the catalogue takes from the records: their keywords, and the span of their years. */
export function recordFacts(records: readonly OutlinedRecord[]): {
  keywords: string[];
  years: { start?: number; end?: number };
} {
  const keywords = new Set<string>();
  let start: number | undefined;
  let end: number | undefined;
  for (const r of records) {
    if (r.kind !== 'project') continue;
    const p = r.data;
    for (const k of p.keywords ?? []) keywords.add(k);
    if (p.startYear !== undefined) start = Math.min(start ?? p.startYear, p.startYear);
    const last = p.endYear ?? p.startYear;
    if (last !== undefined) end = Math.max(end ?? last, last);
  }
  const years = { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
  return { keywords: [...keywords].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), years };
}
