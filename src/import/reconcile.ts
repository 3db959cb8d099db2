// Reconciliation: turns page drafts into records with stable, unique ids, matching organisations, programmes and projects already in data/.
import type { SourcedRecord } from '../ingest/read-records.ts';
import { slug } from '../map/iri.ts';
import type { LangText, OrganisationRecord, ProgrammeRecord, ProjectRecord, RecordKind } from '../ingest/schema.ts';
import type { ImportConfig } from './config.ts';
import { cleanSpaces, nameKey, recordId } from './normalise.ts';
import { plain, type ProjectDraft } from './page-to-record.ts';
import type { Findings } from './problems.ts';

export type AnyRecord = ProjectRecord | ProgrammeRecord | OrganisationRecord;

/** A record the pages state, with where it came from and the record already in data/ it matches, if any. */
export interface PlannedRecord {
  kind: RecordKind;
  record: AnyRecord;
  from: { file: string; line: number; page: string };
  existing?: SourcedRecord;
}

interface Origin {
  file: string;
  line: number;
  page: string;
}

export function reconcile(
  drafts: ProjectDraft[],
  existing: SourcedRecord[],
  config: ImportConfig,
  findings: Findings,
): PlannedRecord[] {
  const owners = new Map<string, string>(); // id → "kind:name key" of whoever has it
  for (const r of existing) owners.set(r.data.id, `${r.kind}:${nameKey(plain(r.data.name))}`);

  /** The slug of `name`, or the first free "slug-n" when another resource has that id already. */
  const allocate = (kind: RecordKind, name: string, at: Origin): string => {
    const owner = `${kind}:${nameKey(name)}`;
    const base = recordId(name) || kind;
    let id = base;
    for (let n = 2; owners.has(id) && owners.get(id) !== owner; n++) id = `${base}-${n}`;
    if (id !== base) {
      findings.warn(
        'ID_CLASH',
        `the id "${base}" of ${kind} "${name}" is taken by another record; "${id}" is used (add an alias to the label set if they are the same)`,
        at.file,
        at.line,
        at.page,
      );
    }
    owners.set(id, owner);
    return id;
  };

  const byName = (kind: RecordKind) => {
    const map = new Map<string, SourcedRecord>();
    for (const r of existing) {
      if (r.kind !== kind) continue;
      const names: LangText[] = [r.data.name];
      if ('alternateName' in r.data && r.data.alternateName !== undefined && kind === 'programme')
        names.push(r.data.alternateName);
      if (r.kind === 'organisation') names.push(...(r.data.alternateNames ?? []));
      for (const n of names)
        for (const s of typeof n === 'string' ? [n] : [n.nl, n.en]) if (s !== undefined) map.set(nameKey(s), r);
    }
    return map;
  };
  const existingOrgs = byName('organisation');
  const existingProgrammes = byName('programme');
  const existingProjects = byName('project');
  const existingById = new Map(existing.map((r) => [`${r.kind}:${r.data.id}`, r]));

  // Organisations: one record per organisation however many pages name it, and none for those already in data/.
  const newOrgs = new Map<string, { record: OrganisationRecord; spellings: string[]; from: Origin }>();
  const matchedOrgs = new Map<string, PlannedRecord>();
  const organisation = (name: string, at: Origin): string => {
    const key = nameKey(name);
    const known = config.organisations.get(key);
    const canonical = known?.name ?? cleanSpaces(name);
    // Matched by name or alias, or by id: the id is the name's slug, so a slug match is the same organisation.
    const found =
      existingOrgs.get(key) ??
      existingOrgs.get(nameKey(canonical)) ??
      existingById.get(`organisation:${recordId(canonical)}`);
    if (found) {
      // Already in data/: nothing the page says changes it; it is listed so the summary counts it as unchanged.
      if (found.kind === 'organisation' && !matchedOrgs.has(found.data.id)) {
        matchedOrgs.set(found.data.id, { kind: 'organisation', record: { ...found.data }, from: at, existing: found });
      }
      return found.data.id;
    }
    let entry = newOrgs.get(recordId(canonical));
    if (!entry) {
      entry = {
        record: { id: allocate('organisation', canonical, at), name: canonical, type: known?.type ?? 'organisation' },
        spellings: [],
        from: at,
      };
      newOrgs.set(recordId(canonical), entry);
    }
    const spelling = cleanSpaces(name);
    if (
      spelling.toLowerCase() !== canonical.toLowerCase() &&
      !entry.spellings.some((s) => s.toLowerCase() === spelling.toLowerCase())
    )
      entry.spellings.push(spelling);
    return entry.record.id;
  };

  // Programmes: matched by name; what a page says about one is its parent programme.
  const programmes = new Map<string, PlannedRecord>();
  const programme = (name: string, parent: string | undefined, at: Origin): string => {
    const partOf = parent !== undefined ? programme(parent, undefined, at) : undefined;
    const found = existingProgrammes.get(nameKey(name)) ?? existingById.get(`programme:${recordId(name)}`);
    const id =
      found?.data.id ??
      [...programmes.values()].find((p) => nameKey(plain(p.record.name)) === nameKey(name))?.record.id ??
      allocate('programme', name, at);
    const planned = programmes.get(id);
    if (planned) {
      const record = planned.record as ProgrammeRecord;
      if (partOf !== undefined && record.partOf === undefined) record.partOf = partOf;
      else if (partOf !== undefined && record.partOf !== partOf) {
        findings.warn(
          'BAD_VALUE',
          `programme "${name}" is part of "${partOf}" here but of "${record.partOf}" on page "${planned.from.page}"; the first is kept`,
          at.file,
          at.line,
          at.page,
        );
      }
      return id;
    }
    const record: ProgrammeRecord = {
      id,
      name: found ? found.data.name : cleanSpaces(name),
      ...(partOf !== undefined ? { partOf } : {}),
    };
    programmes.set(id, { kind: 'programme', record, from: at, ...(found ? { existing: found } : {}) });
    return id;
  };

  // Publications get IRIs of their own, so their ids are unique across all projects.
  const publicationOwners = new Map<string, string>();
  for (const r of existing)
    if (r.kind === 'project') for (const p of r.data.publications ?? []) publicationOwners.set(p.id, r.data.id);

  // Keywords become one resource per slug, so one spelling per keyword: the one in data/, else the first page's.
  const keywordSpelling = new Map<string, string>();
  for (const r of existing)
    if (r.kind === 'project')
      for (const k of r.data.keywords ?? []) if (!keywordSpelling.has(slug(k))) keywordSpelling.set(slug(k), k);
  const keyword = (k: string, at: Origin): string => {
    const first = keywordSpelling.get(slug(k));
    if (first === undefined) {
      keywordSpelling.set(slug(k), k);
      return k;
    }
    if (first !== k && nameKey(first) !== nameKey(k)) {
      findings.warn(
        'BAD_VALUE',
        `the keyword "${k}" is written "${first}" elsewhere; that spelling is used, so both are one keyword`,
        at.file,
        at.line,
        at.page,
      );
    }
    return first;
  };

  const projects = new Map<string, PlannedRecord & { draft: ProjectDraft }>();
  const planned: PlannedRecord[] = [];
  for (const draft of drafts) {
    const at: Origin = {
      file: draft.page.file,
      line: draft.page.title?.line ?? draft.page.firstLine,
      page: draft.title,
    };
    const found = existingProjects.get(nameKey(draft.title)) ?? existingById.get(`project:${recordId(draft.title)}`);
    const id = found?.data.id ?? allocate('project', draft.title, at);
    // The programme first: it stands above the infobox on the page, so it is the first to claim an id.
    const programmeId = draft.programme
      ? programme(draft.programme.name, draft.programme.parent, { ...at, line: draft.programme.line })
      : undefined;
    const participants: string[] = [];
    for (const p of draft.participants) {
      const orgId = organisation(p.name, { ...at, line: p.line });
      if (!participants.includes(orgId)) participants.push(orgId);
    }
    const publications = draft.record.publications?.map((p) => {
      const owner = publicationOwners.get(p.id);
      if (owner === undefined || owner === id) {
        publicationOwners.set(p.id, id);
        return p;
      }
      const own = `${p.id}-${id}`;
      findings.warn(
        'ID_CLASH',
        `the publication "${plain(p.title)}" is also listed by project "${owner}"; it gets the id "${own}" here`,
        at.file,
        at.line,
        at.page,
      );
      publicationOwners.set(own, id);
      return { ...p, id: own };
    });
    const keywordLine = draft.page.fields.find((f) => f.field === 'keywords')?.line ?? at.line;
    const keywords = draft.record.keywords?.map((k) => keyword(k, { ...at, line: keywordLine }));
    const record: ProjectRecord = {
      ...draft.record,
      id,
      ...(keywords ? { keywords } : {}),
      ...(programmeId !== undefined ? { programme: programmeId } : {}),
      ...(participants.length > 0 ? { participants } : {}),
      ...(publications ? { publications } : {}),
    };
    const before = projects.get(id);
    if (before) {
      const same = JSON.stringify(sortKeys(before.record)) === JSON.stringify(sortKeys(record));
      if (same)
        findings.warn(
          'DUPLICATE_PAGE',
          `this page was read before from ${before.from.file}:${before.from.line}; it gives the same record, imported once`,
          at.file,
          at.line,
          at.page,
        );
      else
        findings.error(
          'DUPLICATE_PAGE',
          `this page was read before from ${before.from.file}:${before.from.line} and says something else there; import one of them`,
          at.file,
          at.line,
          at.page,
        );
      continue;
    }
    const entry = { kind: 'project' as const, record, from: at, draft, ...(found ? { existing: found } : {}) };
    projects.set(id, entry);
    planned.push(entry);
  }
  for (const p of programmes.values()) planned.push(p);
  planned.push(...matchedOrgs.values());
  for (const o of newOrgs.values()) {
    const record = o.spellings.length > 0 ? { ...o.record, alternateNames: o.spellings } : o.record;
    planned.push({ kind: 'organisation', record, from: o.from });
  }
  return planned;
}

/** A copy with object keys sorted, so two records compare equal whatever order their keys were written in. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
