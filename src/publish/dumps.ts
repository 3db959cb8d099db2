// The dump files as the catalogue describes them: format, media type, EU file type, and the size and SHA-256 of the exact bytes written.
import { createHash } from 'node:crypto';
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
} as const satisfies Record<string, Format>;

/** A dump's catalogue entry for the content that is written to its file. */
export function describeDump(format: Format, content: string): DumpFile {
  const buffer = Buffer.from(content, 'utf8');
  return { ...format, bytes: buffer.length, sha256: createHash('sha256').update(buffer).digest('hex') };
}
