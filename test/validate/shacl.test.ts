// SHACL validation: the real data conforms, and every result is traced back to the record's file, line and field.
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { readRecords, type SourcedRecord } from '../../src/ingest/read-records.ts';
import { mapRecords, mapRecord } from '../../src/map/map-records.ts';
import { mintIris } from '../../src/map/iri.ts';
import { loadShapes, validateRecords } from '../../src/validate/shacl.ts';
import { DEFAULT_SHAPES_DIR } from '../../src/pipeline.ts';
import { SCHEMA, XSD } from '../../src/vocab.ts';
import { DATA, runCli, workspaceWithRealData } from '../support/project.ts';

const { literal, quad } = DataFactory;
const PROJECT_FILE = 'data/projects/cluster-governance-kks-2015.yaml';

async function lineOf(file: string, prefix: string): Promise<number> {
  const lines = (await readFile(path.join(DATA, '..', file), 'utf8')).split('\n');
  const i = lines.findIndex((l) => l.startsWith(prefix));
  expect(i, `${prefix} in ${file}`).toBeGreaterThanOrEqual(0);
  return i + 1;
}

describe('SHACL validation', () => {
  it('finds no violations and no warnings in the real data', async () => {
    const records = await readRecords(DATA);
    const shapes = await loadShapes(DEFAULT_SHAPES_DIR, records.dataset.data.baseIri);
    const { violations, warnings } = await validateRecords([...mapRecords(records)], shapes);
    expect(violations).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('traces a wrongly typed value to the line and field that produced it', async () => {
    const records = await readRecords(DATA);
    const mapped = [...mapRecords(records)];
    const project = mapped.find((m) => m.source.file.endsWith('cluster-governance-kks-2015.yaml'))!;
    // Simulate a mapping fault: the start year as a plain string instead of xsd:gYear.
    project.quads = project.quads.map((q) =>
      q.predicate.equals(SCHEMA('foundingDate')) ? quad(q.subject, q.predicate, literal('2008', XSD('string'))) : q,
    );
    const shapes = await loadShapes(DEFAULT_SHAPES_DIR, records.dataset.data.baseIri);
    const { violations } = await validateRecords(mapped, shapes);
    expect(violations).toHaveLength(1);
    const [v] = violations;
    expect(v!.location?.file).toBe(
      path.relative(process.cwd(), path.join(DATA, 'projects/cluster-governance-kks-2015.yaml')),
    );
    expect(v!.location?.line).toBe(await lineOf(PROJECT_FILE, 'startYear:'));
    expect(v!.field).toBe('startYear');
    expect(v!.value).toBe('2008');
    expect(v!.message).toContain('the start year is one year, such as 2008');
  });

  it('reports a status outside the list against the status field, even when the schema check is bypassed', async () => {
    const records = await readRecords(DATA);
    const iris = mintIris(records.dataset.data.baseIri);
    const mapped = [...mapRecords(records)].filter((m) => !m.source.file.endsWith('cluster-governance-kks-2015.yaml'));
    const record = records.records.find((r) => r.data.id === 'cluster-governance-kks-2015') as SourcedRecord & {
      kind: 'project';
    };
    // The zod schema would refuse this; SHACL is the second line of defence and must say the same.
    const forged = { ...record, data: { ...record.data, status: 'afgerond' as never } };
    mapped.push(mapRecord(forged, iris));
    const shapes = await loadShapes(DEFAULT_SHAPES_DIR, records.dataset.data.baseIri);
    const { violations } = await validateRecords(mapped, shapes);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.field).toBe('status');
    expect(violations[0]!.location?.line).toBe(await lineOf(PROJECT_FILE, 'status:'));
    // The value as the record gives it: the status code, not the IRI it is mapped to.
    expect(violations[0]!.value).toBe('afgerond');
  });

  it('prints warnings with their location and still builds', async () => {
    const ws = await workspaceWithRealData();
    const file = path.join(ws, PROJECT_FILE);
    const text = await readFile(file, 'utf8');
    // Drop the description block: a project should have one, but it is not required.
    await writeFile(file, text.replace(/^description: >-\n( {2}.*\n)+/m, ''));
    const r = await runCli(['build'], ws);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: data\/projects\/cluster-governance-kks-2015\.yaml:\d+:\d+: description: a project should have a description/m,
    );
    expect(r.stdout).toMatch(/\(1 warning\)\n$/);
  });
});
