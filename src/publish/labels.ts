// Dutch interface words for pages: names of properties (both directions), of classes and of the sections of the site.
import { DATASET_PATHS } from '../dataset-iris.ts';
import {
  ADMS,
  DCAT,
  DCT,
  FOAF,
  OWL,
  PROV,
  RDF,
  RDFS,
  SCHEMA,
  SKOS,
  SPDX,
  VCARD,
  VOID,
  ownVocabulary,
} from '../vocab.ts';
import type { NamedNode } from '@rdfjs/types';

interface PropertyWords {
  /** What the value is to the subject ("Betrokken partijen"). */
  forward: string;
  /** What the subject is to the value, for the value's page ("Betrokken bij"). */
  reverse: string;
}

type Entry = [NamedNode, string, string];

const tables = new Map<string, Map<string, PropertyWords>>();

/** The table for a base IRI, made once: pages ask for it for every group of statements. */
function table(base: string): Map<string, PropertyWords> {
  let t = tables.get(base);
  if (!t) {
    t = makeTable(base);
    tables.set(base, t);
  }
  return t;
}

function makeTable(base: string): Map<string, PropertyWords> {
  const pg = ownVocabulary(base);
  const entries: Entry[] = [
    [RDF('type'), 'Soort', 'Voorbeelden van deze soort'],
    [SCHEMA('name'), 'Naam', 'Naam van'],
    [SCHEMA('alternateName'), 'Andere naam', 'Andere naam van'],
    [SCHEMA('description'), 'Toelichting', 'Toelichting bij'],
    [pg('background'), 'Aanleiding', 'Aanleiding van'],
    [pg('outcomes'), 'Uitkomsten', 'Uitkomsten van'],
    [pg('status'), 'Status', 'Projecten met deze status'],
    [SCHEMA('parentOrganization'), 'Onderdeel van', 'Omvat'],
    [SCHEMA('subOrganization'), 'Omvat', 'Onderdeel van'],
    [SCHEMA('member'), 'Betrokken partijen', 'Betrokken bij'],
    [SCHEMA('keywords'), 'Kernwoorden', 'Projecten met dit kernwoord'],
    [SCHEMA('foundingDate'), 'Startjaar', 'Startjaar van'],
    [SCHEMA('dissolutionDate'), 'Eindjaar', 'Eindjaar van'],
    [SCHEMA('subjectOf'), 'Publicaties', 'Gaat over'],
    [SCHEMA('about'), 'Gaat over', 'Publicaties hierover'],
    [SCHEMA('knowsAbout'), 'Onderzocht', 'Onderzocht in'],
    [SCHEMA('location'), 'Plaats', 'Plaats van'],
    [SCHEMA('startDate'), 'Datum', 'Datum van'],
    [SCHEMA('workFeatured'), 'Gepresenteerd', 'Gepresenteerd op'],
    [SCHEMA('url'), 'Website', 'Website van'],
    [SCHEMA('license'), 'Licentie', 'Licentie van'],
    [SCHEMA('publisher'), 'Uitgever', 'Uitgever van'],
    [SCHEMA('hasPart'), 'Bevat', 'Deel van'],
    [SCHEMA('isPartOf'), 'Deel van', 'Bevat'],
    [SCHEMA('hasDefinedTerm'), 'Termen', 'Term in'],
    [SCHEMA('inDefinedTermSet'), 'Term in', 'Termen'],
    [SKOS('prefLabel'), 'Voorkeursterm', 'Voorkeursterm van'],
    [SKOS('notation'), 'Code', 'Code van'],
    [SKOS('inScheme'), 'In begrippenlijst', 'Begrippen'],
    [SKOS('hasTopConcept'), 'Begrippen', 'In begrippenlijst'],
    [SKOS('topConceptOf'), 'In begrippenlijst', 'Begrippen'],
    [SKOS('definition'), 'Definitie', 'Definitie van'],
    [RDFS('label'), 'Label', 'Label van'],
    [RDFS('comment'), 'Uitleg', 'Uitleg bij'],
    [RDFS('seeAlso'), 'Zie ook', 'Genoemd bij'],
    [RDFS('range'), 'Bereik', 'Bereik van'],
    [RDFS('subClassOf'), 'Subklasse van', 'Subklassen'],
    [RDFS('isDefinedBy'), 'Gedefinieerd in', 'Definieert'],
    [SCHEMA('domainIncludes'), 'Gebruikt bij', 'Eigenschappen'],
    [PROV('wasDerivedFrom'), 'Afgeleid van', 'Bron van'],
    [PROV('wasInfluencedBy'), 'Beïnvloed door', 'Bron van'],
    [PROV('hadPrimarySource'), 'Oorspronkelijke bron', 'Oorspronkelijke bron van'],
    [DCT('title'), 'Titel', 'Titel van'],
    [DCT('description'), 'Beschrijving', 'Beschrijving van'],
    [DCT('publisher'), 'Uitgever', 'Uitgever van'],
    [DCT('creator'), 'Maker', 'Maker van'],
    [DCT('license'), 'Licentie', 'Licentie van'],
    [DCT('issued'), 'Uitgegeven', 'Uitgegeven'],
    [DCT('modified'), 'Gewijzigd', 'Gewijzigd'],
    [DCT('language'), 'Taal', 'Taal van'],
    [DCT('identifier'), 'Identificatie', 'Identificatie van'],
    [DCT('accessRights'), 'Toegang', 'Toegang van'],
    [DCT('temporal'), 'Periode', 'Periode van'],
    [DCT('format'), 'Bestandsformaat', 'Formaat van'],
    [DCT('conformsTo'), 'Volgt standaard', 'Standaard van'],
    [DCT('rights'), 'Rechten', 'Rechten van'],
    [DCT('spatial'), 'Gebied', 'Gebied van'],
    [DCAT('dataset'), 'Datasets', 'In catalogus'],
    [DCAT('service'), 'Diensten', 'In catalogus'],
    [DCAT('distribution'), 'Downloads', 'Download van'],
    [DCAT('keyword'), 'Trefwoorden', 'Trefwoord van'],
    [DCAT('theme'), 'Thema', 'Thema van'],
    [DCAT('themeTaxonomy'), 'Themalijst', 'Themalijst van'],
    [DCAT('contactPoint'), 'Contact', 'Contact voor'],
    [DCAT('landingPage'), 'Webpagina', 'Webpagina van'],
    [DCAT('downloadURL'), 'Downloadadres', 'Downloadadres van'],
    [DCAT('accessURL'), 'Toegangsadres', 'Toegangsadres van'],
    [DCAT('mediaType'), 'Mediatype', 'Mediatype van'],
    [DCAT('compressFormat'), 'Compressie', 'Compressie van'],
    [DCAT('byteSize'), 'Grootte (bytes)', 'Grootte van'],
    [DCAT('endpointURL'), 'Eindpunt', 'Eindpunt van'],
    [DCAT('endpointDescription'), 'Beschrijving van het eindpunt', 'Beschrijving van'],
    [DCAT('servesDataset'), 'Levert dataset', 'Geleverd door'],
    [DCAT('accessService'), 'Te bevragen via', 'Geeft toegang tot'],
    [DCAT('startDate'), 'Begin', 'Begin van'],
    [DCAT('endDate'), 'Einde', 'Einde van'],
    [FOAF('name'), 'Naam', 'Naam van'],
    [FOAF('homepage'), 'Website', 'Website van'],
    [FOAF('primaryTopic'), 'Beschrijft', 'Beschreven in'],
    [FOAF('page'), 'Meer informatie', 'Informatie over'],
    [SPDX('checksum'), 'Controlegetal', 'Controlegetal van'],
    [SPDX('checksumValue'), 'Waarde', 'Waarde van'],
    [SPDX('algorithm'), 'Algoritme', 'Algoritme van'],
    [VCARD('fn'), 'Naam', 'Naam van'],
    [VCARD('hasEmail'), 'E-mail', 'E-mail van'],
    [ADMS('status'), 'Status', 'Status van'],
    [VOID('triples'), 'Aantal triples', 'Aantal triples van'],
    [VOID('entities'), 'Aantal entiteiten', 'Aantal entiteiten van'],
    [VOID('distinctSubjects'), 'Verschillende subjecten', 'Verschillende subjecten van'],
    [VOID('distinctObjects'), 'Verschillende objecten', 'Verschillende objecten van'],
    [VOID('classes'), 'Aantal klassen', 'Aantal klassen van'],
    [VOID('properties'), 'Aantal eigenschappen', 'Aantal eigenschappen van'],
    [VOID('sparqlEndpoint'), 'SPARQL-eindpunt', 'SPARQL-eindpunt van'],
    [VOID('dataDump'), 'Download', 'Download van'],
    [VOID('uriSpace'), 'IRI-ruimte', 'IRI-ruimte van'],
    [VOID('exampleResource'), 'Voorbeeld', 'Voorbeeld in'],
    [VOID('vocabulary'), 'Gebruikte vocabulaires', 'Gebruikt in'],
    [VOID('classPartition'), 'Per klasse', 'Deel van'],
    [VOID('propertyPartition'), 'Per eigenschap', 'Deel van'],
    [VOID('class'), 'Klasse', 'Klasse van'],
    [VOID('property'), 'Eigenschap', 'Eigenschap van'],
  ];
  return new Map(entries.map(([p, forward, reverse]) => [p.value, { forward, reverse }]));
}

