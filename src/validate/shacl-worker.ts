// A worker thread of the SHACL step: prepares the shapes once, then validates the batches the pool gives it.
import { serveTasks } from '../workers/task-worker.ts';
import {
  decodeBatch,
  prepareShapes,
  validateBatch,
  type EncodedBatch,
  type PlainResult,
  type ShapesText,
} from './shacl-batch.ts';

await serveTasks<ShapesText, EncodedBatch, PlainResult[]>((shapes) => {
  const prepared = prepareShapes(shapes);
  return { run: (batch) => validateBatch(prepared, decodeBatch(batch)) };
});
