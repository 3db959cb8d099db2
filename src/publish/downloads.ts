// The downloads the site lists (home page, dataset page), read from the catalogue's distributions: the build and the
// server, which has only the catalogue, list them from the same statements.
import type { Quad } from '@rdfjs/types';
import { invariant } from '../errors.ts';
import { DCAT, DCT, IANA_MEDIA_TYPE } from '../vocab.ts';
import { catalogIris } from './dcat.ts';
import { DUMP_FORMATS } from './dumps.ts';
import type { Download } from './home-page.ts';

const ORDER: readonly string[] = Object.values(DUMP_FORMATS).map((f) => f.file);

/** One download per distribution of the dataset, in the order of DUMP_FORMATS (other files after, by name). */
export function downloadsOf(base: string, catalog: readonly Quad[]): Download[] {
  const iris = catalogIris(base);
  const about = new Map<string, Quad[]>();
  for (const q of catalog) {
    const list = about.get(q.subject.value);
    if (list) list.push(q);
    else about.set(q.subject.value, [q]);
  }
  const value = (s: string, p: string, language?: string) =>
    (about.get(s) ?? []).find(
      (q) =>
        q.predicate.value === p &&
        (language === undefined || (q.object as { language?: string }).language === language),
    )?.object.value;
  const distributions = (about.get(iris.dataset.value) ?? [])
    .filter((q) => q.predicate.equals(DCAT('distribution')))
    .map((q) => q.object.value);
  const downloads = [...new Set(distributions)].map((d): Download => {
    const url = value(d, DCAT('downloadURL').value);
    const file = url?.startsWith(base) ? url.slice(base.length) : undefined;
    const title = value(d, DCT('title').value, 'nl');
    const mediaType = value(d, DCAT('mediaType').value);
    const bytes = value(d, DCAT('byteSize').value);
    // catalogQuads() states all four for every distribution; a catalogue without them is no catalogue of a build.
    invariant(
      file !== undefined && title !== undefined && mediaType !== undefined && bytes !== undefined,
      () => `the catalogue's distribution <${d}> lacks a download URL under ${base}, a Dutch title, a type or a size`,
    );
    return { file, title, mediaType: mediaType.replace(IANA_MEDIA_TYPE.iri, ''), bytes: Number(bytes) };
  });
  const rank = (file: string) => (ORDER.includes(file) ? ORDER.indexOf(file) : ORDER.length);
  return downloads.sort((a, b) => rank(a.file) - rank(b.file) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
