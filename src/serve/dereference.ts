// Linked-data dereferencing: the path of a minted IRI answers, by content negotiation, with its page or its RDF.
import { Writer } from 'n3';
import { iriAt } from '../dataset-iris.ts';
import type { Quad } from '@rdfjs/types';
import { toJsonLd } from '../publish/jsonld.ts';
import { jsonldContext } from '../publish/context.ts';
import { DCAT, prefixes, SD, VOID } from '../vocab.ts';
import { toRdfXml } from './rdfxml.ts';

export const RESOURCE_MEDIA_TYPES = [
  'text/html',
  'text/turtle',
  'application/ld+json',
  'application/n-triples',
  'application/rdf+xml',
] as const;
export type ResourceMediaType = (typeof RESOURCE_MEDIA_TYPES)[number];
export type RdfMediaType = Exclude<ResourceMediaType, 'text/html'>;

/** The extension of each form of a resource: `/project/x.nt` is `/project/x` as N-Triples. */
export const RESOURCE_EXTENSIONS: Record<ResourceMediaType, string> = {
  'text/html': '.html',
  'text/turtle': '.ttl',
  'application/ld+json': '.jsonld',
  'application/n-triples': '.nt',
  'application/rdf+xml': '.rdf',
};

/** The form an extension names, when it names one of a resource's forms. */
export function formOfExtension(ext: string): ResourceMediaType | undefined {
  return RESOURCE_MEDIA_TYPES.find((t) => RESOURCE_EXTENSIONS[t] === ext);
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/**
 * Link header values (RFC 8288) for a resource at `path` ("/project/x"): each other form as `alternate` with its
 * type, the RDF as `describedby` of the page, and the dataset it is part of (VoID §7, void:inDataset).
 */
export function resourceLinks(path: string, served: ResourceMediaType): string[] {
  const p = encodePath(path);
  const links = RESOURCE_MEDIA_TYPES.filter((t) => t !== served).map(
    (t) => `<${p}${RESOURCE_EXTENSIONS[t]}>; rel="alternate"; type="${t}"`,
  );
  if (served === 'text/html') links.push(`<${p}.ttl>; rel="describedby"; type="text/turtle"`);
  if (path !== '/dataset') links.push(`</dataset>; rel="${VOID('inDataset').value}"`);
  return links;
}

/** Links of the home page and the dataset: the VoID description, the catalogue and the SPARQL endpoint. */
export const DATASET_LINKS = [
  '</.well-known/void>; rel="describedby"; type="text/turtle"',
  `</catalog>; rel="${DCAT('catalog').value}"`,
  `</sparql>; rel="${SD('endpoint').value}"`,
];

/** Characters a minted IRI path may hold (RFC 3987 unreserved, sub-delims, ':', '@', '/' and escapes). */
const IRI_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

/** The IRI a request path names under `base`, when it is a path a minted IRI can have. */
export function resourcePathIri(base: string, rawPath: string): string | undefined {
  return IRI_PATH.test(rawPath) ? iriAt(base, rawPath.slice(1)) : undefined;
}

export async function writeRdf(quads: Quad[], mediaType: RdfMediaType, base: string | undefined): Promise<string> {
  if (mediaType === 'application/ld+json') return toJsonLd(quads, base ? jsonldContext(base) : {});
  if (mediaType === 'application/rdf+xml') return toRdfXml(quads, base ? prefixes(base) : {});
  const format = mediaType === 'application/n-triples' ? 'N-Triples' : 'Turtle';
  const writer = new Writer({ format, prefixes: format === 'Turtle' && base ? prefixes(base) : {} });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((e, out: string) => (e ? reject(e) : resolve(out))));
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A plain page for a resource the build wrote no page for: its statements as a table, its JSON-LD embedded. */
export function fallbackHtml(iri: string, quads: Quad[], jsonLd: string, base: string | undefined): string {
  const link = (value: string) => {
    const local = base && value.startsWith(base) ? `/${value.slice(base.length)}` : value;
    return /^https?:\/\//.test(local) || local.startsWith('/')
      ? `<a href="${escapeHtml(local)}">${escapeHtml(value)}</a>`
      : escapeHtml(value);
  };
  const rows = quads
    .map((q) => {
      const o = q.object.termType === 'NamedNode' ? link(q.object.value) : escapeHtml(q.object.value);
      const lang =
        q.object.termType === 'Literal' && q.object.language ? ` <small>@${escapeHtml(q.object.language)}</small>` : '';
      // Fragment IRIs of the resource are shown by their fragment; other subjects (a named graph holds several) in full.
      const subject =
        q.subject.value === iri
          ? ''
          : q.subject.value.startsWith(`${iri}#`)
            ? `${escapeHtml(q.subject.value.slice(iri.length))} `
            : `${link(q.subject.value)} `;
      return `<tr><th scope="row">${subject}${link(q.predicate.value)}</th><td>${o}${lang}</td></tr>`;
    })
    .join('\n');
  const safeJson = jsonLd.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(iri)}</title>
<link rel="canonical" href="${escapeHtml(iri)}">
<script type="application/ld+json">${safeJson}</script>
</head>
<body>
<main>
<h1>${escapeHtml(iri)}</h1>
<table>
${rows}
</table>
</main>
</body>
</html>
`;
}
