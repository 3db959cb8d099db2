// sitemap.xml (every page at its absolute address, with lastmod when the build has a date) and robots.txt that points to it.
import { DATASET_PATHS, datasetIris } from '../dataset-iris.ts';
import { SITEMAP_NS } from '../vocab.ts';
import { escapeHtml } from './html.ts';

/** A sitemap file may list at most 50,000 addresses; past that, sitemap.xml becomes an index of numbered sitemaps. */
export const SITEMAP_LIMIT = 50_000;

export interface SitemapFile {
  name: string;
  content: string;
}

/**
 * `sitemap.xml`, or, for more pages than one sitemap may hold, the numbered sitemaps `sitemap-1.xml`,
 * `sitemap-2.xml`, … followed by `sitemap.xml` as their index. The addresses are read once, as they come, and at most
 * `limit` of them are held: each numbered sitemap is handed out as soon as it is full and the next address is known.
 */
export function* sitemapFiles(
  base: string,
  urls: Iterable<string>,
  date: string | undefined,
  limit = SITEMAP_LIMIT,
): Generator<SitemapFile> {
  const lastmod = date === undefined ? '' : `<lastmod>${date}</lastmod>`;
  const urlset = (list: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NS}">\n${list.map((u) => `<url><loc>${escapeXml(u)}</loc>${lastmod}</url>\n`).join('')}</urlset>\n`;
  const parts: string[] = [];
  let pending: string[] = [];
  for (const url of urls) {
    if (pending.length === limit) {
      const name = `sitemap-${parts.length + 1}.xml`;
      parts.push(name);
      yield { name, content: urlset(pending) };
      pending = [];
    }
    pending.push(url);
  }
  if (parts.length === 0) {
    yield { name: DATASET_PATHS.sitemap, content: urlset(pending) };
    return;
  }
  const last = `sitemap-${parts.length + 1}.xml`;
  parts.push(last);
  yield { name: last, content: urlset(pending) };
  const iris = datasetIris(base);
  yield {
    name: DATASET_PATHS.sitemap,
    content: `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${SITEMAP_NS}">\n${parts
      .map((p) => `<sitemap><loc>${escapeXml(iris.file(p).value)}</loc>${lastmod}</sitemap>\n`)
      .join('')}</sitemapindex>\n`,
  };
}

export function robotsTxt(sitemapUrl: string): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${sitemapUrl}\n`;
}

/** XML text escaping; the HTML escape covers the five characters XML needs too. */
function escapeXml(text: string): string {
  return escapeHtml(text);
}