/**
 * Property words for one base IRI (our own vocabulary lives under it). A property the table lacks shows its local
 * name; a test holds every property of the build and of the benchmark's records to having Dutch words here.
 */
export function propertyWords(base: string): (iri: string) => PropertyWords {
  const words = table(base);
  return (iri) => words.get(iri) ?? { forward: localName(iri), reverse: `${localName(iri)} (omgekeerd)` };
}

/** Whether the table has Dutch words for a property. */
export function hasPropertyWords(base: string, iri: string): boolean {
  return table(base).has(iri);
}

/** The order properties appear in on a page: the table's order first, then the rest by name. */
export function propertyOrder(base: string): (iri: string) => number {
  const order = new Map([...table(base).keys()].map((k, i) => [k, i]));
  return (iri) => order.get(iri) ?? order.size;
}

/** Dutch names of classes, most specific first: a resource with several known classes is named by the first. */
const classTables = new Map<string, [string, string][]>();

function classTable(base: string): [string, string][] {
  let t = classTables.get(base);
  if (!t) {
    t = makeClassTable(base);
    classTables.set(base, t);
  }
  return t;
}

function makeClassTable(base: string): [string, string][] {
  const pg = ownVocabulary(base);
  return [
    [pg('Programme').value, 'Programma'],
    [SCHEMA('ResearchProject').value, 'Onderzoeksproject'],
    [SCHEMA('Project').value, 'Project'],
    [SCHEMA('GovernmentOrganization').value, 'Overheidsorganisatie'],
    [SCHEMA('CollegeOrUniversity').value, 'Universiteit of hogeschool'],
    [SCHEMA('ResearchOrganization').value, 'Onderzoeksorganisatie'],
    [SCHEMA('Corporation').value, 'Bedrijf'],
    [SCHEMA('Organization').value, 'Organisatie'],
    [SCHEMA('DefinedTerm').value, 'Kernwoord'],
    [SCHEMA('DefinedTermSet').value, 'Verzameling kernwoorden'],
    [SCHEMA('Report').value, 'Rapport'],
    [SCHEMA('PresentationDigitalDocument').value, 'Presentatie'],
    [SCHEMA('ScholarlyArticle').value, 'Artikel'],
    [SCHEMA('WebPage').value, 'Webpagina'],
    [SCHEMA('CreativeWork').value, 'Publicatie'],
    [SCHEMA('Event').value, 'Bijeenkomst'],
    [SCHEMA('Place').value, 'Plaats'],
    [SCHEMA('Dataset').value, 'Dataset'],
    [DCAT('Catalog').value, 'Catalogus'],
    [DCAT('DataService').value, 'Dataservice'],
    [DCAT('Distribution').value, 'Download'],
    [VOID('DatasetDescription').value, 'Beschrijving van de dataset (VoID)'],
    [OWL('Ontology').value, 'Vocabulaire'],
    [RDFS('Class').value, 'Klasse'],
    [RDF('Property').value, 'Eigenschap'],
    [SKOS('ConceptScheme').value, 'Begrippenlijst'],
    [SKOS('Concept').value, 'Begrip'],
    [FOAF('Agent').value, 'Uitgever'],
    [PROV('Entity').value, 'Bron'],
    [VCARD('Organization').value, 'Contact'],
    [VCARD('Kind').value, 'Contact'],
    [DCT('PeriodOfTime').value, 'Periode'],
    [SPDX('Checksum').value, 'Controlegetal'],
    [VOID('Dataset').value, 'Dataset'],
  ];
}

