// The dump files as the catalogue describes them: file, format, media types and specification (size and SHA-256 come from writing them).
import { SPEC } from '../vocab.ts';
import type { DumpFile } from './dcat.ts';

type Format = Omit<DumpFile, 'bytes' | 'sha256'>;

export const DUMP_FORMATS = {
  nTriples: {
    file: 'dataset.nt',
    format: 'n-triples',
    title: { nl: 'Volledige dataset als N-Triples', en: 'Full dataset as N-Triples' },
    mediaType: 'application/n-triples',
    euFileType: 'RDF_N_TRIPLES',
    specification: SPEC.nTriples.value,
  },
  turtle: {
    file: 'dataset.ttl',
    format: 'turtle',
    title: { nl: 'Volledige dataset als Turtle', en: 'Full dataset as Turtle' },
    mediaType: 'text/turtle',
    euFileType: 'RDF_TURTLE',
    specification: SPEC.turtle.value,
  },
  jsonLd: {
    file: 'dataset.jsonld',
    format: 'json-ld',
    title: { nl: 'Volledige dataset als JSON-LD', en: 'Full dataset as JSON-LD' },
    mediaType: 'application/ld+json',
    euFileType: 'JSON_LD',
    specification: SPEC.jsonLd.value,
  },
  // The same statements with one named graph per record (named-graphs.ts), for stores that keep them apart.
  nQuads: {
    file: 'dataset.nq',
    format: 'n-quads',
    title: {
      nl: 'Volledige dataset als N-Quads, een benoemde graaf per record',
      en: 'Full dataset as N-Quads, one named graph per record',
    },
    mediaType: 'application/n-quads',
    euFileType: 'RDF_N_QUADS',
    specification: SPEC.nQuads.value,
  },
  trig: {
    file: 'dataset.trig',
    format: 'trig',
    title: {
      nl: 'Volledige dataset als TriG, een benoemde graaf per record',
      en: 'Full dataset as TriG, one named graph per record',
    },
    mediaType: 'application/trig',
    euFileType: 'RDF_TRIG',
    specification: SPEC.trig.value,
  },
} as const satisfies Record<string, Format>;

/** The gzip copy of a dump, which the catalogue lists as a distribution of its own. */
export function gzipped(format: Format): Format & { compressFormat: string } {
  return {
    ...format,
    file: `${format.file}.gz`,
    format: `${format.format}-gzip`,
    title: { nl: `${format.title.nl}, gecomprimeerd (gzip)`, en: `${format.title.en}, compressed (gzip)` },
    compressFormat: 'application/gzip',
  };
}
