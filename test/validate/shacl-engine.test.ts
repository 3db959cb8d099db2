// The engine of the SHACL batches (shacl-engine) gives what whole-graph rdf-validate-shacl gives, counts included: on a
// shape two node shapes share, on the real data, under random faults, and it is left out for shapes it cannot match.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { DataFactory, Store, Writer, type Quad as N3Quad } from 'n3';
import type { Quad } from '@rdfjs/types';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MappedRecord } from '../../src/map/map-records.ts';
import {
  loadShapes,
  validateRecords,
  validateWholeGraph,
  type ShapesBundle,
  type ValidationOutcome,
} from '../../src/validate/shacl.ts';
import { prepareShapes } from '../../src/validate/shacl-batch.ts';
import { check, DEFAULT_SHAPES_DIR } from '../../src/pipeline.ts';
import { RDF, SCHEMA, SH, XSD } from '../../src/vocab.ts';
import { generate } from '../../bench/generate.ts';
import { DATA } from '../support/project.ts';

const { literal, namedNode, quad } = DataFactory;

let small: MappedRecord[];
let shapes: ShapesBundle;

beforeAll(async () => {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'projectgraph-shacl-engine-')), 'data');
  await generate(dir, 12, 5);
  const checked = await check({ dataDir: dir });
  small = checked.mapped;
  shapes = await loadShapes(DEFAULT_SHAPES_DIR, checked.records.dataset.data.baseIri);
});

const nTriples = (quads: Iterable<Quad>) => new Writer({ format: 'N-Triples' }).quadsToString([...quads]);

/** Every result as a line of its own, repeats kept: equal outcomes are equal multisets of these. */
const counted = (o: ValidationOutcome) =>
  [...o.violations, ...o.warnings].map((p) => JSON.stringify([p.location, p.field, p.message, p.value])).sort();

describe('the engine of the batches', () => {
  it('is shacl-engine for the shipped shapes', () => {
    const text = { shapes: nTriples(shapes.shapes), axioms: nTriples(shapes.axioms) };
    expect(prepareShapes(text).engine).toBeDefined();
  });

  it('is rdf-validate-shacl for shapes with a result that has no message of its own, and the outcome is the same', async () => {
    // The engines word their own messages differently ("Less than 1 values"…): without sh:message only
    // rdf-validate-shacl gives what whole-graph validation gives.
    const bare = new Store(
      shapes.shapes.getQuads(null, null, null, null).filter((q) => !q.predicate.equals(SH('message'))),
    );
    const own: ShapesBundle = { ...shapes, shapes: bare };
    expect(prepareShapes({ shapes: nTriples(bare), axioms: nTriples(shapes.axioms) }).engine).toBeUndefined();
    const faulty = small.map((m, i) => (i === 3 ? { ...m, quads: m.quads.slice(1) } : m));
    const reference = await validateWholeGraph(faulty, own);
    expect(await validateRecords(faulty, own, { workers: 0, batchRecords: 5 })).toEqual(reference);
  });

  it('is rdf-validate-shacl for shapes that lead back to themselves', () => {
    const store = new Store(shapes.shapes.getQuads(null, null, null, null));
    const organisation = store.getSubjects(SH('targetClass'), SCHEMA('Organization'), null)[0]!;
    const loop = namedNode('https://example.org/shapes#Loop');
    store.addQuad(quad(organisation, SH('property'), loop));
    store.addQuad(quad(loop, SH('path'), SCHEMA('member')));
    store.addQuad(quad(loop, SH('node'), organisation));
    store.addQuad(quad(loop, SH('message'), literal('a member is an organisation')));
    expect(prepareShapes({ shapes: nTriples(store), axioms: nTriples(shapes.axioms) }).engine).toBeUndefined();
  });
});

describe('a property shape that two node shapes share', () => {
  it('reports a wrong value once for each node shape that reaches it, as rdf-validate-shacl does', async () => {
    // A university is an organisation and a place (schema:CollegeOrUniversity): pgs:Organization and pgs:Place
    // both lead it to pgs:DutchName, so a name in German is reported twice.
    const at = small.findIndex((m) => m.quads.some((q) => q.object.equals(SCHEMA('CollegeOrUniversity'))));
    expect(at).toBeGreaterThanOrEqual(0);
    const university = small[at]!.quads.find((q) => q.object.equals(SCHEMA('CollegeOrUniversity')))!.subject;
    const faulty = small.map((m, i) =>
      i === at ? { ...m, quads: [...m.quads, quad(university, SCHEMA('name'), literal('z', 'de'))] } : m,
    );
    const reference = await validateWholeGraph(faulty, shapes);
    expect(reference.violations.filter((v) => v.value === 'z')).toHaveLength(2);
    const ours = await validateRecords(faulty, shapes, { workers: 0, batchRecords: 4 });
    expect(counted(ours)).toEqual(counted(reference));
    expect(ours).toEqual(reference);
  });
});

