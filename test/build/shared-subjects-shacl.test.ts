// The build's SHACL (records in parts, the subjects several records describe validated apart and cut by subject)
// against rdf-validate-shacl over the whole graph, with shapes that give results on those shared subjects.
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { flowRecords } from '../../src/build/record-flow.ts';
import { STATUSES } from '../../src/ingest/schema.ts';
import { readRecords } from '../../src/ingest/read-records.ts';
import { mapRecords } from '../../src/map/map-records.ts';
import { withProvenance } from '../../src/map/provenance.ts';
import { DEFAULT_SHAPES_DIR } from '../../src/pipeline.ts';
import { vocabularyQuads } from '../../src/publish/vocabulary.ts';
import { loadShapes, validateWholeGraph } from '../../src/validate/shacl.ts';

/** Shapes on keywords and places, which many records describe: a warning for each, located in a record. */
const SHARED_SHAPES = `@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <http://schema.org/> .
<shapes#SharedTerm> a sh:NodeShape ;
  sh:targetClass schema:DefinedTerm , schema:Place ;
  sh:property [ sh:path schema:description ; sh:minCount 1 ; sh:severity sh:Warning ] ;
  sh:property [ sh:path schema:name ; sh:maxLength 12 ; sh:severity sh:Warning ] .
`;

describe('SHACL of the build', () => {
  it('gives what rdf-validate-shacl over the whole graph gives, results on shared subjects included', {
    timeout: 300_000,
  }, async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-shared-shacl-'));
    const data = path.join(ws, 'data');
    await generate(data, 160, 5);
    const shapesDir = path.join(ws, 'shapes');
    await cp(DEFAULT_SHAPES_DIR, shapesDir, { recursive: true });
    await writeFile(path.join(shapesDir, 'shared.ttl'), SHARED_SHAPES);

    const flowed = await flowRecords({
      dataDir: data,
      shapes: (base) => loadShapes(shapesDir, base),
      definitions: (base) => vocabularyQuads(base, STATUSES),
      partRecords: 40,
      workers: 0,
    });
    flowed.spill.close();

    const records = await readRecords(data);
    const base = records.dataset.data.baseIri;
    const mapped = [...mapRecords(records)].map((m) =>
      withProvenance(m, path.relative(data, path.resolve(m.source.file)).split(path.sep).join('/'), base),
    );
    const reference = await validateWholeGraph(mapped, await loadShapes(shapesDir, base));

    // Shared subjects do carry results here, in more than one of the pool's parts.
    const focus = new Set(reference.warnings.map((w) => w.message));
    expect(reference.warnings.length).toBeGreaterThan(20);
    expect(focus.size).toBeGreaterThan(1);
    expect(flowed.warnings).toEqual(reference.warnings);
    expect(flowed.violations).toEqual(reference.violations);
  });
});
