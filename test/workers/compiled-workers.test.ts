// The compiled pool in dist/ (what the CLI runs, compiled by `npm test` first) starts the compiled SHACL worker
// without tsx and gets the results that validating the same batches on this thread gives.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writer } from 'n3';
import type { Quad } from '@rdfjs/types';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { injectErrors } from '../../bench/inject-errors.ts';
import { readRecords } from '../../src/ingest/read-records.ts';
import { mapRecords } from '../../src/map/map-records.ts';
import { DEFAULT_SHAPES_DIR } from '../../src/pipeline.ts';
import { loadShapes } from '../../src/validate/shacl.ts';
import { batchTransfer, cutBatches, encodeBatch, prepareShapes, validateHere } from '../../src/validate/shacl-batch.ts';
import type { EncodedBatch, PlainResult, ShapesText } from '../../src/validate/shacl-batch.ts';

const DIST = new URL('../../dist/', import.meta.url);
const nTriples = (quads: Iterable<Quad>) => new Writer({ format: 'N-Triples' }).quadsToString([...quads]);

describe('compiled workers', () => {
  it('the pool in dist/ runs the compiled SHACL worker, with the results of this thread', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-compiled-workers-')), 'data');
    await generate(dir, 40, 11);
    const records = await readRecords(dir);
    const mapped = injectErrors([...mapRecords(records)], 5).mapped;
    const bundle = await loadShapes(DEFAULT_SHAPES_DIR, records.dataset.data.baseIri);
    const shapes: ShapesText = { shapes: nTriples(bundle.shapes), axioms: nTriples(bundle.axioms) };
    const here = await validateHere(cutBatches(mapped, 10), prepareShapes(shapes));
    expect(here.length).toBeGreaterThan(0);

    // Typed as the sources it is compiled from.
    type Pool = typeof import('../../src/workers/pool.ts');
    const { WorkerPool } = (await import(new URL('workers/pool.js', DIST).href)) as Pool;
    const pool = await WorkerPool.start<ShapesText, EncodedBatch, PlainResult[]>({
      module: new URL('validate/shacl-worker.ts', DIST),
      name: 'SHACL worker',
      workers: 2,
      workerData: shapes,
    });
    try {
      const batches = (function* () {
        for (const cut of cutBatches(mapped, 10)) yield encodeBatch(cut.batch);
      })();
      expect((await pool.runEach(batches, { transfer: batchTransfer })).flat()).toEqual(here);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
