// The whole build output checked against the official schema.org vocabulary: every property allowed on its subject, every value in range.
import path from 'node:path';
import { DataFactory } from 'n3';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSchemaOrg, loadSchemaOrgVocabulary, type SchemaOrgVocabulary } from '../../src/validate/schemaorg.ts';
import { SCHEMA, XSD } from '../../src/vocab.ts';
import { ROOT, parseTurtleFile, runCli, workspaceWithRealData } from '../support/project.ts';
import type { Quad } from '@rdfjs/types';

const { quad, literal } = DataFactory;
let vocabulary: SchemaOrgVocabulary;
let dump: Quad[];

beforeAll(async () => {
  vocabulary = await loadSchemaOrgVocabulary(
    path.join(ROOT, 'test/conformance/schemaorg/schemaorg-current-http.ttl.gz'),
  );
  const ws = await workspaceWithRealData();
  expect((await runCli(['build'], ws)).code).toBe(0);
  dump = await parseTurtleFile(path.join(ws, 'output/dataset.nt'), 'application/n-triples');
});

describe('the build output against the schema.org vocabulary', () => {
  it('has no domain, range or unknown-term findings', () => {
    expect(dump.filter((q) => q.predicate.value.startsWith(SCHEMA.iri)).length).toBeGreaterThan(80);
    expect(checkSchemaOrg(dump, vocabulary)).toEqual([]);
  });

  it('would catch startDate on a project and a year typed as text', () => {
    const project = dump.find((q) => q.object.equals(SCHEMA('ResearchProject')))!.subject;
    const wrong = [
      ...dump,
      quad(project, SCHEMA('startDate'), literal('2008', XSD('gYear'))),
      quad(project, SCHEMA('foundingDate'), literal('in 2008')),
    ];
    const kinds = checkSchemaOrg(wrong, vocabulary).map((f) => `${f.kind} ${f.predicate ?? ''}`);
    expect(kinds).toEqual(
      expect.arrayContaining([`domain ${SCHEMA('startDate').value}`, `range ${SCHEMA('foundingDate').value}`]),
    );
  });

  it("checks our vocabulary's definitions (in the dump) as schema.org's own: a domain must be a class", () => {
    const term = DataFactory.namedNode('https://projectgraph.example/def/background');
    expect(dump.some((q) => q.subject.equals(term) && q.predicate.equals(SCHEMA('domainIncludes')))).toBe(true);
    const wrong = [
      ...dump,
      quad(term, SCHEMA('domainIncludes'), DataFactory.namedNode('https://projectgraph.example/project/x')),
    ];
    const findings = checkSchemaOrg(wrong, vocabulary);
    expect(findings.map((f) => `${f.kind} ${f.subject} ${f.object ?? ''}`)).toEqual([
      `range ${term.value} https://projectgraph.example/project/x`,
    ]);
  });
});
