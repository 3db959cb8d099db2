// The query page: YASGUI from its npm package, served from this server (no CDN), opened with our example queries.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ExampleQuery } from './example-queries.ts';

const require = createRequire(import.meta.url);

/** Where the YASGUI build files live; served under ASSET_PREFIX. */
export const YASGUI_DIR = path.dirname(require.resolve('@triply/yasgui/build/yasgui.min.js'));
export const ASSET_PREFIX = '/_assets/';
/** The files the page needs, by URL path → [file, media type]. */
export const QUERY_PAGE_ASSETS: Record<string, [string, string]> = {
  [`${ASSET_PREFIX}yasgui.min.js`]: [path.join(YASGUI_DIR, 'yasgui.min.js'), 'text/javascript'],
  [`${ASSET_PREFIX}yasgui.min.css`]: [path.join(YASGUI_DIR, 'yasgui.min.css'), 'text/css'],
};

/**
 * The page keeps to its own origin: scripts and styles from here, requests only to here. YASGUI's prefix.cc
 * and LOV autocompleters are switched off below; this policy makes sure nothing else slips out either.
 */
export const QUERY_PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The prefixes YASGUI offers while typing, from this server instead of prefix.cc. */
export const PREFIXES_PATH = `${ASSET_PREFIX}prefixes.json`;

/** Runs in the browser: starts YASGUI on this endpoint with one tab per example query. */
export const QUERY_PAGE_SCRIPT = `// Starts YASGUI on this server's endpoint, with one tab per example query.
(function () {
  var examples = JSON.parse(document.getElementById('examples').textContent);
  var endpoint = new URL('/sparql', window.location.href).href;
  var yasgui = new Yasgui(document.getElementById('yasgui'), {
    requestConfig: { endpoint: endpoint, method: 'POST' },
    copyEndpointOnNewTab: true,
    autoAddOnInit: false,
    persistenceId: null,
    // A share link carries its query in the URL's fragment; it opens in a tab of its own and runs, always against
    // this endpoint (the page may reach no other).
    populateFromUrl: function (tab) { tab.requestConfig = Object.assign({}, tab.requestConfig, { endpoint: endpoint }); return tab; },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: {
      autocompleters: ['variables', 'prefixes'],
      prefixCcApi: new URL('/_assets/prefixes.json', window.location.href).href,
      persistenceId: null,
      showQueryButton: true
    }
  });
  var fromLink = Object.keys(yasgui._tabs || {}).length > 0;
  examples.forEach(function (example, i) {
    yasgui.addTab(i === 0 && !fromLink, { name: example.name, yasqe: { value: example.query }, requestConfig: { endpoint: endpoint } });
  });
  window.projectgraphYasgui = yasgui;
})();
`;

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** JSON that is safe inside a <script> element: no "<" can close it or open a comment. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

export function queryPageHtml(examples: ExampleQuery[], limits: { timeoutSeconds: number; maxRows: number }): string {
  return `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SPARQL-zoekpagina — projectgraph</title>
<link rel="stylesheet" href="${ASSET_PREFIX}yasgui.min.css">
<link rel="alternate" type="text/turtle" href="/sparql" title="Service description">
<style>body{font-family:system-ui,sans-serif;margin:0 auto;max-width:80rem;padding:1rem}header p{color:#444}</style>
</head>
<body>
<header>
<h1>SPARQL-zoekpagina</h1>
<p>Stel vragen aan de projecten, programma's en organisaties van projectgraph. De tabbladen bevatten voorbeeldvragen.
Dit eindpunt is alleen-lezen; een vraag mag ${escapeHtml(String(limits.timeoutSeconds))} seconden duren en geeft hoogstens ${escapeHtml(String(limits.maxRows))} rijen.</p>
<nav><a href="/">Home</a> · <a href="/dataset.ttl">Turtle-dump</a> · <a href="/dataset.nt">N-Triples-dump</a> · <a href="/dataset.jsonld">JSON-LD-dump</a></nav>
</header>
<main><div id="yasgui"></div></main>
<script type="application/json" id="examples">${scriptJson(examples)}</script>
<script src="${ASSET_PREFIX}yasgui.min.js"></script>
<script src="${ASSET_PREFIX}query-page.js"></script>
</body>
</html>
`;
}
