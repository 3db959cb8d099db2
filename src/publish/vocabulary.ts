// Our own small vocabulary as RDF: the terms schema.org lacks (background, outcomes, status, Programme) and the project-status list.
import { DataFactory } from 'n3';
import type { NamedNode, Quad } from '@rdfjs/types';
import { datasetIris } from '../dataset-iris.ts';
import { DCT, OWL, RDF, RDFS, SCHEMA, SKOS, ownTerms, ownVocabulary } from '../vocab.ts';

const { literal, quad } = DataFactory;

interface Term {
  iri: NamedNode;
  types: NamedNode[];
  nl: string;
  en: string;
  commentNl: string;
  commentEn: string;
  extra: [NamedNode, NamedNode][];
}

/**
 * Whether statements about `subject` belong in the vocabulary document (def.ttl): the document itself and every
 * term under its namespace, status concepts included. The build and the server both cut the document out by it.
 */
export function inVocabularyDocument(base: string, subject: string): boolean {
  // Asked once per statement of a build: the two IRIs are worked out once per base.
  let cut = vocabularyCuts.get(base);
  if (!cut) {
    cut = { document: datasetIris(base).vocabulary.value, namespace: ownVocabulary(base).iri };
    vocabularyCuts.set(base, cut);
  }
  return subject === cut.document || subject.startsWith(cut.namespace);
}

const vocabularyCuts = new Map<string, { document: string; namespace: string }>();

/**
 * The vocabulary document `<base>def` and its terms. The status concepts themselves come from the
 * mapping (they are in the dump); here the list gets its top concepts and its place in the vocabulary.
 */
export function vocabularyQuads(base: string, statusCodes: readonly string[]): Quad[] {
  const pg = ownVocabulary(base);
  const t = ownTerms(base);
  const iris = datasetIris(base);
  const doc = iris.vocabulary;
  const quads: Quad[] = [];
  const add = (s: NamedNode, p: NamedNode, o: NamedNode | ReturnType<typeof literal>) => quads.push(quad(s, p, o));

  add(doc, RDF('type'), OWL('Ontology'));
  add(doc, RDFS('label'), literal('projectgraph-vocabulaire', 'nl'));
  add(doc, RDFS('label'), literal('projectgraph vocabulary', 'en'));
  add(
    doc,
    RDFS('comment'),
    literal(
      'De termen die projectgraph gebruikt waar schema.org er geen heeft: de aanleiding, de uitkomsten en de status van een project, en de klasse programma.',
      'nl',
    ),
  );
  add(
    doc,
    RDFS('comment'),
    literal(
      'The terms projectgraph uses where schema.org has none: the background, outcomes and status of a project, and the class programme.',
      'en',
    ),
  );
  add(doc, DCT('publisher'), iris.publisher);

  const terms: Term[] = [
    {
      iri: t.background,
      types: [RDF('Property'), OWL('DatatypeProperty')],
      nl: 'aanleiding',
      en: 'background',
      commentNl: 'Waarom het project begon: het probleem of de vraag die eraan voorafging.',
      commentEn: 'Why the project started: the problem or question that came before it.',
      extra: [
        [SCHEMA('domainIncludes'), SCHEMA('ResearchProject')],
        [RDFS('range'), RDF('langString')],
      ],
    },
    {
      iri: t.outcomes,
      types: [RDF('Property'), OWL('DatatypeProperty')],
      nl: 'uitkomsten',
      en: 'outcomes',
      commentNl: 'Wat het project heeft opgeleverd: resultaten, inzichten en aanbevelingen.',
      commentEn: 'What the project delivered: results, insights and recommendations.',
      extra: [
        [SCHEMA('domainIncludes'), SCHEMA('ResearchProject')],
        [RDFS('range'), RDF('langString')],
      ],
    },
    {
      iri: t.status,
      types: [RDF('Property'), OWL('ObjectProperty')],
      nl: 'status',
      en: 'status',
      commentNl: 'In welke fase het project is; een begrip uit de lijst projectstatus.',
      commentEn: 'Which phase the project is in; a concept from the project-status list.',
      extra: [
        [SCHEMA('domainIncludes'), SCHEMA('ResearchProject')],
        [RDFS('range'), SKOS('Concept')],
      ],
    },
    {
      iri: pg('Programme'),
      types: [RDFS('Class'), OWL('Class')],
      nl: 'programma',
      en: 'programme',
      commentNl:
        'Een onderzoeks- of beleidsprogramma waar projecten deel van uitmaken; het kan zelf deel zijn van een groter programma.',
      commentEn:
        'A research or policy programme that projects are part of; it may itself be part of a larger programme.',
      extra: [[RDFS('subClassOf'), SCHEMA('Project')]],
    },
  ];
  for (const term of terms) {
    for (const type of term.types) add(term.iri, RDF('type'), type);
    add(term.iri, RDFS('label'), literal(term.nl, 'nl'));
    add(term.iri, RDFS('label'), literal(term.en, 'en'));
    add(term.iri, RDFS('comment'), literal(term.commentNl, 'nl'));
    add(term.iri, RDFS('comment'), literal(term.commentEn, 'en'));
    add(term.iri, RDFS('isDefinedBy'), doc);
    for (const [p, o] of term.extra) add(term.iri, p, o);
  }

  add(t.statusScheme, RDFS('isDefinedBy'), doc);
  add(t.statusScheme, SKOS('definition'), literal('De fasen waarin een project kan zijn.', 'nl'));
  add(t.statusScheme, SKOS('definition'), literal('The phases a project can be in.', 'en'));
  for (const code of statusCodes) {
    add(t.statusScheme, SKOS('hasTopConcept'), t.statusConcept(code));
    add(t.statusConcept(code), SKOS('topConceptOf'), t.statusScheme);
  }
  return quads;
}
