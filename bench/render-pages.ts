// Times rendering resource pages from the embedded store (src/serve/resource-render.ts) over a build's output:
// `npx tsx bench/render-pages.ts <output dir> [renders]`. Prints the set-up time and the mean per render per form.
import { readSiteDocuments } from '../src/publish/site-documents.ts';
import { createRenderer } from '../src/serve/resource-render.ts';
import { RESOURCE_MEDIA_TYPES } from '../src/serve/dereference.ts';
import { EmbeddedStore } from '../src/store/embedded.ts';
import { datasetIris } from '../src/dataset-iris.ts';
import { rng } from './generate.ts';

const [outDir, count = '1000'] = process.argv.slice(2);
if (!outDir) throw new Error('usage: npx tsx bench/render-pages.ts <output dir> [renders]');
const renders = Number(count);

let start = performance.now();
const store = await EmbeddedStore.load(outDir);
const loaded = performance.now() - start;
const base = (await store.graphs())[0]?.name.replace(/graph\/.*$/, '') ?? '';
start = performance.now();
const renderer = await createRenderer(store, base, await readSiteDocuments(outDir));
const created = performance.now() - start;
console.log(`store loaded in ${loaded.toFixed(0)} ms; renderer made in ${created.toFixed(0)} ms`);
console.log(`${renderer.resources.size} resources`);

// The dataset's forms are its dumps (or, as RDF/XML, the whole store): no page a visitor asks for a thousand times.
const dataset = datasetIris(base).dataset.value;
const resources = [...renderer.resources].filter((r) => r !== dataset);
const random = rng(7);
const sample = Array.from({ length: renders }, () => resources[Math.floor(random() * resources.length)] as string);
for (const type of RESOURCE_MEDIA_TYPES) {
  for (const iri of sample.slice(0, 20)) await renderer.render(iri, type);
  start = performance.now();
  let bytes = 0;
  for (const iri of sample) {
    const r = await renderer.render(iri, type);
    if (r?.kind === 'body') bytes += r.body.length;
  }
  const ms = performance.now() - start;
  console.log(
    `${type}: ${renders} renders in ${ms.toFixed(0)} ms, ${(ms / renders).toFixed(2)} ms each, ` +
      `${(bytes / renders / 1024).toFixed(1)} kB on average`,
  );
}