/** The Dutch name of a class, where we have one. */
export function classWords(base: string): (iri: string) => string | undefined {
  const words = new Map(classTable(base));
  return (iri) => words.get(iri);
}

/** The rank of a class in that list (lower is more specific); unknown classes come last. */
export function classRank(base: string): (iri: string) => number {
  const rank = new Map(classTable(base).map(([iri], i) => [iri, i]));
  return (iri) => rank.get(iri) ?? rank.size;
}

/** Sections of the home page, by the first segment of a resource's path; `one` names one resource of it. */
export const SECTIONS: { segment: string; title: string; one: string; anchor: string }[] = [
  { segment: 'programme', title: "Programma's", one: 'Programma', anchor: 'programmas' },
  { segment: 'project', title: 'Projecten', one: 'Project', anchor: 'projecten' },
  { segment: 'organisation', title: 'Organisaties', one: 'Organisatie', anchor: 'organisaties' },
  { segment: 'keyword', title: 'Kernwoorden', one: 'Kernwoord', anchor: 'kernwoorden' },
  { segment: 'publication', title: 'Publicaties', one: 'Publicatie', anchor: 'publicaties' },
  { segment: 'event', title: 'Bijeenkomsten', one: 'Bijeenkomst', anchor: 'bijeenkomsten' },
  { segment: 'place', title: 'Plaatsen', one: 'Plaats', anchor: 'plaatsen' },
  { segment: 'subject', title: 'Onderzochte onderwerpen', one: 'Onderwerp', anchor: 'onderwerpen' },
  { segment: DATASET_PATHS.vocabulary, title: 'Vocabulaire', one: 'Term', anchor: 'vocabulaire' },
];

export function localName(iri: string): string {
  return iri.replace(/^.*[#/]/, '') || iri;
}
