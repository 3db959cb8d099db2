// Maps a project record to schema.org: a ResearchProject with its keywords, participants, publications and events.
import { DataFactory } from 'n3';
import type { NamedNode } from '@rdfjs/types';
import type { ProjectRecord, Publication } from '../ingest/schema.ts';
import { PROV, RDFS, SCHEMA, SKOS, ownTerms } from '../vocab.ts';
import { type Emitter, fieldNames, SELF, gYear, partialDate } from './emit.ts';
import type { Iris } from './iri.ts';

const { literal, namedNode } = DataFactory;

/** The schema.org type of each publication kind. */
export const PUBLICATION_TYPES: Record<Publication['kind'], string> = {
  report: 'Report',
  'meeting-report': 'Report',
  presentation: 'PresentationDigitalDocument',
  article: 'ScholarlyArticle',
  webpage: 'WebPage',
  publication: 'CreativeWork',
};

export function mapProject(p: ProjectRecord, iris: Iris, out: Emitter): void {
  const pg = ownTerms(iris.base);
  const s = iris.project(p.id);
  out.node(
    s,
    [SCHEMA('ResearchProject')],
    [],
    fieldNames([
      [SELF, ['id']],
      [SCHEMA('name'), ['name']],
      [SCHEMA('alternateName'), ['alternateName']],
      [SCHEMA('parentOrganization'), ['programme']],
      [SCHEMA('keywords'), ['keywords']],
      [SCHEMA('member'), ['participants']],
      [SCHEMA('foundingDate'), ['startYear']],
      [SCHEMA('dissolutionDate'), ['endYear']],
      [pg.status, ['status']],
      [pg.background, ['background']],
      [SCHEMA('description'), ['description']],
      [pg.outcomes, ['outcomes']],
      [SCHEMA('url'), ['url']],
      [SCHEMA('subjectOf'), ['publications']],
      [SCHEMA('knowsAbout'), ['about']],
      [PROV('wasDerivedFrom'), ['source']],
    ]),
  );
  out.text(s, SCHEMA('name'), p.name, ['name']);
  out.text(s, SCHEMA('alternateName'), p.alternateName, ['alternateName']);
  if (p.programme !== undefined) {
    // A Project is an Organization in schema.org, so parentOrganization/subOrganization are the valid links.
    out.add(s, SCHEMA('parentOrganization'), iris.programme(p.programme), ['programme']);
    out.add(iris.programme(p.programme), SCHEMA('subOrganization'), s, ['programme']);
  }
  p.keywords?.forEach((label, i) => {
    const k = iris.keyword(label);
    out.add(s, SCHEMA('keywords'), k, ['keywords', i]);
    out.node(k, [SCHEMA('DefinedTerm'), SKOS('Concept')], ['keywords', i]);
    out.add(k, SCHEMA('name'), literal(label, 'nl'), ['keywords', i]);
    out.add(k, SKOS('prefLabel'), literal(label, 'nl'), ['keywords', i]);
    out.add(k, SCHEMA('inDefinedTermSet'), iris.keywordSet, ['keywords', i]);
    out.add(k, SKOS('inScheme'), iris.keywordSet, ['keywords', i]);
    out.add(iris.keywordSet, SCHEMA('hasDefinedTerm'), k, ['keywords', i]);
  });
  p.participants?.forEach((id, i) => {
    out.add(s, SCHEMA('member'), iris.organisation(id), ['participants', i]);
  });
  // Organization has no startDate/endDate; foundingDate and dissolutionDate are its valid date properties.
  if (p.startYear !== undefined) out.add(s, SCHEMA('foundingDate'), gYear(p.startYear), ['startYear']);
  if (p.endYear !== undefined) out.add(s, SCHEMA('dissolutionDate'), gYear(p.endYear), ['endYear']);
  out.add(s, pg.status, pg.statusConcept(p.status), ['status']);
  out.text(s, pg.background, p.background, ['background']);
  out.text(s, SCHEMA('description'), p.description, ['description']);
  out.text(s, pg.outcomes, p.outcomes, ['outcomes']);
  if (p.url !== undefined) out.add(s, SCHEMA('url'), namedNode(p.url), ['url']);
  p.publications?.forEach((pub, i) => {
    mapPublication(pub, s, iris, out, ['publications', i]);
  });
  p.about?.forEach((a, i) => {
    const field = ['about', i];
    const subject = iris.subject(a.id);
    out.add(s, SCHEMA('knowsAbout'), subject, field);
    out.node(
      subject,
      [SCHEMA('Organization')],
      field,
      fieldNames([
        [SCHEMA('name'), [...field, 'name']],
        [SCHEMA('location'), [...field, 'location']],
      ]),
    );
    out.text(subject, SCHEMA('name'), a.name, [...field, 'name']);
    if (a.location !== undefined) {
      out.add(subject, SCHEMA('location'), place(a.location, iris, out, [...field, 'location']), [
        ...field,
        'location',
      ]);
    }
  });
  if (p.source !== undefined) {
    const src = iris.source(s);
    out.add(s, PROV('wasDerivedFrom'), src, ['source']);
    out.node(
      src,
      [PROV('Entity')],
      ['source'],
      fieldNames([
        [RDFS('label'), ['source', 'title']],
        [RDFS('seeAlso'), ['source', 'url']],
      ]),
    );
    out.add(src, RDFS('label'), literal(p.source.title, 'nl'), ['source', 'title']);
    if (p.source.url !== undefined) out.add(src, RDFS('seeAlso'), namedNode(p.source.url), ['source', 'url']);
  }
}

function mapPublication(
  pub: Publication,
  project: NamedNode,
  iris: Iris,
  out: Emitter,
  field: (string | number)[],
): void {
  const s = iris.publication(pub.id);
  out.node(
    s,
    [SCHEMA(PUBLICATION_TYPES[pub.kind])],
    field,
    fieldNames([
      [SCHEMA('name'), [...field, 'title']],
      [SCHEMA('url'), [...field, 'url']],
    ]),
  );
  out.text(s, SCHEMA('name'), pub.title, [...field, 'title']);
  out.add(s, SCHEMA('about'), project, field);
  out.add(project, SCHEMA('subjectOf'), s, field);
  if (pub.url !== undefined) out.add(s, SCHEMA('url'), namedNode(pub.url), [...field, 'url']);
  if (pub.event === undefined) return;
  const ef = [...field, 'event'];
  const e = iris.event(pub.id);
  out.node(
    e,
    [SCHEMA('Event')],
    ef,
    fieldNames([
      [SCHEMA('name'), [...ef, 'name']],
      [SCHEMA('location'), [...ef, 'place']],
      [SCHEMA('startDate'), [...ef, 'date']],
    ]),
  );
  out.text(e, SCHEMA('name'), pub.event.name, [...ef, 'name']);
  out.add(e, SCHEMA('location'), place(pub.event.place, iris, out, [...ef, 'place']), [...ef, 'place']);
  out.add(e, SCHEMA('startDate'), partialDate(pub.event.date), [...ef, 'date']);
  // A meeting report is about the meeting; other works (a presentation) were featured at it.
  if (pub.kind === 'meeting-report') out.add(s, SCHEMA('about'), e, ef);
  else out.add(e, SCHEMA('workFeatured'), s, ef);
}

function place(name: string, iris: Iris, out: Emitter, field: (string | number)[]): NamedNode {
  const p = iris.place(name);
  out.node(p, [SCHEMA('Place')], field);
  out.add(p, SCHEMA('name'), literal(name, 'nl'), field);
  return p;
}
