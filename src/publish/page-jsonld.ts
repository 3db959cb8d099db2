// The schema.org JSON-LD embedded in each page: the resource itself, its WebPage and its BreadcrumbList, in the terms search engines read.
import type { Literal, Term } from '@rdfjs/types';
import {
  DCAT,
  DCT,
  FOAF,
  IANA_MEDIA_TYPE,
  OWL,
  RDF,
  RDFS,
  SCHEMA,
  SCHEMA_ORG_CONTEXT_URL,
  SKOS,
  VCARD,
  VOID,
  XSD,
} from '../vocab.ts';
import type { ResourceIndex } from './resource-index.ts';

/**
 * Values per relation, either way, that a page and its JSON-LD list (a programme's projects, the keyword set's terms,
 * a keyword's projects): a page stays small however many there are; the resource's .ttl and .jsonld hold them all,
 * and the server's paged lists go through them.
 */
export const PAGE_LIST_LIMIT = 200;

export interface Crumb {
  /** The IRI of the resource the crumb stands for (its page is `<iri>#webpage`). */
  iri: string;
  name: string;
}

type Json = Record<string, unknown>;

/**
 * What a resource is in schema.org when the data gives it no schema.org type of its own (our vocabulary,
 * the catalogue): the nearest schema.org class, so its page still says what it shows.
 */
const FALLBACK_TYPES: [string, string][] = [
  [SKOS('Concept').value, 'DefinedTerm'],
  [RDF('Property').value, 'DefinedTerm'],
  [RDFS('Class').value, 'DefinedTerm'],
  [SKOS('ConceptScheme').value, 'DefinedTermSet'],
  [OWL('Ontology').value, 'DefinedTermSet'],
  [DCAT('Catalog').value, 'DataCatalog'],
  [DCAT('Distribution').value, 'DataDownload'],
  [DCAT('DataService').value, 'WebAPI'],
  [VOID('DatasetDescription').value, 'CreativeWork'],
];

/**
 * Statements in other vocabularies that say what a schema.org property says, used when the node lacks
 * the schema.org one. `on` is the schema.org class the target property is valid on ('Thing': any).
 */
const EQUIVALENTS: { from: string; to: string; on: string; value?: (o: Term) => unknown }[] = [
  ...[SKOS('prefLabel'), DCT('title'), FOAF('name'), VCARD('fn'), RDFS('label')].map((p) => ({
    from: p.value,
    to: 'name',
    on: 'Thing',
  })),
  ...[SKOS('definition'), RDFS('comment'), DCT('description')].map((p) => ({
    from: p.value,
    to: 'description',
    on: 'Thing',
  })),
  { from: SKOS('inScheme').value, to: 'inDefinedTermSet', on: 'DefinedTerm' },
  { from: RDFS('isDefinedBy').value, to: 'inDefinedTermSet', on: 'DefinedTerm' },
  { from: SKOS('notation').value, to: 'termCode', on: 'DefinedTerm' },
  { from: SKOS('hasTopConcept').value, to: 'hasDefinedTerm', on: 'DefinedTermSet' },
  { from: DCAT('dataset').value, to: 'dataset', on: 'DataCatalog' },
  { from: DCT('publisher').value, to: 'publisher', on: 'DataCatalog' },
  { from: DCAT('distribution').value, to: 'distribution', on: 'Dataset' },
  { from: DCAT('downloadURL').value, to: 'contentUrl', on: 'DataDownload' },
  // Search engines read a media type as text ("text/turtle"), not as the IANA page DCAT-AP wants.
  {
    from: DCAT('mediaType').value,
    to: 'encodingFormat',
    on: 'DataDownload',
    value: (o) => o.value.replace(IANA_MEDIA_TYPE.iri, ''),
  },
  { from: DCT('creator').value, to: 'creator', on: 'Dataset' },
  { from: DCAT('keyword').value, to: 'keywords', on: 'Dataset' },
  { from: DCAT('endpointURL').value, to: 'url', on: 'WebAPI' },
  { from: DCAT('endpointDescription').value, to: 'documentation', on: 'WebAPI' },
];

