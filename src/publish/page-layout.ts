// The frame every page shares: Dutch head with title, description, canonical link and JSON-LD; landmarks header, nav, main and footer.
import { html, scriptJson, type Html } from './html.ts';
import type { SitePaths } from './site-paths.ts';

export interface Site {
  paths: SitePaths;
  /** The base IRI: the home page's address. */
  home: string;
  name: string;
  dataset: string;
  catalog: string;
  vocabulary: string;
  void: string;
  sparql: string;
  licence: string;
  publisherName: string;
}

export interface PageParts {
  title: string;
  description: string;
  /** The page's own address: the IRI it describes, without an extension; none for pages at no address (errors). */
  canonical?: string;
  jsonld: unknown;
  alternates: { type: string; href: string; title: string }[];
  crumbs: { iri: string; name: string }[];
  main: Html;
}

export function layout(site: Site, page: PageParts): string {
  const p = site.paths;
  const title = page.canonical === site.home ? site.name : `${page.title} — ${site.name}`;
  const crumbs = page.crumbs;
  return `<!doctype html>\n${html`<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${page.description}">
${
  page.canonical === undefined
    ? ''
    : html`<link rel="canonical" href="${page.canonical}">
`
}<link rel="stylesheet" href="${p.file('style.css')}">
${page.alternates.map(
  (a) => html`<link rel="alternate" type="${a.type}" href="${a.href}" title="${a.title}">
`,
)}<script type="application/ld+json">
${scriptJson(page.jsonld)}
</script>
</head>
<body>
<a class="skip" href="#inhoud">Naar de inhoud</a>
<header class="site">
<p class="site-name"><a href="${p.href(site.home)}">${site.name}</a></p>
<nav aria-label="Hoofdmenu">
<ul>
<li><a href="${p.href(site.home)}">Home</a></li>
<li><a href="${p.href(site.dataset)}">Dataset</a></li>
<li><a href="${p.href(site.catalog)}">Catalogus</a></li>
<li><a href="${p.href(site.vocabulary)}">Vocabulaire</a></li>
<li><a href="${p.href(site.sparql)}">Bevragen (SPARQL)</a></li>
</ul>
</nav>
</header>
${
  crumbs.length > 1
    ? html`<nav aria-label="Kruimelpad" class="crumbs">
<ol>
${crumbs.map((c, i) => (i === crumbs.length - 1 ? html`<li aria-current="page">${c.name}</li>\n` : html`<li><a href="${p.href(c.iri)}">${c.name}</a></li>\n`))}</ol>
</nav>
`
    : ''
}<main id="inhoud">
${page.main}
</main>
<footer class="site">
<p>${site.name} · uitgegeven door ${site.publisherName} · <a href="${site.licence}">licentie van de gegevens</a> · <a href="${p.href(site.catalog)}">DCAT-catalogus</a> · <a href="${p.href(site.void)}">VoID</a></p>
</footer>
</body>
</html>
`}`;
}
