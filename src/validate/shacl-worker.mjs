// Worker thread of the SHACL step: validates the batches it is sent (see shacl-batch.mjs) and answers with plain results.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareShapes, validateBatch } from './shacl-batch.mjs';

const prepared = prepareShapes(workerData.shapes, workerData.axioms);

parentPort.on('message', async (batch) => {
  try {
    parentPort.postMessage({ results: await validateBatch(prepared, batch) });
  } catch (e) {
    parentPort.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
