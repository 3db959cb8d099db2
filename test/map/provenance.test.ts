// Provenance of mapped records: each resource points at its YAML file, and at the wiki page where the record has one.
import { DataFactory, Store } from 'n3';
import { describe, expect, it } from 'vitest';
import type { ProjectRecord } from '../../src/ingest/schema.ts';
import { Emitter } from '../../src/map/emit.ts';
import { mintIris } from '../../src/map/iri.ts';
import { mapOrganisation } from '../../src/map/organisation.ts';
import { mapProject } from '../../src/map/project.ts';
import { withProvenance } from '../../src/map/provenance.ts';
import { PROV, RDF, RDFS } from '../../src/vocab.ts';

const { literal, namedNode } = DataFactory;
const BASE = 'https://example.org/';
const iris = mintIris(BASE);
const source = { file: 'data/x.yaml', locate: () => ({ file: 'data/x.yaml', line: 1, column: 1 }) };

function mapped(fill: (out: Emitter) => void) {
  const out = new Emitter();
  fill(out);
  return { source, quads: out.quads, origins: out.origins };
}

const project: ProjectRecord = {
  id: 'p',
  name: 'P',
  status: 'ongoing',
  keywords: ['k'],
  publications: [{ id: 'r', kind: 'report', title: 'R' }],
  source: { title: 'Wiki page P' },
};

describe('withProvenance', () => {
  it('points every resource of a record at its YAML file and, where there is one, its wiki page', () => {
    const m = withProvenance(
      mapped((out) => mapProject(project, iris, out)),
      'projects/p.yaml',
      BASE,
    );
    const store = new Store(m.quads);
    const file = namedNode(`${BASE}project/p#record`);
    const wiki = namedNode(`${BASE}project/p#source`);
    expect(store.getQuads(file, RDF('type'), PROV('Entity'), null)).toHaveLength(1);
    expect(store.getObjects(file, RDFS('label'), null)).toEqual([literal('projects/p.yaml')]);
    expect(store.getQuads(file, PROV('wasDerivedFrom'), wiki, null)).toHaveLength(1);
    // The project already derives from its wiki page (one prov:wasDerivedFrom): the file is an influence.
    expect(store.getObjects(namedNode(`${BASE}project/p`), PROV('wasDerivedFrom'), null)).toEqual([wiki]);
    expect(store.getQuads(`${BASE}project/p`, PROV('wasInfluencedBy'), file, null)).toHaveLength(1);
    for (const other of [`${BASE}publication/r`, `${BASE}keyword/k`]) {
      expect(store.getQuads(other, PROV('wasDerivedFrom'), file, null), other).toHaveLength(1);
      expect(store.getQuads(other, PROV('hadPrimarySource'), wiki, null), other).toHaveLength(1);
    }
    // Every new statement is traceable to the record.
    expect(m.origins.length).toBeGreaterThan(mapped((out) => mapProject(project, iris, out)).origins.length);
  });

  it('names only the file for a record without a wiki source, and is the same every time', () => {
    const make = () =>
      withProvenance(
        mapped((out) => mapOrganisation({ id: 'o', name: 'O', type: 'organisation' }, iris, out)),
        'organisations/o.yaml',
        BASE,
      );
    const m = make();
    const store = new Store(m.quads);
    expect(
      store.getQuads(`${BASE}organisation/o`, PROV('wasDerivedFrom'), `${BASE}organisation/o#record`, null),
    ).toHaveLength(1);
    expect(store.getQuads(null, PROV('hadPrimarySource'), null, null)).toHaveLength(0);
    expect(make().quads).toEqual(m.quads);
  });
});
