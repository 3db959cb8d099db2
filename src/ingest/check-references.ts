// Checks across records that no single-file schema can see: unique ids, references that resolve, year order.
import path from 'node:path';
import type { Problem } from '../errors.ts';
import type { OutlinedRecord } from './records.ts';
import { formatField, type FieldPath } from './read-yaml.ts';
import { slug } from '../map/iri.ts';

/** The records to check, whole or outlined, and the dataset description's file (the data folder is beside it). */
export interface ReferenceInput {
  dataset: { source: { file: string } };
  records: readonly OutlinedRecord[];
}

export function checkReferences({ dataset, records }: ReferenceInput): Problem[] {
  const problems: Problem[] = [];
  const problem = (
    r: OutlinedRecord,
    at: FieldPath,
    message: string,
    value?: string,
    code: Problem['code'] = 'UNKNOWN_REFERENCE',
  ) =>
    problems.push({
      code,
      message,
      location: r.source.locate(at),
      field: formatField(at),
      ...(value !== undefined ? { value } : {}),
    });

  // Ids are unique across the whole dataset, so a reference never has to say which kind it means.
  const byId = new Map<string, OutlinedRecord>();
  for (const r of records) {
    const first = byId.get(r.data.id);
    if (first) {
      const where = first.source.locate(['id']);
      problem(
        r,
        ['id'],
        `duplicate id: ${first.kind} ${where.file}:${where.line} already has this id`,
        r.data.id,
        'DUPLICATE_ID',
      );
    } else byId.set(r.data.id, r);
  }
  // Inline resources (publications, subjects) get IRIs of their own, so their ids must be unique too.
  const inline = new Map<string, { r: OutlinedRecord; at: FieldPath }>();
  const claimInline = (r: OutlinedRecord, at: FieldPath, id: string, kind: string) => {
    const key = `${kind}/${id}`;
    const first = inline.get(key);
    if (first) {
      const where = first.r.source.locate(first.at);
      problem(r, at, `duplicate ${kind} id: ${where.file}:${where.line} already uses it`, id, 'DUPLICATE_ID');
    } else inline.set(key, { r, at });
  };

  // A file's name need not be its id: a reference by file name is answered with the id that file has.
  const byFileName = new Map<string, OutlinedRecord>();
  for (const r of records) byFileName.set(`${r.kind}:${path.basename(r.source.file).replace(/\.ya?ml$/, '')}`, r);
  const dataFolder = path.dirname(dataset.source.file);
  const expect = (r: OutlinedRecord, at: FieldPath, id: string | undefined, kind: OutlinedRecord['kind']) => {
    if (id === undefined) return;
    const target = byId.get(id);
    const named = target ? undefined : byFileName.get(`${kind}:${id}`);
    if (named) {
      problem(
        r,
        at,
        `no ${kind} record has this id; ${named.source.file} has the id "${named.data.id}": write that id here, or change the id in that file`,
        id,
      );
    } else if (!target) {
      const file = path.join(dataFolder, folderOf(kind), `${id}.yaml`);
      problem(r, at, `no ${kind} record has this id (add ${file} with "id: ${id}", or fix the id here)`, id);
    } else if (target.kind !== kind) {
      problem(r, at, `this id belongs to a ${target.kind}, but a ${kind} is expected here`, id);
    }
  };

  for (const r of records) {
    if (r.kind === 'project') {
      const p = r.data;
      expect(r, ['programme'], p.programme, 'programme');
      p.participants?.forEach((id, i) => {
        expect(r, ['participants', i], id, 'organisation');
      });
      const seen = new Set<string>();
      p.participants?.forEach((id, i) => {
        if (seen.has(id)) problem(r, ['participants', i], 'this organisation is listed twice', id, 'DUPLICATE_ID');
        seen.add(id);
      });
      if (p.startYear !== undefined && p.endYear !== undefined && p.startYear > p.endYear) {
        problem(r, ['endYear'], `endYear comes before startYear ${p.startYear}`, String(p.endYear), 'INVALID_YEARS');
      }
      if (p.endYear !== undefined && p.startYear === undefined) {
        problem(r, ['endYear'], 'endYear is given without a startYear', String(p.endYear), 'INVALID_YEARS');
      }
      // Keywords and places are named, not given ids: their IRI is a slug of the name, which must not be empty.
      p.keywords?.forEach((k, i) => {
        if (slug(k) === '')
          problem(
            r,
            ['keywords', i],
            'a keyword needs at least one letter or digit (a–z, accents aside, or 0–9): its IRI is made of those',
            k,
            'INVALID_ID',
          );
      });
      const places: [FieldPath, string | undefined][] = [
        ...(p.publications ?? []).map((pub, i): [FieldPath, string | undefined] => [
          ['publications', i, 'event', 'place'],
          pub.event?.place,
        ]),
        ...(p.about ?? []).map((a, i): [FieldPath, string | undefined] => [['about', i, 'location'], a.location]),
      ];
      for (const [at, name] of places) {
        if (name !== undefined && slug(name) === '')
          problem(
            r,
            at,
            'a place name needs at least one letter or digit (a–z, accents aside, or 0–9): its IRI is made of those',
            name,
            'INVALID_ID',
          );
      }
      p.publications?.forEach((pub, i) => {
        claimInline(r, ['publications', i, 'id'], pub.id, 'publication');
      });
      p.about?.forEach((a, i) => {
        claimInline(r, ['about', i, 'id'], a.id, 'subject');
      });
    } else if (r.kind === 'programme') {
      expect(r, ['partOf'], r.data.partOf, 'programme');
      if (r.data.partOf === r.data.id) problem(r, ['partOf'], 'a programme cannot be part of itself', r.data.partOf);
    }
  }
  problems.push(...programmeCycles(records, byId));
  return problems;
}

function programmeCycles(records: readonly OutlinedRecord[], byId: Map<string, OutlinedRecord>): Problem[] {
  const problems: Problem[] = [];
  for (const r of records) {
    if (r.kind !== 'programme') continue;
    const seen = new Set([r.data.id]);
    let next = r.data.partOf;
    while (next !== undefined && next !== r.data.id) {
      const target = byId.get(next);
      if (target?.kind !== 'programme' || seen.has(next)) break;
      seen.add(next);
      next = target.data.partOf;
    }
    if (next === r.data.id && r.data.partOf !== r.data.id) {
      problems.push({
        code: 'UNKNOWN_REFERENCE',
        message: `programmes form a cycle through partOf: ${[...seen].join(' → ')} → ${r.data.id}`,
        location: r.source.locate(['partOf']),
        field: 'partOf',
        value: r.data.partOf,
      });
    }
  }
  return problems;
}

function folderOf(kind: OutlinedRecord['kind']): string {
  return { project: 'projects', programme: 'programmes', organisation: 'organisations' }[kind];
}
