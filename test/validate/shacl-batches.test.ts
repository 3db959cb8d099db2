// SHACL in batches (in worker threads and on this thread) finds exactly what whole-graph validation finds, on data with injected errors.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../src/ingest/read-records.ts';
import { mapRecords, type MappedRecord } from '../../src/map/map-records.ts';
import {
  loadShapes,
  validateRecords,
  validateWholeGraph,
  type ShapesBundle,
  type ValidationOutcome,
} from '../../src/validate/shacl.ts';
import { DEFAULT_SHAPES_DIR } from '../../src/pipeline.ts';
import { generate } from '../../bench/generate.ts';
import { injectErrors } from '../../bench/inject-errors.ts';

let mapped: MappedRecord[];
let shapes: ShapesBundle;
let whole: ValidationOutcome;

beforeAll(async () => {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-shacl-')), 'data');
  await generate(dir, 150, 11);
  const records = await readRecords(dir);
  // Every 10th record gets a fault, so each kind of fault appears several times in 150 projects.
  mapped = injectErrors([...mapRecords(records)], 10).mapped;
  shapes = await loadShapes(DEFAULT_SHAPES_DIR, records.dataset.data.baseIri);
  whole = await validateWholeGraph(mapped, shapes);
});

describe('SHACL in batches', () => {
  it('the injected faults are found by whole-graph validation', () => {
    const messages = whole.violations.map((v) => v.message).join('\n');
    expect(whole.violations.length).toBeGreaterThanOrEqual(15);
    expect(messages).toMatch(/needs one name in Dutch, and at most one in each other language/);
    expect(messages).toMatch(/start year is one year/);
    expect(messages).toMatch(/each participant is the id of an organisation record/);
    expect(messages).toMatch(/status is one of/);
    // A keyword shared by many records got a second Dutch name: only a view across records sees it.
    expect(
      whole.violations.some((v) => /^keywords\[\d+\]$/.test(v.field ?? '') && /name in Dutch/.test(v.message)),
    ).toBe(true);
  });

  /** Progress as validateRecords tells it: statements done only grow, and end at the total, every statement counted once. */
  const expectProgress = (seen: [number, number][]) => {
    const total = mapped.reduce((n, m) => n + m.quads.length, 0);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every(([, t]) => t === total)).toBe(true);
    expect(seen.map(([d]) => d)).toEqual([...seen.map(([d]) => d)].sort((a, b) => a - b));
    expect(seen.at(-1)![0]).toBe(total);
  };

  it('on this thread, in small batches, gives the same located problems', async () => {
    const seen: [number, number][] = [];
    expect(
      await validateRecords(mapped, shapes, { workers: 0, batchRecords: 7, onProgress: (d, t) => seen.push([d, t]) }),
    ).toEqual(whole);
    expectProgress(seen);
  });

  it('in two worker threads gives the same located problems', async () => {
    const seen: [number, number][] = [];
    expect(
      await validateRecords(mapped, shapes, { workers: 2, batchRecords: 40, onProgress: (d, t) => seen.push([d, t]) }),
    ).toEqual(whole);
    expectProgress(seen);
  });
});
