// Golden test: the complete mapped graph of the real Cluster Governance record, compared with the expected Turtle as graphs.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isomorphic } from 'rdf-isomorphic';
import { readRecords } from '../../src/ingest/read-records.ts';
import { mapRecord } from '../../src/map/map-records.ts';
import { mintIris } from '../../src/map/iri.ts';
import { DATA, ROOT, parseTurtleFile } from '../support/project.ts';
import { Writer } from 'n3';
import type { Quad } from '@rdfjs/types';

function difference(a: Quad[], b: Quad[]): string[] {
  const w = new Writer({ format: 'N-Triples' });
  const inB = new Set(b.map((q) => w.quadToString(q.subject, q.predicate, q.object)));
  return a.map((q) => w.quadToString(q.subject, q.predicate, q.object)).filter((l) => !inB.has(l));
}

describe('mapping the Cluster Governance record', () => {
  it('gives exactly the expected graph', async () => {
    const records = await readRecords(DATA);
    const record = records.records.find((r) => r.kind === 'project' && r.data.id === 'cluster-governance-kks-2015');
    expect(record).toBeDefined();
    const mapped = mapRecord(record!, mintIris(records.dataset.data.baseIri));
    const expected = await parseTurtleFile(path.join(ROOT, 'test/fixtures/golden/cluster-governance-kks-2015.ttl'));
    // Show what differs before the verdict, so a failure says which statements are missing or extra.
    expect(difference(expected, mapped.quads), 'expected but not mapped').toEqual([]);
    expect(difference(mapped.quads, expected), 'mapped but not expected').toEqual([]);
    expect(isomorphic(mapped.quads, expected)).toBe(true);
  });

  it('is pure: mapping twice gives the same statements in the same order', async () => {
    const records = await readRecords(DATA);
    const iris = mintIris(records.dataset.data.baseIri);
    for (const r of records.records) {
      const a = mapRecord(r, iris).quads;
      const b = mapRecord(r, iris).quads;
      expect(a.length).toBe(b.length);
      a.forEach((q, i) => {
        expect(q.equals(b[i]!)).toBe(true);
      });
    }
  });
});
