// Synthetic records for the benchmark: N projects shaped like data/ (every field used), deterministic from a seed, written to a temp dir.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { slug } from '../src/map/iri.ts';
import { ORGANISATION_TYPES } from '../src/ingest/schema.ts';

/** A small, fast, seedable PRNG (mulberry32): the same seed always gives the same records. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Word pools for Dutch-looking policy prose; every record says it is synthetic in its source title.
const WORDS = (
  'de het een van en in op voor met door als bij naar over onder tussen binnen zonder tegen ' +
  'gemeente gemeenten stad steden wijk wijken regio regio’s provincie rijk beleid onderzoek kennis praktijk ' +
  'bewoners ondernemers corporaties woningbouw leefbaarheid veiligheid mobiliteit energietransitie klimaatadaptatie ' +
  'participatie samenwerking governance sturing netwerk netwerken clusters innovatie economie arbeidsmarkt ' +
  'onderwijs zorg welzijn armoede schulden integratie cultuur erfgoed ruimte ordening verdichting krimp groei ' +
  'binnenstad centrum dorpen platteland openbare ruimte groen water bodem lucht gezondheid jongeren ouderen ' +
  'analyse evaluatie monitoring experiment pilot aanpak programma project resultaten lessen aanbevelingen ' +
  'vergroten versterken verbeteren ontwikkelen onderzoeken verkennen begrijpen ondersteunen betrekken ' +
  'effectief duurzaam sociaal ruimtelijk economisch lokaal regionaal nationaal publiek privaat coöperatief ' +
  'belangrijk nieuw bestaand verschillend gezamenlijk concreet structureel tijdelijk financiële maatschappelijke'
).split(/\s+/);

const KEYWORD_ROOTS =
  'clusters governance publiek-private samenwerking ruimtelijk-economisch beleid wijkaanpak leefbaarheid krimp ' +
  'energietransitie klimaatadaptatie woningmarkt stedelijke vernieuwing participatie burgerinitiatief mobiliteit ' +
  'binnenstedelijke verdichting sociale cohesie veiligheid armoedebestrijding schuldhulp integratie onderwijs ' +
  'arbeidsmarkt innovatie kennisdeling regionale economie erfgoed cultuur zorg welzijn gezondheid groen water ' +
  'coöperatie transformatie leegstand retail binnenstad platteland digitalisering data smart city circulaire economie';
const PLACES = [
  'Amsterdam',
  'Rotterdam',
  'Den Haag',
  'Utrecht',
  'Eindhoven',
  'Groningen',
  'Tilburg',
  'Almere',
  'Breda',
  'Nijmegen',
  'Enschede',
  'Apeldoorn',
  'Haarlem',
  'Arnhem',
  'Zaanstad',
  'Amersfoort',
  "'s-Hertogenbosch",
  'Zwolle',
  'Leiden',
  'Maastricht',
  'Dordrecht',
  'Zoetermeer',
  'Leeuwarden',
  'Deventer',
  'Delft',
  'Heerlen',
  'Hengelo',
  'Helmond',
  'Venlo',
  'Emmen',
  'Twente',
  'Assen',
  'Alkmaar',
  'Lelystad',
  'Gouda',
  'Schiedam',
  'Vlaardingen',
  'Roermond',
];
const PUB_KINDS = ['report', 'meeting-report', 'presentation', 'article', 'webpage', 'publication'] as const;
const STATUSES = ['planned', 'ongoing', 'completed', 'discontinued'] as const;

export interface GeneratedSet {
  dir: string;
  projects: number;
  organisations: number;
  programmes: number;
}

/** How many shared records a dataset of `projects` projects gets: pools grow slower than the projects. */
export function poolSizes(projects: number) {
  return {
    organisations: Math.max(20, Math.round(Math.sqrt(projects) * 12)),
    programmes: Math.max(4, Math.round(Math.sqrt(projects) / 2)),
    keywords: Math.max(40, Math.round(Math.sqrt(projects) * 4)),
  };
}

