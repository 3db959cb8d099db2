// The media types the endpoint writes query results in, by result kind; the first of each list is the default.
export const RESULT_MEDIA_TYPES = {
  bindings: [
    'application/sparql-results+json',
    'application/sparql-results+xml',
    'text/csv',
    'text/tab-separated-values',
  ],
  quads: ['text/turtle', 'application/n-triples', 'application/ld+json'],
} as const;

export type ResultKind = keyof typeof RESULT_MEDIA_TYPES;