/** Builds the JSON-LD object for a page; `name` is the page title, `crumbs` lead from the home page to the resource. */
export function resourcePageJsonLd(
  index: ResourceIndex,
  iri: string,
  name: string,
  crumbs: Crumb[],
  home: string,
): Json {
  const builder = new NodeBuilder(index);
  const node = builder.node(iri, 0);
  const reverse = reverseLinks(index, iri, builder);
  if (Object.keys(reverse).length > 0) node['@reverse'] = reverse;
  return {
    '@context': SCHEMA_ORG_CONTEXT_URL,
    '@graph': [node, webPage(iri, name, home), breadcrumbList(iri, crumbs)],
  };
}

/** The home page: the site, its page and the dataset it presents. */
export function homePageJsonLd(index: ResourceIndex, home: string, name: string, dataset: string): Json {
  return homePageGraph(home, name, new NodeBuilder(index).reference(dataset));
}

/** The home page's JSON-LD with `about` given as a reference made elsewhere (the served home page has no ResourceIndex). */
export function homePageGraph(home: string, name: string, about: Json): Json {
  const page = webPage(home, name, home);
  page.about = about;
  return {
    '@context': SCHEMA_ORG_CONTEXT_URL,
    '@graph': [website(home, name), page, breadcrumbList(home, [{ iri: home, name: 'Home' }])],
  };
}

/** A list page's JSON-LD: a CollectionPage of the site, with its breadcrumb trail. */
export function listPageJsonLd(home: string, siteName: string, address: string, name: string, crumbs: Crumb[]): Json {
  const { mainEntity: _none, ...page } = webPage(address, name, home);
  return {
    '@context': SCHEMA_ORG_CONTEXT_URL,
    '@graph': [website(home, siteName), { ...page, '@type': 'CollectionPage' }, breadcrumbList(address, crumbs)],
  };
}

function website(home: string, name: string): Json {
  return {
    '@id': `${home}#website`,
    '@type': 'WebSite',
    name: { '@value': name, '@language': 'nl' },
    url: { '@id': home },
    inLanguage: 'nl',
  };
}

function webPage(iri: string, name: string, home: string): Json {
  return {
    '@id': `${iri}#webpage`,
    '@type': 'WebPage',
    url: { '@id': iri },
    name: { '@value': name, '@language': 'nl' },
    inLanguage: 'nl',
    isPartOf: { '@id': `${home}#website`, '@type': 'WebSite' },
    ...(iri === home ? {} : { mainEntity: { '@id': iri } }),
    breadcrumb: { '@id': `${iri}#breadcrumb` },
  };
}

function breadcrumbList(iri: string, crumbs: Crumb[]): Json {
  return {
    '@id': `${iri}#breadcrumb`,
    '@type': 'BreadcrumbList',
    itemListElement: crumbs.map((c, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      name: { '@value': c.name, '@language': 'nl' },
      item: { '@id': `${c.iri}#webpage`, '@type': 'WebPage', url: { '@id': c.iri } },
    })),
  };
}

/** Links from other resources to this one, as JSON-LD @reverse, leaving out those the resource states itself the other way. */
function reverseLinks(index: ResourceIndex, iri: string, builder: NodeBuilder): Json {
  const own = index.own(iri);
  const out: Record<string, Json[]> = {};
  for (const q of index.reverse(iri)) {
    if (!q.predicate.value.startsWith(SCHEMA.iri) || q.subject.termType !== 'NamedNode') continue;
    if (own.some((o) => o.object.equals(q.subject) && o.predicate.value.startsWith(SCHEMA.iri))) continue;
    if (q.object.value !== iri) continue;
    const term = q.predicate.value.slice(SCHEMA.iri.length);
    out[term] ??= [];
    const list = out[term];
    // As on the page itself: at most PAGE_LIST_LIMIT per relation; the resource's .jsonld holds them all.
    if (list.length < PAGE_LIST_LIMIT) list.push(builder.reference(q.subject.value));
  }
  return out;
}

