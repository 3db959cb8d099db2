// Writes dataset.jsonld: the graph compacted with our shipped context, which is embedded so no reader needs the network.
import jsonld from 'jsonld';
import type { Quad } from '@rdfjs/types';

/** jsonld.js must never fetch: every context it sees is given inline. */
const noNetwork = async (url: string): Promise<never> => {
  throw new Error(`refusing to load a remote JSON-LD document: ${url}`);
};

export async function toJsonLd(quads: Quad[], context: Record<string, unknown>): Promise<string> {
  // jsonld.js reads RDF/JS quads directly; its typings only know its own dataset shape.
  const expanded = await jsonld.fromRDF(quads as never, { useNativeTypes: false });
  const compacted = await jsonld.compact(expanded, context as jsonld.ContextDefinition, {
    documentLoader: noNetwork as never,
    compactArrays: true,
  });
  return `${JSON.stringify(compacted, null, 2)}\n`;
}
