// Error answers: a page in the site's layout for browsers, the plain message for every other client.
import type { IncomingMessage } from 'node:http';
import { chooseMediaType } from './negotiate.ts';
import { datasetIris } from '../dataset-iris.ts';
import { html } from '../publish/html.ts';
import { layout, type Site } from '../publish/page-layout.ts';
import { siteFor } from '../publish/site.ts';
import { SCHEMA } from '../vocab.ts';

/** Plain text first: a client that states no preference (curl, SPARQL libraries) gets the message as it is. */
const OFFERS = ['text/plain', 'text/html'] as const;

/** What each status means to a reader of the site, in the site's language. */
const TITLES: Record<number, [string, string]> = {
  400: ['Ongeldig verzoek', 'De server kon dit verzoek niet verwerken.'],
  404: [
    'Niet gevonden',
    'Op dit adres staat niets in deze dataset. Misschien is de link verouderd of verkeerd overgenomen.',
  ],
  405: ['Methode niet toegestaan', 'Dit adres kan alleen gelezen worden.'],
  406: ['Niet in dit formaat beschikbaar', 'Dit adres is niet beschikbaar in een formaat dat uw programma vraagt.'],
  408: ['Verzoek te traag', 'Het verzoek kwam niet op tijd binnen.'],
  413: ['Verzoek te groot', 'Het verzoek is groter dan deze server aanneemt.'],
  415: ['Onbekend formaat', 'Het verzoek is in een formaat dat deze server niet leest.'],
  416: ['Bereik niet beschikbaar', 'Het gevraagde deel van het bestand bestaat niet.'],
  429: ['Te veel verzoeken', 'Er lopen al te veel zoekvragen van uw adres. Probeer het zo dadelijk opnieuw.'],
  500: ['Interne fout', 'Er ging iets mis in de server. De fout is vastgelegd.'],
  503: [
    'Tijdelijk niet beschikbaar',
    'De server is nu te druk of de zoekvraag duurde te lang. Probeer het zo dadelijk opnieuw.',
  ],
};

export interface ErrorBody {
  body: string;
  mediaType: 'text/plain' | 'text/html';
}

/** The error's body for this client: HTML when its Accept prefers it (browsers do), else the message as plain text. */
export function errorBody(req: IncomingMessage, status: number, message: string, site: Site | undefined): ErrorBody {
  const chosen = chooseMediaType(req, OFFERS) ?? 'text/plain';
  if (chosen !== 'text/html') return { body: `${message}\n`, mediaType: 'text/plain' };
  return { body: errorPage(status, message, site), mediaType: 'text/html' };
}

/** Where a reader can go from an error: home, or the query page. */
function ways(site: Site) {
  const p = site.paths;
  const home = html`<a href="${p.href(site.home)}">Naar de startpagina</a>`;
  return html`<p>${home} · <a href="${p.href(site.sparql)}">Zoeken met SPARQL</a></p>\n`;
}

export function errorPage(status: number, message: string, site: Site | undefined): string {
  const [title, explanation] = TITLES[status] ?? [status >= 500 ? 'Serverfout' : 'Fout in het verzoek', ''];
  const main = html`<article class="error">
<h1>${title}</h1>
<p class="kind">HTTP ${status}</p>
${explanation ? html`<p>${explanation}</p>\n` : ''}<p>Melding van de server: <code>${message}</code></p>
${site ? ways(site) : ''}</article>`;
  if (!site) {
    return `<!doctype html>\n${html`<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
</head>
<body>
<main id="inhoud">
${main}
</main>
</body>
</html>
`}`;
  }
  return layout(site, {
    title,
    description: explanation || title,
    jsonld: { '@context': { '@vocab': SCHEMA.iri }, '@type': 'WebPage', name: title },
    alternates: [],
    crumbs: [{ iri: site.home, name: 'Home' }],
    main,
  });
}

/**
 * The site's name, licence and publisher, asked of the store once at start, so error pages carry the same header
 * and footer as the published pages. Undefined when the store does not describe the dataset (a plain page then).
 */
/** What siteForErrors needs of the query pool: one query answered (a structural type, so no module cycle). */
interface Querying {
  run(request: {
    query: string;
    baseIri: string;
    mediaTypes: { bindings: string };
    maxRows: number;
  }): Promise<{ body: Buffer }>;
}

export async function siteForErrors(pool: Querying, base: string): Promise<Site | undefined> {
  const dataset = `<${datasetIris(base).dataset.value}>`;
  const query = `PREFIX schema: <${SCHEMA.iri}>
SELECT ?name ?licence ?publisherName WHERE {
  ${dataset} schema:name ?name . FILTER(LANG(?name) = "nl" || LANG(?name) = "")
  OPTIONAL { ${dataset} schema:license ?licence }
  OPTIONAL { ${dataset} schema:publisher/schema:name ?publisherName }
} ORDER BY DESC(LANG(?name)) LIMIT 1`;
  try {
    const answer = await pool.run({
      query,
      baseIri: base,
      mediaTypes: { bindings: 'application/sparql-results+json' },
      maxRows: 1,
    });
    type Row = Record<string, { value: string } | undefined>;
    const body = JSON.parse(String(answer.body)) as { results: { bindings: Row[] } };
    const row = body.results.bindings[0];
    if (!row?.name) return undefined;
    const licence = row.licence?.value ?? base;
    return siteFor(base, { name: row.name.value, licence, publisherName: row.publisherName?.value ?? '' });
  } catch {
    // The site still answers; its error pages are then plain ones.
    return undefined;
  }
}
