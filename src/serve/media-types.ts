// The media types the endpoint writes query results in, by result kind; the first of each list is the default.
export const RESULT_MEDIA_TYPES = {
  bindings: [
    'application/sparql-results+json',
    'application/sparql-results+xml',
    'text/csv',
    'text/tab-separated-values',
  ],
  quads: ['text/turtle', 'application/n-triples', 'application/ld+json', 'application/rdf+xml'],
} as const;

export type ResultKind = keyof typeof RESULT_MEDIA_TYPES;

/**
 * Other names clients ask by, and the result type each gets: plain JSON and XML mean the SPARQL results formats for
 * tables and JSON-LD for graphs (SPARQLWrapper, YASGUI and curl users ask so); N3 readers read Turtle, a subset of N3.
 * Listed after the types themselves, so an Accept that names both gets the proper name.
 */
export const RESULT_MEDIA_ALIASES: Record<ResultKind, Record<string, string>> = {
  bindings: {
    'application/json': 'application/sparql-results+json',
    'application/xml': 'application/sparql-results+xml',
    'text/xml': 'application/sparql-results+xml',
  },
  quads: {
    'application/json': 'application/ld+json',
    'application/x-turtle': 'text/turtle',
    'application/turtle': 'text/turtle',
    'text/n3': 'text/turtle',
    'text/rdf+n3': 'text/turtle',
    'application/n3': 'text/turtle',
    'application/xml': 'application/rdf+xml',
    'text/xml': 'application/rdf+xml',
  },
};