type ShapeQuad = N3Quad;
const ex = (name: string) => namedNode(`https://example.org/shapes#${name}`);

/** The shipped shapes with `quads` added. */
function withShapes(quads: ShapeQuad[]): ShapesBundle {
  const store = new Store(shapes.shapes.getQuads(null, null, null, null));
  store.addQuads(quads);
  return { ...shapes, shapes: store };
}

/** A node shape whose property shape allows names in French only. */
function frenchNames(shape: ReturnType<typeof ex>): ShapeQuad[] {
  const head = DataFactory.blankNode(`french-only-${shape.value.replace(/\W/g, '')}`);
  return [
    quad(shape, SH('property'), ex('French')),
    quad(ex('French'), SH('path'), SCHEMA('name')),
    quad(ex('French'), SH('languageIn'), head),
    quad(head, RDF('first'), literal('fr')),
    quad(head, RDF('rest'), RDF('nil')),
  ];
}

const prepared = (bundle: ShapesBundle) =>
  prepareShapes({ shapes: nTriples(bundle.shapes), axioms: nTriples(bundle.axioms) });

describe('a shape reached twice within one shape', () => {
  it('is evaluated each time, so both shapes that lead to it fail, as with rdf-validate-shacl', async () => {
    // shacl-engine's own memo replays only a shape's results about its focus node: the second sh:node would see
    // no results of the property shape inside and conform.
    const own = withShapes([
      quad(ex('Twice'), RDF('type'), SH('NodeShape')),
      quad(ex('Twice'), SH('targetClass'), SCHEMA('Organization')),
      quad(ex('Twice'), SH('node'), ex('One')),
      quad(ex('Twice'), SH('node'), ex('Other')),
      quad(ex('Twice'), SH('message'), literal('the names are in French')),
      quad(ex('One'), SH('node'), ex('Named')),
      quad(ex('Other'), SH('node'), ex('Named')),
      ...frenchNames(ex('Named')),
    ]);
    expect(prepared(own).engine).toBeDefined();
    const reference = await validateWholeGraph(small, own);
    const french = reference.violations.filter((v) => v.message === 'the names are in French');
    const focusNodes = new Set(french.map((v) => `${v.location?.file}:${v.location?.line}`));
    expect(focusNodes.size).toBeGreaterThan(0);
    expect(french).toHaveLength(2 * focusNodes.size);
    const ours = await validateRecords(small, own, { workers: 0, batchRecords: 4 });
    expect(counted(ours)).toEqual(counted(reference));
    expect(ours).toEqual(reference);
  });
});

describe('shapes that look at the statements of the nodes a value names', () => {
  it('are validated on the whole graph, where those statements are', async () => {
    // A batch holds only the types of the nodes it points to: a shape that follows a path from a value needs more.
    const own = withShapes([
      quad(ex('Members'), RDF('type'), SH('NodeShape')),
      quad(ex('Members'), SH('targetClass'), SCHEMA('ResearchProject')),
      quad(ex('Members'), SH('property'), ex('Member')),
      quad(ex('Member'), SH('path'), SCHEMA('member')),
      quad(ex('Member'), SH('node'), ex('Named')),
      quad(ex('Member'), SH('message'), literal('a member is named in French')),
      ...frenchNames(ex('Named')),
    ]);
    expect(prepared(own).batchable).toBe(false);
    expect(prepared(shapes).batchable).toBe(true);
    const reference = await validateWholeGraph(small, own);
    expect(reference.violations.some((v) => v.message === 'a member is named in French')).toBe(true);
    expect(await validateRecords(small, own, { workers: 0, batchRecords: 4 })).toEqual(reference);
  });

  it('include a path other than one predicate', () => {
    const inverse = DataFactory.blankNode('inverse-member');
    const own = withShapes([
      quad(ex('MemberOf'), RDF('type'), SH('NodeShape')),
      quad(ex('MemberOf'), SH('targetClass'), SCHEMA('Organization')),
      quad(ex('MemberOf'), SH('property'), ex('Projects')),
      quad(ex('Projects'), SH('path'), inverse),
      quad(inverse, SH('inversePath'), SCHEMA('member')),
      quad(ex('Projects'), SH('maxCount'), literal('3', XSD('integer'))),
      quad(ex('Projects'), SH('message'), literal('an organisation takes part in at most three projects')),
    ]);
    expect(prepared(own).batchable).toBe(false);
  });
});

