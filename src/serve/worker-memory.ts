// The default heap limit of a query worker: room for queries, pages and the list index beside its store.
import { totalmem } from 'node:os';

const MB = 1024 * 1024;
/** Room for evaluating queries and rendering pages, at least. */
const QUERY_ROOM_MB = 512;
/**
 * Heap per byte of dataset.nq for what a worker keeps in JavaScript beside the store (the list index, labels), and
 * what a large answer holds while it is written. The store itself lives in WebAssembly memory, outside this limit.
 */
const HEAP_PER_DUMP_BYTE = 0.25;

/**
 * Old-generation limit for each worker, in MB: room for queries plus what grows with the data, capped at an equal
 * share of half the machine's memory (the other half is for the stores' WebAssembly memory), never below 256 MB.
 */
export function defaultWorkerMemoryMb(dumpBytes: number, workers: number, machineBytes = totalmem()): number {
  const wanted = QUERY_ROOM_MB + (dumpBytes * HEAP_PER_DUMP_BYTE) / MB;
  const share = (machineBytes * 0.5) / MB / Math.max(1, workers);
  return Math.ceil(Math.max(256, Math.min(wanted, share)));
}
