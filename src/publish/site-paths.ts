// Where each IRI's files live in output/ and how pages link to each other, so a plain static server answers every IRI path.
/**
 * The layout: a resource `<base><path>` has `output/<path>.html`, `.ttl` and `.jsonld`; the base IRI itself
 * is `output/index.html`. A fragment IRI (`…#source`) belongs to the page of the IRI before the `#`.
 * A path that is also a folder (`keyword` beside `keyword/clusters`) gets `<path>/index.html` too, because
 * servers that see the folder first (http-server) redirect `/keyword` to `/keyword/`.
 */
export class SitePaths {
  /** The path part of the base IRI ("/" or "/sub/"): links are written from it, so every page links alike. */
  readonly root: string;

  constructor(readonly base: string) {
    this.root = new URL(base).pathname;
  }

  /** The path of an IRI under the base, without its fragment; undefined for IRIs elsewhere. "" is the base itself. */
  local(iri: string): string | undefined {
    if (!iri.startsWith(this.base)) return undefined;
    const rest = iri.slice(this.base.length);
    const hash = rest.indexOf('#');
    return hash === -1 ? rest : rest.slice(0, hash);
  }

  /** The IRI of the document an IRI belongs to (the IRI without its fragment). */
  document(iri: string): string {
    const hash = iri.indexOf('#');
    return hash === -1 ? iri : iri.slice(0, hash);
  }

  /** The output file of a page, relative to output/. */
  pageFile(local: string): string {
    return local === '' ? 'index.html' : `${local}.html`;
  }

  /** A link to an IRI under the base, as a path from the site's root, fragment kept; external IRIs stay as they are. */
  href(iri: string): string {
    if (!iri.startsWith(this.base)) return iri;
    return this.root + iri.slice(this.base.length);
  }

  /** A link to a file in output/ ("style.css", "dataset.ttl"). */
  file(name: string): string {
    return this.root + name;
  }
}
