// The files of the site that the build itself still writes once it writes no pages: the stylesheet the pages link,
// the sitemap (an index of sitemaps past 50,000 pages) and robots.txt; the server serves them from the build.
import { readFileSync } from 'node:fs';
import { datasetIris, iriAt } from '../dataset-iris.ts';
import { SERVICES } from '../publish/site.ts';
import { robotsTxt, sitemapFiles, type SitemapFile } from '../publish/sitemap.ts';

const STYLESHEET = readFileSync(new URL('../publish/style.css', import.meta.url), 'utf8');

/**
 * The IRIs with a page of their own, sorted, from the subjects of the published statements (the dump's, the
 * catalogue's, VoID's), in any order and with repeats: the document of each subject under the base (the IRI without
 * its fragment), but the home page and the services the server answers itself — the resources of
 * serve/resource-render.ts and of the export.
 */
export function pageIris(base: string, subjects: Iterable<string>): string[] {
  const excluded = new Set<string>([base, ...SERVICES.map((s) => iriAt(base, s))]);
  const documents = new Set<string>();
  for (const s of subjects) {
    if (!s.startsWith(base)) continue;
    const hash = s.indexOf('#');
    const d = hash === -1 ? s : s.slice(0, hash);
    if (!excluded.has(d)) documents.add(d);
  }
  return [...documents].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** style.css, the sitemap files of the home page and `pages` (pageIris), and robots.txt, in the order to write them. */
export function* buildSiteFiles(
  base: string,
  pages: Iterable<string>,
  date: string | undefined,
): Generator<SitemapFile> {
  yield { name: 'style.css', content: STYLESHEET };
  function* addresses() {
    yield base;
    yield* pages;
  }
  yield* sitemapFiles(base, addresses(), date);
  yield { name: 'robots.txt', content: robotsTxt(datasetIris(base).sitemap.value) };
}
