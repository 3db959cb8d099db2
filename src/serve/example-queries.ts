// The example queries the query page opens with: each answers a real question about the published projects.
import { SCHEMA, SKOS, ownVocabulary } from '../vocab.ts';

export interface ExampleQuery {
  name: string;
  query: string;
}

/** The examples for a dataset minted under `base`; prefixes are written out so each query runs as it stands. */
export function exampleQueries(base: string): ExampleQuery[] {
  const prologue = `PREFIX schema: <${SCHEMA.iri}>
PREFIX skos: <${SKOS.iri}>
PREFIX pg: <${ownVocabulary(base).iri}>
`;
  return [
    {
      name: 'Organisaties per programma',
      query: `${prologue}
# Which organisations took part in which programme (directly or through a sub-programme), and in how many projects.
SELECT ?programme ?organisation (COUNT(DISTINCT ?project) AS ?projects)
WHERE {
  ?project a schema:ResearchProject ;
           schema:parentOrganization+ ?p ;
           schema:member ?o .
  ?p a pg:Programme ; schema:name ?programme .
  ?o schema:name ?organisation .
}
GROUP BY ?programme ?organisation
ORDER BY ?programme DESC(?projects) ?organisation
`,
    },
    {
      name: 'Projecten per kernwoord',
      query: `${prologue}
# How many projects carry each keyword, with their names.
SELECT ?keyword (COUNT(DISTINCT ?project) AS ?projects) (GROUP_CONCAT(DISTINCT ?name; separator=" | ") AS ?names)
WHERE {
  ?project a schema:ResearchProject ;
           schema:keywords ?k ;
           schema:name ?name .
  ?k schema:name ?keyword .
}
GROUP BY ?keyword
ORDER BY DESC(?projects) ?keyword
`,
    },
    {
      name: 'Samenwerkende organisaties',
      query: `${prologue}
# Pairs of organisations that worked together on a project, most frequent pairs first.
SELECT ?organisation ?partner (COUNT(DISTINCT ?project) AS ?projectsTogether)
WHERE {
  ?project schema:member ?a, ?b .
  FILTER (STR(?a) < STR(?b))
  ?a schema:name ?organisation .
  ?b schema:name ?partner .
}
GROUP BY ?organisation ?partner
ORDER BY DESC(?projectsTogether) ?organisation ?partner
`,
    },
    {
      name: 'Projecten per jaar en status',
      query: `${prologue}
# Projects by start year and status.
SELECT ?startYear ?status (COUNT(DISTINCT ?project) AS ?projects)
WHERE {
  ?project a schema:ResearchProject ;
           schema:foundingDate ?start ;
           pg:status ?s .
  ?s skos:prefLabel ?status .
  FILTER (LANG(?status) = "nl")
  BIND (STR(?start) AS ?startYear)
}
GROUP BY ?startYear ?status
ORDER BY ?startYear ?status
`,
    },
  ];
}
