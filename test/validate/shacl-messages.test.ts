// SHACL results in the editor's words: every shape, violated, names the record's file, line and YAML field, with no RDF terms.
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { DataFactory, Parser } from 'n3';
import { z } from 'zod';
import type { Quad } from '@rdfjs/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, type Problem } from '../../src/errors.ts';
import { check, DEFAULT_SHAPES_DIR, type Checked } from '../../src/pipeline.ts';
import { datasetRecord, RECORD_KINDS } from '../../src/ingest/schema.ts';
import { loadShapes, validateRecords, type ShapesBundle } from '../../src/validate/shacl.ts';
import type { MappedRecord } from '../../src/map/map-records.ts';
import { RDF, RDFS, SH, XSD } from '../../src/vocab.ts';
import { DATA, runCli, workspaceWithRealData } from '../support/project.ts';

const { literal, namedNode, quad } = DataFactory;
const PROJECT = 'data/projects/cluster-governance-kks-2015.yaml';

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[] };

/** The JSON Schema of the record format of the file a problem is located in. */
function schemaOf(file: string): JsonSchema {
  const rel = path.relative(DATA, path.resolve(file)).split(path.sep);
  const kind = Object.values(RECORD_KINDS).find((k) => k.folder === rel[0]);
  return z.toJSONSchema(kind ? kind.schema : datasetRecord, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Whether `field` (`publications[0].event.place`) is a path the record format has. */
function inSchema(schema: JsonSchema, field: string): boolean {
  const steps = field.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let at: JsonSchema[] = [schema];
  for (const step of steps) {
    const flat = at.flatMap((s) => [s, ...(s.anyOf ?? [])]);
    at = step.startsWith('[')
      ? flat.flatMap((s) => (s.items ? [s.items] : []))
      : flat.flatMap((s) => (s.properties?.[step] ? [s.properties[step]!] : []));
    if (at.length === 0) return false;
  }
  return true;
}

/** Asserts that a problem speaks the editor's language: a data file, a line, a record field, the shape's own words. */
function expectEditorWords(p: Problem, rdfWords: Set<string>, shapeMessages: Set<string>): void {
  const printed = formatProblem(p);
  for (const m of p.message.split('; '))
    expect(shapeMessages.has(m), `${printed}: not a message of the shapes`).toBe(true);
  expect(p.location, printed).toBeDefined();
  expect(p.location!.file, printed).toMatch(/^data\//);
  expect(p.location!.line, printed).toBeGreaterThan(0);
  expect(p.field, printed).toMatch(/^[a-z][A-Za-z]*(\[\d+\])?(\.[a-z][A-Za-z]*(\[\d+\])?)*$/);
  expect(inSchema(schemaOf(p.location!.file), p.field!), `${printed}: field not in the record format`).toBe(true);
  const words = new Set(p.message.split(/[^A-Za-z]+/));
  for (const w of rdfWords) expect(words.has(w), `${printed}: names the RDF term ${w}`).toBe(false);
  expect(p.message, printed).not.toMatch(
    /<|https?:\/\/(?!example\.org|creativecommons)|ConstraintComponent|\(record\)/,
  );
  // A hint: what to write, after the rule.
  expect(p.message.length, printed).toBeGreaterThan(25);
}

interface PropertyShape {
  targetClass: string;
  path: string;
}

/** Every property shape of the shipped shapes, with the class its node shape targets. */
function propertyShapes(bundle: ShapesBundle): PropertyShape[] {
  const out: PropertyShape[] = [];
  for (const t of bundle.shapes.getQuads(null, SH('targetClass'), null, null)) {
    for (const p of bundle.shapes.getQuads(t.subject, SH('property'), null, null)) {
      for (const pathQuad of bundle.shapes.getQuads(p.object, SH('path'), null, null)) {
        if (pathQuad.object.termType === 'NamedNode')
          out.push({ targetClass: t.object.value, path: pathQuad.object.value });
      }
    }
  }
  return out;
}

function subclasses(axioms: Quad[], cls: string): Set<string> {
  const set = new Set([cls]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const q of axioms) {
      if (q.predicate.equals(RDFS('subClassOf')) && set.has(q.object.value) && !set.has(q.subject.value)) {
        set.add(q.subject.value);
        grew = true;
      }
    }
  }
  return set;
}

describe('SHACL results name the YAML field, the value and what to write', () => {
  let checked: Checked;
  let bundle: ShapesBundle;
  let rdfWords: Set<string>;
  let shapeMessages: Set<string>;
  beforeAll(async () => {
    checked = await check({ dataDir: DATA });
    bundle = await loadShapes(DEFAULT_SHAPES_DIR, checked.records.dataset.data.baseIri);
    shapeMessages = new Set(bundle.shapes.getQuads(null, SH('message'), null, null).map((q) => q.object.value));
    // Local names of the properties the shapes check that are not also a field of the record format.
    const yamlKeys = new Set<string>();
    const collect = (s: JsonSchema) => {
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        yamlKeys.add(k);
        collect(v);
      }
      if (s.items) collect(s.items);
      for (const a of s.anyOf ?? []) collect(a);
    };
    for (const k of Object.values(RECORD_KINDS))
      collect(z.toJSONSchema(k.schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
    collect(z.toJSONSchema(datasetRecord, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
    rdfWords = new Set(
      propertyShapes(bundle)
        .map((s) => s.path.replace(/^.*[#/]/, ''))
        .filter((w) => !yamlKeys.has(w)),
    );
  });

  it('for every property shape, a record whose mapping breaks it (value missing, a text, a link) gets a located, plain result', async () => {
    const shapes = propertyShapes(bundle);
    expect(shapes.length).toBeGreaterThan(30);
    const bogus = [literal('x', XSD('string')), literal('x', 'de'), namedNode('https://example.org/not-a-record')];
    for (const shape of shapes) {
      const classes = subclasses(bundle.axioms, shape.targetClass);
      const owner = checked.mapped.find((m) =>
        m.quads.some((q) => q.predicate.equals(RDF('type')) && classes.has(q.object.value)),
      )!;
      expect(owner, shape.targetClass).toBeDefined();
      const focus = owner.quads.find((q) => q.predicate.equals(RDF('type')) && classes.has(q.object.value))!.subject;
      const mutations: ((mapped: MappedRecord[]) => MappedRecord[])[] = [
        (mapped) =>
          mapped.map((m) => ({
            ...m,
            quads: m.quads.filter((q) => !(q.subject.equals(focus) && q.predicate.value === shape.path)),
          })),
        ...bogus.map(
          (value) => (mapped: MappedRecord[]) =>
            mapped.map((m) =>
              m === owner ? { ...m, quads: [...m.quads, quad(focus, namedNode(shape.path), value)] } : m,
            ),
        ),
      ];
      let results = 0;
      for (const mutate of mutations) {
        const { violations, warnings } = await validateRecords(mutate(checked.mapped), bundle, { workers: 0 });
        for (const p of [...violations, ...warnings]) {
          expectEditorWords(p, rdfWords, shapeMessages);
          results++;
        }
      }
      expect(results, `no mutation broke ${shape.path} on ${shape.targetClass}`).toBeGreaterThan(0);
    }
  }, 120_000);

  it('a project without participants, description or end year is warned about participants, description and endYear', async () => {
    const ws = await workspaceWithRealData();
    const file = path.join(ws, PROJECT);
    let text = await readFile(file, 'utf8');
    text = text
      .replace(/^participants:\n( {2}- .*\n)+/m, '')
      .replace(/^description: >-\n( {2}.*\n)+/m, '')
      .replace(/^endYear: .*\n/m, '');
    expect(text).toMatch(/^status: completed$/m);
    await writeFile(file, text);
    const r = await runCli(['validate'], ws);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    const idLine = text.split('\n').findIndex((l) => l.startsWith('id:')) + 1;
    expect(warnings).toEqual([
      `warning: ${PROJECT}:${idLine}:1: endYear: a completed project should have an end year: add endYear, or give another status if the project is not finished`,
      `warning: ${PROJECT}:${idLine}:1: description: a project should have a description: add a few sentences on what it studied under description`,
      `warning: ${PROJECT}:${idLine}:1: participants: a project should name at least one participant: list the ids of the organisations that took part under participants`,
    ]);
  });

  it('names a status outside the list by the code the record gives, not by an IRI', async () => {
    const mapped = checked.mapped.map((m) => ({
      ...m,
      quads: m.quads.map(
        (q) =>
          (q.object.value.endsWith('/def/project-status/completed') &&
          m.source.file.endsWith('cluster-governance-kks-2015.yaml')
            ? quad(q.subject, q.predicate, namedNode(q.object.value.replace(/completed$/, 'afgerond')))
            : q) as Quad,
      ),
    }));
    const { violations } = await validateRecords(mapped, bundle, { workers: 0 });
    expect(violations.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^data\/projects\/cluster-governance-kks-2015\.yaml:\d+:\d+: status: the status is one of planned, ongoing, completed, discontinued \(got "afgerond"\)$/,
      ),
    ]);
  });
});

describe('the shipped shapes', () => {
  it('give every property shape and every node shape without a path a message', async () => {
    const text = await readFile(path.join(DEFAULT_SHAPES_DIR, 'projectgraph.ttl'), 'utf8');
    const quads = new Parser({ baseIRI: 'https://projectgraph.example/' }).parse(text);
    const withMessage = new Set(quads.filter((q) => q.predicate.equals(SH('message'))).map((q) => q.subject.value));
    const propertyShapes = quads.filter((q) => q.predicate.equals(SH('property'))).map((q) => q.object.value);
    const pathless = quads
      .filter((q) => q.predicate.equals(SH('targetClass')))
      .map((q) => q.subject.value)
      .filter((s) =>
        quads.some((q) => q.subject.value === s && (q.predicate.equals(SH('or')) || q.predicate.equals(SH('not')))),
      );
    for (const s of [...propertyShapes, ...pathless]) expect(withMessage.has(s), s).toBe(true);
  });
});
