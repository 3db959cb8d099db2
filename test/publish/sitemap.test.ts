// sitemap.xml: one file up to the protocol's limit, an index of numbered sitemaps beyond it; addresses escaped.
import { describe, expect, it } from 'vitest';
import { robotsTxt, sitemapFiles } from '../../src/publish/sitemap.ts';

const BASE = 'https://example.org/';

describe('the sitemap', () => {
  it('lists every page with lastmod in one file while they fit', () => {
    const [only, ...rest] = sitemapFiles(BASE, [`${BASE}`, `${BASE}a?b&c`], '2025-11-26', 3);
    expect(rest).toEqual([]);
    expect(only!.name).toBe('sitemap.xml');
    expect(only!.content).toContain('<url><loc>https://example.org/a?b&#38;c</loc><lastmod>2025-11-26</lastmod></url>');
    expect(only!.content.match(/<url>/g)).toHaveLength(2);
  });

  it('becomes an index of numbered sitemaps past the limit, each page listed once', () => {
    const urls = Array.from({ length: 7 }, (_, i) => `${BASE}p/${i}`);
    const files = sitemapFiles(BASE, urls, undefined, 3);
    expect(files.map((f) => f.name)).toEqual(['sitemap.xml', 'sitemap-1.xml', 'sitemap-2.xml', 'sitemap-3.xml']);
    expect(files[0]!.content).toContain('<sitemapindex');
    expect([...files[0]!.content.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])).toEqual(
      files.slice(1).map((f) => BASE + f.name),
    );
    const listed = files.slice(1).flatMap((f) => [...f.content.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]));
    expect(listed).toEqual(urls);
    expect(files.some((f) => f.content.includes('<lastmod>'))).toBe(false);
  });

  it('is named in robots.txt', () => {
    expect(robotsTxt(`${BASE}sitemap.xml`)).toBe(
      'User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n',
    );
  });
});
