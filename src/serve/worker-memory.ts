// The default heap limit of a query worker: room for its copy of the store plus room for queries, within the machine's memory.
import { totalmem } from 'node:os';

const MB = 1024 * 1024;
/** Heap a worker needs per byte of the data file once loaded (measured about 6.5 for N-Triples; Turtle is terser). */
const HEAP_PER_BYTE = { lines: 8, turtle: 16 } as const;
/** Room for evaluating queries beyond the store itself, at least. */
const QUERY_ROOM_MB = 512;

/**
 * Old-generation limit for each worker, in MB: the store's estimated heap plus half of it again (at least 512 MB)
 * for queries, capped at an equal share of 80 % of the machine's memory, but never below the store plus 256 MB —
 * a worker that cannot even hold the store would fail to start.
 */
export function defaultWorkerMemoryMb(
  dataFile: string,
  dataFileBytes: number,
  workers: number,
  machineBytes = totalmem(),
): number {
  const perByte = /\.(ttl|trig)$/i.test(dataFile) ? HEAP_PER_BYTE.turtle : HEAP_PER_BYTE.lines;
  const storeMb = (dataFileBytes * perByte) / MB;
  const wanted = storeMb + Math.max(QUERY_ROOM_MB, storeMb / 2);
  const share = (machineBytes * 0.8) / MB / Math.max(1, workers);
  return Math.ceil(Math.max(storeMb + 256, Math.min(wanted, share)));
}