/** Writes dataset.yaml, organisations/, programmes/ and projects/ under `dir` (which must not be data/). */
export async function generate(dir: string, projects: number, seed = 42): Promise<GeneratedSet> {
  if (path.resolve(dir) === path.resolve('data')) throw new Error('the generator never writes into data/');
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  // A skewed pick: a few organisations and keywords are used far more than others, as in real data.
  const skewed = <T>(xs: readonly T[]): T => xs[Math.floor(r() ** 2.2 * xs.length)] as T;
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const sentence = () => {
    const s = words(int(9, 22));
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  };
  const prose = (chars: number) => {
    let t = sentence();
    while (t.length < chars) t += ` ${sentence()}`;
    return t;
  };
  const title = () => {
    const s = words(int(3, 8));
    return `${s[0]!.toUpperCase()}${s.slice(1)}`;
  };

  const sizes = poolSizes(projects);
  // Keywords are told apart by slug (their IRI), so labels whose slugs collide are dropped here.
  const roots = KEYWORD_ROOTS.split(' ');
  const bySlug = new Map<string, string>();
  for (let i = 0; bySlug.size < sizes.keywords && i < sizes.keywords * 10; i++) {
    const label = i < roots.length ? roots[i]! : `${pick(roots)} ${pick(WORDS.slice(20))}`;
    if (!bySlug.has(slug(label))) bySlug.set(slug(label), label);
  }
  const keywordLabels = [...bySlug.values()];

  await mkdir(path.join(dir, 'projects'), { recursive: true });
  await mkdir(path.join(dir, 'organisations'), { recursive: true });
  await mkdir(path.join(dir, 'programmes'), { recursive: true });
  const write = (rel: string, value: unknown, comment?: string) =>
    writeFile(path.join(dir, rel), `${comment ? `# ${comment}\n` : ''}${stringify(value, { lineWidth: 110 })}`);

  await write(
    'dataset.yaml',
    {
      baseIri: 'https://projectgraph.example/',
      title: { nl: 'Synthetische projecten (benchmark)', en: 'Synthetic projects (benchmark)' },
      description: {
        nl: 'Door bench/generate.ts gemaakte, verzonnen records.',
        en: 'Made-up records made by bench/generate.ts.',
      },
      publisher: { name: 'projectgraph benchmark', url: 'https://projectgraph.example/' },
      licence: 'http://creativecommons.org/publicdomain/zero/1.0/',
      contact: { name: 'Benchmark', email: 'bench@projectgraph.example' },
      keywordSet: { nl: 'Kernwoorden', en: 'Keywords' },
    },
    'Synthetic dataset made by bench/generate.ts; not real data.',
  );

  const orgIds: string[] = [];
  for (let i = 0; i < sizes.organisations; i++) {
    const id = `org-${String(i).padStart(5, '0')}`;
    orgIds.push(id);
    const type = pick(ORGANISATION_TYPES);
    const name = type === 'municipality' ? `Gemeente ${pick(PLACES)} ${i}` : `${title()} ${i}`;
    await write(`organisations/${id}.yaml`, {
      id,
      name: r() < 0.3 ? { nl: name, en: `${name} (en)` } : name,
      ...(r() < 0.4
        ? {
            alternateNames: [
              name
                .split(' ')
                .map((w) => w[0])
                .join('')
                .toUpperCase() + i,
            ],
          }
        : {}),
      type,
      ...(r() < 0.5 ? { description: prose(int(80, 240)) } : {}),
      ...(r() < 0.6 ? { url: `https://org${i}.example.org/` } : {}),
    });
  }
  const programmeIds: string[] = [];
  for (let i = 0; i < sizes.programmes; i++) {
    const id = `programma-${String(i).padStart(4, '0')}`;
    programmeIds.push(id);
    await write(`programmes/${id}.yaml`, {
      id,
      name: `Programma ${title()} ${i}`,
      ...(r() < 0.5 ? { alternateName: { nl: title(), en: `Programme ${i}` } } : {}),
      ...(r() < 0.7 ? { description: prose(int(150, 400)) } : {}),
      // The first programme is the umbrella; the others are part of it, as on the wiki.
      ...(i > 0 ? { partOf: programmeIds[0] } : {}),
      ...(r() < 0.5 ? { url: `https://programma${i}.example.org/` } : {}),
    });
  }

  // Files are written a few hundred at a time: fast, without thousands of open handles.
  let pending: Promise<void>[] = [];
  for (let i = 0; i < projects; i++) {
    const id = `project-${String(i).padStart(6, '0')}-${pick(WORDS.slice(20)).replace(/[^a-z]/g, '')}`;
    const start = int(1995, 2024);
    const status = pick(STATUSES);
    const name = title();
    const participants = [...new Set(Array.from({ length: int(1, 9) }, () => skewed(orgIds)))];
    const keywords = [...new Set(Array.from({ length: int(2, 6) }, () => skewed(keywordLabels)))];
    const publications = Array.from({ length: int(0, 4) }, (_, j) => {
      const kind = pick(PUB_KINDS);
      const withEvent = kind === 'meeting-report' || kind === 'presentation';
      return {
        id: `${id}-pub-${j}`,
        kind,
        title: r() < 0.2 ? { nl: title(), en: title() } : title(),
        ...(r() < 0.6 ? { url: `https://publicaties.example.org/${id}/${j}.pdf` } : {}),
        ...(r() < 0.5 ? { footnote: j + 1 } : {}),
        ...(withEvent
          ? {
              event: {
                name: `${title()} congres`,
                place: pick(PLACES),
                date: `${int(start, 2025)}-${String(int(1, 12)).padStart(2, '0')}`,
              },
            }
          : {}),
      };
    });
    const about = Array.from({ length: int(0, 3) }, (_, j) => ({
      id: `${id}-over-${j}`,
      name: title(),
      ...(r() < 0.7 ? { location: pick(PLACES) } : {}),
    }));
    const record = {
      id,
      name: r() < 0.25 ? { nl: name, en: `${name} (English title)` } : name,
      ...(r() < 0.4 ? { alternateName: title() } : {}),
      programme: pick(programmeIds),
      keywords,
      participants,
      startYear: start,
      ...(status === 'completed' || status === 'discontinued' ? { endYear: start + int(0, 6) } : {}),
      status,
      background: prose(int(200, 450)),
      description: r() < 0.15 ? { nl: prose(int(300, 600)), en: prose(int(200, 400)) } : prose(int(300, 600)),
      outcomes: prose(int(200, 600)),
      ...(publications.length > 0 ? { publications } : {}),
      ...(about.length > 0 ? { about } : {}),
      ...(r() < 0.5 ? { url: `https://projecten.example.org/${id}` } : {}),
      source: { title: `${name} — synthetische bron`, ...(r() < 0.5 ? { url: `https://wiki.example.org/${id}` } : {}) },
    };
    pending.push(write(`projects/${id}.yaml`, record));
    if (pending.length >= 256) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  return { dir, projects, organisations: sizes.organisations, programmes: sizes.programmes };
}
