// sitemap.xml (every page at its absolute address, with lastmod when the build has a date) and robots.txt that points to it.
import { SITEMAP_NS } from '../vocab.ts';
import { escapeHtml } from './html.ts';

/** A sitemap file may list at most 50,000 addresses; past that it would need an index, which this dataset's size does not reach yet. */
export const SITEMAP_LIMIT = 50_000;

export function sitemapXml(urls: string[], date: string | undefined): string {
  if (urls.length > SITEMAP_LIMIT) throw new Error(`${urls.length} pages exceed the ${SITEMAP_LIMIT} a sitemap may list; a sitemap index is needed`);
  const lastmod = date === undefined ? '' : `<lastmod>${date}</lastmod>`;
  const entries = urls.map((u) => `<url><loc>${escapeXml(u)}</loc>${lastmod}</url>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NS}">\n${entries}</urlset>\n`;
}

export function robotsTxt(sitemapUrl: string): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${sitemapUrl}\n`;
}

/** XML text escaping; the HTML escape covers the five characters XML needs too. */
function escapeXml(text: string): string {
  return escapeHtml(text);
}
