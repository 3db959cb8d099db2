// The W3C SHACL Core test suite run against rdf-validate-shacl, the engine our build relies on, so its behaviour is pinned.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Parser, Store } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';
import type { Term } from '@rdfjs/types';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/project.ts';
import { RDF, SH, namespace } from '../../src/vocab.ts';

const SUITE = path.join(ROOT, 'test/conformance/shacl-core');
const BASE = 'http://datashapes.org/sh/tests/core/';
const MF = namespace('http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#');
const SHT = namespace('http://www.w3.org/ns/shacl-test#');

/**
 * Tests the engine is known to fail, with the reason; the test below asserts that exactly these fail,
 * so a fixed engine or a new regression both show up.
 */
const KNOWN_FAILURES: Record<string, string> = {
  // None at rdf-validate-shacl 0.6.5: all 98 pass.
};

/** A comparable text for a result's path: property paths are blank-node structures in the file's graph. */
function pathKey(t: Term | null, g: Store): string {
  if (!t) return '';
  if (t.termType === 'NamedNode') return t.value;
  const one = (p: Term) => g.getObjects(t, p, null)[0];
  // A node that is both a list and something else (the "strange path" tests) is read as a sequence, as SHACL says.
  if (g.getObjects(t, RDF('first'), null).length > 0)
    return `seq(${list(t, g)
      .map((x) => pathKey(x, g))
      .join('/')})`;
  const inverse = one(SH('inversePath'));
  if (inverse) return `^(${pathKey(inverse, g)})`;
  for (const op of ['zeroOrMorePath', 'oneOrMorePath', 'zeroOrOnePath']) {
    const inner = one(SH(op));
    if (inner) return `${op}(${pathKey(inner, g)})`;
  }
  const alternative = one(SH('alternativePath'));
  if (alternative)
    return `alt(${list(alternative, g)
      .map((x) => pathKey(x, g))
      .join('|')})`;
  return '_:';
}

function list(head: Term, g: Store): Term[] {
  const out: Term[] = [];
  let node: Term | undefined = head;
  while (node && !node.equals(RDF('nil'))) {
    const first = g.getObjects(node, RDF('first'), null)[0];
    if (first) out.push(first);
    node = g.getObjects(node, RDF('rest'), null)[0];
  }
  return out;
}

function termKey(t: Term | null | undefined): string {
  if (!t) return '';
  if (t.termType === 'BlankNode') return '_:';
  if (t.termType === 'Literal') return `"${t.value}"^^${t.datatype.value}@${t.language}`;
  return t.value;
}

interface Case {
  name: string;
  file: string;
}

async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  for (const e of await readdir(SUITE, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ttl') || e.name === 'manifest.ttl') continue;
    const file = path.join(e.parentPath, e.name);
    // Some tests keep data and shapes in files of their own, which the test file names in its action.
    if (!(await readFile(file, 'utf8')).includes('sht:Validate')) continue;
    out.push({ name: path.relative(SUITE, file).replace(/\.ttl$/, ''), file });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

async function runCase(c: Case): Promise<{ ok: boolean; detail: string }> {
  const base = BASE + path.relative(SUITE, c.file);
  const g = new Store(new Parser({ baseIRI: base }).parse(await readFile(c.file, 'utf8')));
  const test = g.getSubjects(RDF('type'), SHT('Validate'), null)[0];
  if (!test) throw new Error(`${c.name}: no sht:Validate test`);
  const expectedReport = g.getObjects(test, MF('result'), null)[0]!;
  const expectedConforms = g.getObjects(expectedReport, SH('conforms'), null)[0]?.value === 'true';
  const key = (
    focus: Term | null,
    p: Term | null,
    value: Term | null,
    severity: Term | null,
    component: Term | null,
    shape: Term | null,
  ) =>
    [termKey(focus), pathKey(p, g), termKey(value), termKey(severity), termKey(component), termKey(shape)].join(' | ');
  const expected = g
    .getObjects(expectedReport, SH('result'), null)
    .map((r) => {
      const o = (p: string) => g.getObjects(r, SH(p), null)[0] ?? null;
      return key(
        o('focusNode'),
        o('resultPath'),
        o('value'),
        o('resultSeverity'),
        o('sourceConstraintComponent'),
        o('sourceShape'),
      );
    })
    .sort();
  const action = g.getObjects(test, MF('action'), null)[0]!;
  const graphAt = async (p: string): Promise<Store> => {
    const iri = g.getObjects(action, SHT(p), null)[0]!.value;
    if (iri === base) return g;
    const other = new Store(
      new Parser({ baseIRI: iri }).parse(await readFile(path.join(SUITE, iri.slice(BASE.length)), 'utf8')),
    );
    // Paths in the report live in the shapes graph; keep them resolvable for pathKey.
    g.addQuads(other.getQuads(null, null, null, null));
    return other;
  };
  const data = await graphAt('dataGraph');
  const shapes = await graphAt('shapesGraph');
  const report = await new SHACLValidator(shapes).validate(data);
  const actual = report.results
    .map((r) => key(r.focusNode, r.path, r.value, r.severity, r.sourceConstraintComponent, r.sourceShape))
    .sort();
  const ok = report.conforms === expectedConforms && JSON.stringify(actual) === JSON.stringify(expected);
  return {
    ok,
    detail: `conforms ${report.conforms} (expected ${expectedConforms})\nactual:\n  ${actual.join('\n  ')}\nexpected:\n  ${expected.join('\n  ')}`,
  };
}

describe('W3C SHACL Core test suite', async () => {
  const all = await cases();

  it('has all 98 validation tests', () => {
    expect(all).toHaveLength(98);
  });

  it.each(all)('$name', async (c) => {
    const { ok, detail } = await runCase(c);
    expect(ok, detail).toBe(!(c.name in KNOWN_FAILURES));
  });
});
