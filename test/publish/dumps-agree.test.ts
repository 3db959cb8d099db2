// Every dump holds everything any dump holds: the named graphs of dataset.nq/.trig together are the triple dumps' graph.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.ts';
import { build } from '../../src/pipeline.ts';
import { DATA, EPOCH } from './support.ts';
import { expectDumpsAgree } from '../support/dumps.ts';

const BASE = 'https://projectgraph.example/';

async function built(data: string): Promise<string> {
  const out = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-dumps-')), 'output');
  await build({ dataDir: data, outDir: out, sourceDateEpoch: EPOCH });
  return out;
}

describe('the five dumps', () => {
  it('hold the same statements for the real data, our vocabulary included', async () => {
    const nt = await expectDumpsAgree(await built(DATA));
    // The definitions of our own terms are data like the records: queryable wherever the dump is loaded.
    const defined = (iri: string) =>
      nt.some((q) => q.subject.value === iri && q.predicate.value.endsWith('#isDefinedBy'));
    for (const term of ['background', 'outcomes', 'status', 'Programme'])
      expect(defined(`${BASE}def/${term}`), term).toBe(true);
    expect(
      nt.some((q) => q.subject.value === `${BASE}def` && q.object.value === 'http://www.w3.org/2002/07/owl#Ontology'),
    ).toBe(true);
  }, 60_000);

  it('hold the same statements for 120 generated records', async () => {
    const data = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-dumps-data-')), 'data');
    await generate(data, 120, 5);
    const nt = await expectDumpsAgree(await built(data));
    expect(nt.some((q) => q.subject.value === `${BASE}def/background`)).toBe(true);
  }, 120_000);
});