describe('SHACL in batches on the real data', () => {
  it('gives what whole-graph validation gives, with a fault in every third record', async () => {
    const { mapped: real, records } = await check({ dataDir: DATA });
    const own = await loadShapes(DEFAULT_SHAPES_DIR, records.dataset.data.baseIri);
    // Each third record gets a name in German on its first subject instead of the first name given there.
    const faulty = real.map((m, i) => {
      const s = m.quads[0]?.subject;
      if (i % 3 !== 1 || !s) return m;
      const name = m.quads.findIndex((q) => q.subject.equals(s) && q.predicate.equals(SCHEMA('name')));
      const quads = m.quads.filter((_, k) => k !== name);
      return { ...m, quads: [...quads, quad(s, SCHEMA('name'), literal('z', 'de'))] };
    });
    const reference = await validateWholeGraph(faulty, own);
    expect(reference.violations.length).toBeGreaterThanOrEqual(3);
    expect(await validateRecords(faulty, own, { workers: 0, batchRecords: 2 })).toEqual(reference);
  });
});

/** One random fault a mapping could make, in record `record` (modulo their number), at statement `at`. */
type Fault =
  | { kind: 'drop'; record: number; at: number }
  | { kind: 'literal'; record: number; at: number; value: number }
  | { kind: 'link'; record: number; at: number; predicate: number; target: number }
  | { kind: 'type'; record: number; at: number; cls: number };

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), record: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('literal' as const), record: fc.nat(), at: fc.nat(), value: fc.nat() }),
  fc.record({
    kind: fc.constant('link' as const),
    record: fc.nat(),
    at: fc.nat(),
    predicate: fc.nat(),
    target: fc.nat(),
  }),
  fc.record({ kind: fc.constant('type' as const), record: fc.nat(), at: fc.nat(), cls: fc.nat() }),
);

describe('SHACL in batches under random faults', () => {
  let predicates: string[];
  let classes: string[];
  let subjects: string[];
  beforeAll(() => {
    predicates = [
      ...new Set(
        shapes.shapes
          .getObjects(null, SH('path'), null)
          .filter((t) => t.termType === 'NamedNode')
          .map((t) => t.value),
      ),
    ].sort();
    // The classes of the mapping, and the IRIs of the node shapes, which are no classes (SHACL's implicit targets).
    const shapeIris = shapes.shapes.getSubjects(RDF('type'), SH('NodeShape'), null).map((t) => t.value);
    classes = [...new Set([...shapes.axioms.flatMap((q) => [q.subject.value, q.object.value]), ...shapeIris])].sort();
    subjects = [...new Set(small.flatMap((m) => m.quads.map((q) => q.subject.value)))].sort();
  });

  /** Values a faulty statement may take: texts in and out of the allowed languages, years, links in and out. */
  const values = () => [
    literal('x', 'nl'),
    literal('y', 'en'),
    literal('z', 'de'),
    literal('2012', XSD('gYear')),
    literal('2012', XSD('string')),
    literal('twee', XSD('gYear')),
    namedNode('https://example.org/not-a-record'),
    ...subjects.slice(0, 5).map((s) => namedNode(s)),
  ];

  const apply = (faults: Fault[]): MappedRecord[] => {
    const out = small.map((m) => ({ ...m, quads: [...m.quads] }));
    for (const f of faults) {
      const m = out[f.record % out.length]!;
      if (m.quads.length === 0) continue;
      const at = f.at % m.quads.length;
      const q = m.quads[at]!;
      if (f.kind === 'drop') m.quads.splice(at, 1);
      else if (f.kind === 'literal') {
        const vs = values();
        m.quads[at] = quad(q.subject, q.predicate, vs[f.value % vs.length]!);
      } else if (f.kind === 'link') {
        const target = f.target % (subjects.length + 1);
        const object = target === subjects.length ? literal('x', 'nl') : namedNode(subjects[target]!);
        m.quads.push(quad(q.subject, namedNode(predicates[f.predicate % predicates.length]!), object));
      } else m.quads.push(quad(q.subject, RDF('type'), namedNode(classes[f.cls % classes.length]!)));
    }
    return out;
  };

  it('gives what whole-graph validation gives, counts included, whatever the batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(faultArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 15 }),
        async (faults, size) => {
          const faulty = apply(faults);
          const reference = await validateWholeGraph(faulty, shapes);
          const ours = await validateRecords(faulty, shapes, { workers: 0, batchRecords: size });
          expect(counted(ours)).toEqual(counted(reference));
          expect(ours).toEqual(reference);
        },
      ),
      // No shrinking: a shrunk counterexample costs many whole-graph validations, the first one says enough.
      { numRuns: 40, endOnFailure: true },
    );
  }, 120_000);

  it('the random faults break the shapes in most runs', async () => {
    // Without this the property above could hold on data that never fails.
    const samples = fc.sample(fc.array(faultArb, { minLength: 1, maxLength: 8 }), { numRuns: 20, seed: 1 });
    let broken = 0;
    for (const faults of samples) if ((await validateWholeGraph(apply(faults), shapes)).violations.length > 0) broken++;
    expect(broken).toBeGreaterThanOrEqual(10);
  });
});
