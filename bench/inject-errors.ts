// Injects SHACL errors into about 1 % of mapped records, deterministically, so whole-graph and batched validation can be compared.
import { DataFactory } from 'n3';
import type { Quad } from '@rdfjs/types';
import type { MappedRecord } from '../src/map/map-records.ts';
import { SCHEMA, XSD } from '../src/vocab.ts';

const { literal, namedNode, quad } = DataFactory;

/**
 * Returns a copy of `mapped` where every `every`-th record (from the second) gets one of several faults a
 * mapping bug could make: a missing name, a second Dutch name on a keyword other records share (only the
 * whole picture shows it), a year as plain text, a member that is no organisation, a status outside the list.
 */
export function injectErrors(mapped: MappedRecord[], every = 100): { mapped: MappedRecord[]; injected: number } {
  let injected = 0;
  const out = mapped.map((m, i) => {
    if (i === 0 || i % every !== 1) return m;
    const kind = Math.floor(i / every) % 5;
    const quads: Quad[] = [...m.quads];
    const first = quads[0];
    if (!first) return m;
    const s = first.subject;
    if (kind === 0) {
      const at = quads.findIndex((q) => q.subject.equals(s) && q.predicate.equals(SCHEMA('name')));
      if (at < 0) return m;
      quads.splice(at, 1);
    } else if (kind === 1) {
      const keyword = quads.find((q) => q.predicate.equals(SCHEMA('keywords')))?.object;
      if (keyword?.termType !== 'NamedNode') return m;
      quads.push(quad(keyword, SCHEMA('name'), literal(`andere spelling ${i}`, 'nl')));
    } else if (kind === 2) {
      const at = quads.findIndex((q) => q.predicate.equals(SCHEMA('foundingDate')));
      if (at < 0) return m;
      const q = quads[at]!;
      quads[at] = quad(q.subject, q.predicate, literal(q.object.value, XSD('string')));
    } else if (kind === 3) {
      quads.push(quad(s, SCHEMA('member'), namedNode(`${s.value}-not-an-organisation`)));
    } else {
      const at = quads.findIndex((q) => q.predicate.value.endsWith('/def/status'));
      if (at < 0) return m;
      const q = quads[at]!;
      quads[at] = quad(q.subject, q.predicate, namedNode(`${q.object.value}-unknown`));
    }
    injected++;
    return { ...m, quads };
  });
  return { mapped: out, injected };
}