class NodeBuilder {
  constructor(private readonly index: ResourceIndex) {}

  /** schema.org local type names of a node: its own schema.org types, or the fallback for its other types. */
  types(iri: string): string[] {
    const all = this.index.types(iri);
    const schema = all
      .filter((t) => t.startsWith(SCHEMA.iri))
      .map((t) => t.slice(SCHEMA.iri.length))
      .sort();
    if (schema.length > 0) return schema;
    const fallback = FALLBACK_TYPES.find(([t]) => all.includes(t));
    return fallback ? [fallback[1]] : [];
  }

  /** A full node: every schema.org statement, plus equivalents from other vocabularies where schema.org ones are missing. */
  node(iri: string, depth: number): Json {
    // A page's resource is at least a Thing, so the WebPage's mainEntity is in range even for a resource of no known class.
    const types = this.types(iri).length > 0 ? this.types(iri) : ['Thing'];
    const node: Json = { '@id': iri };
    if (types.length > 0) node['@type'] = types.length === 1 ? types[0] : types;
    const values = new Map<string, unknown[]>();
    const quads = this.index.about(iri);
    // A node typed only by fallback (our vocabulary's terms) keeps its schema.org statements out: those describe
    // it as an rdf:Property (schema:domainIncludes), which is not what the page's DefinedTerm is.
    const ownSchemaType = this.index.types(iri).some((t) => t.startsWith(SCHEMA.iri));
    for (const q of quads) {
      if (!ownSchemaType || !q.predicate.value.startsWith(SCHEMA.iri)) continue;
      addValue(values, q.predicate.value.slice(SCHEMA.iri.length), this.value(q.object, depth));
    }
    const has = new Set(values.keys());
    for (const e of EQUIVALENTS) {
      if (has.has(e.to) || (e.on !== 'Thing' && !types.includes(e.on))) continue;
      for (const q of quads)
        if (q.predicate.value === e.from)
          addValue(values, e.to, e.value ? e.value(q.object) : this.value(q.object, depth));
    }
    for (const [k, v] of [...values.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
      node[k] = v.length === 1 ? v[0] : v;
    return node;
  }

  /** A link to another node: its id, schema.org type and name, so the page's graph says what it links to. */
  reference(iri: string): Json {
    const ref: Json = { '@id': iri };
    const types = this.types(iri);
    if (types.length > 0) ref['@type'] = types.length === 1 ? types[0] : types;
    const label = this.index.label(iri);
    if (label && types.length > 0) ref.name = literal(label);
    return ref;
  }

  private value(o: Term, depth: number): unknown {
    if (o.termType === 'Literal') return literal(o);
    // A fragment (a distribution in the catalogue) has no page of its own, so it is shown whole, one level deep.
    if (o.termType === 'NamedNode' && o.value.includes('#') && depth < 1 && this.index.about(o.value).length > 0)
      return this.node(o.value, depth + 1);
    return o.termType === 'NamedNode' ? this.reference(o.value) : { '@id': `_:${o.value}` };
  }
}

function addValue(values: Map<string, unknown[]>, key: string, v: unknown): void {
  const list = values.get(key) ?? [];
  if (list.length >= PAGE_LIST_LIMIT) return;
  if (!list.some((x) => JSON.stringify(x) === JSON.stringify(v))) list.push(v);
  values.set(key, list);
}

function literal(l: Literal): unknown {
  if (l.language) return { '@value': l.value, '@language': l.language };
  if (l.datatype.value === XSD('string').value) return l.value;
  return { '@value': l.value, '@type': l.datatype.value };
}
