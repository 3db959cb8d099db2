// Worker thread of the SHACL step: validates the batches it is sent (see shacl-batch.mjs) and answers with plain results.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareShapes, validateBatch } from './shacl-batch.mjs';

const prepared = prepareShapes(workerData.shapes, workerData.axioms);

parentPort.on('message', async ({ ids, focus }) => {
  try {
    parentPort.postMessage({ results: await validateBatch(prepared, ids, focus) });
  } catch (e) {
    parentPort.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
