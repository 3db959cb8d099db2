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

/** `sitemap.xml`, or, for more pages than one sitemap may hold, `sitemap.xml` as an index of `sitemap-1.xml`, `sitemap-2.xml`, … */
export function sitemapFiles(
  base: string,
  urls: string[],
  date: string | undefined,
  limit = SITEMAP_LIMIT,
): SitemapFile[] {
  const lastmod = date === undefined ? '' : `<lastmod>${date}</lastmod>`;
  const urlset = (list: string[]) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NS}">\n${list.map((u) => `<url><loc>${escapeXml(u)}</loc>${lastmod}</url>\n`).join('')}</urlset>\n`;
  if (urls.length <= limit) return [{ name: DATASET_PATHS.sitemap, content: urlset(urls) }];
  const parts: SitemapFile[] = [];
  for (let i = 0; i < urls.length; i += limit)
    parts.push({ name: `sitemap-${parts.length + 1}.xml`, content: urlset(urls.slice(i, i + limit)) });
  const iris = datasetIris(base);
  const index = `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${SITEMAP_NS}">\n${parts
    .map((p) => `<sitemap><loc>${escapeXml(iris.file(p.name).value)}</loc>${lastmod}</sitemap>\n`)
    .join('')}</sitemapindex>\n`;
  return [{ name: DATASET_PATHS.sitemap, content: index }, ...parts];
}

export function robotsTxt(sitemapUrl: string): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${sitemapUrl}\n`;
}

/** XML text escaping; the HTML escape covers the five characters XML needs too. */
function escapeXml(text: string): string {
  return escapeHtml(text);
}
