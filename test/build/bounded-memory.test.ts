// The build's memory is bounded by its part size, not by the graph: four times the records fit in the same heap.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { ROOT } from '../support/project.ts';

const run = promisify(execFile);
/** A heap in which the whole-graph build of the larger set ran out of memory, and the streaming one does not. */
const HEAP_MB = 80;
const N = 120;

/** Builds `data` in a process of its own under the heap limit, with SHACL parts of 50 records. */
async function buildUnderLimit(data: string, out: string): Promise<number> {
  const script = `
    const { build } = await import(${JSON.stringify(path.join(ROOT, 'dist/pipeline.js'))});
    const s = await build({ dataDir: ${JSON.stringify(data)}, outDir: ${JSON.stringify(out)}, partRecords: 50,
      sourceDateEpoch: '1764115200' });
    process.stdout.write(String(s.triples));`;
  const { stdout } = await run(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, '--input-type=module', '-e', script],
    {
      maxBuffer: 1 << 20,
    },
  );
  return Number(stdout);
}

describe('the build under a small fixed heap', () => {
  it(`builds ${N} and ${4 * N} projects in the same ${HEAP_MB} MB heap`, async () => {
    const ws = await mkdtemp(path.join(tmpdir(), 'projectgraph-memory-'));
    const small = path.join(ws, 'small');
    const large = path.join(ws, 'large');
    await generate(small, N, 8);
    await generate(large, 4 * N, 8);
    const a = await buildUnderLimit(small, path.join(ws, 'out-small'));
    const b = await buildUnderLimit(large, path.join(ws, 'out-large'));
    // The larger build is a real one: about four times the statements, all in its dump.
    expect(b / a).toBeGreaterThan(3);
    const lines = (await readFile(path.join(ws, 'out-large', 'dataset.nt'), 'utf8')).trimEnd().split('\n');
    expect(lines.length).toBe(b);
  }, 240_000);
});
