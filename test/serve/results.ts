// Test helper: reads a SPARQL answer in any format the endpoint writes back into one shape, so formats can be compared.
import jsonld from 'jsonld';
import { Parser } from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { SaxesParser } from 'saxes';
import type { Quad, Term } from '@rdfjs/types';

export type Answer =
  | { kind: 'bindings'; vars: string[]; rows: Record<string, string>[] }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'quads'; quads: Quad[] };

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const RESULTS_NS = 'http://www.w3.org/2005/sparql-results#';

/** A term as N-Triples writes it; plain strings without their implied datatype. */
export function termString(t: Term): string {
  if (t.termType === 'NamedNode') return `<${t.value}>`;
  if (t.termType === 'BlankNode') return `_:${t.value}`;
  if (t.termType === 'Literal') {
    const lexical = JSON.stringify(t.value);
    if (t.language) return `${lexical}@${t.language}`;
    return t.datatype.value === `${XSD}string` ? lexical : `${lexical}^^<${t.datatype.value}>`;
  }
  return `?${t.value}`;
}

function jsonTerm(t: { type: string; value: string; 'xml:lang'?: string; datatype?: string }): string {
  if (t.type === 'uri') return `<${t.value}>`;
  if (t.type === 'bnode') return `_:${t.value}`;
  const lexical = JSON.stringify(t.value);
  if (t['xml:lang']) return `${lexical}@${t['xml:lang']}`;
  return t.datatype && t.datatype !== `${XSD}string` ? `${lexical}^^<${t.datatype}>` : lexical;
}

function readXml(text: string): Answer {
  const parser = new SaxesParser({ xmlns: true });
  const vars: string[] = [];
  const rows: Record<string, string>[] = [];
  let boolean: boolean | undefined;
  let row: Record<string, string> | undefined;
  let binding = '';
  let element: { name: string; lang?: string; datatype?: string } | undefined;
  let chars = '';
  parser.on('opentag', (tag) => {
    if (tag.uri !== RESULTS_NS) throw new Error(`element ${tag.name} is not in the SPARQL results namespace`);
    const attr = (name: string) => (tag.attributes[name] as { value: string } | undefined)?.value;
    if (tag.local === 'variable') vars.push(attr('name') ?? '');
    else if (tag.local === 'result') row = {};
    else if (tag.local === 'binding') binding = attr('name') ?? '';
    else if (['uri', 'literal', 'bnode', 'boolean'].includes(tag.local)) {
      element = {
        name: tag.local,
        ...(attr('xml:lang') ? { lang: attr('xml:lang') } : {}),
        ...(attr('datatype') ? { datatype: attr('datatype') } : {}),
      };
      chars = '';
    }
  });
  parser.on('text', (t) => (chars += t));
  parser.on('closetag', (tag) => {
    if (tag.local === 'boolean') boolean = chars.trim() === 'true';
    else if (element && tag.local === element.name && row) {
      const type = element.name === 'literal' ? 'literal' : element.name;
      row[binding] = jsonTerm({
        type,
        value: chars,
        ...(element.lang ? { 'xml:lang': element.lang } : {}),
        ...(element.datatype ? { datatype: element.datatype } : {}),
      });
      element = undefined;
    } else if (tag.local === 'result' && row) {
      rows.push(row);
      row = undefined;
    }
  });
  parser.write(text).close();
  return boolean !== undefined ? { kind: 'boolean', value: boolean } : { kind: 'bindings', vars, rows };
}

/** CSV as RFC 4180 writes it, CRLF line ends required (SPARQL 1.1 CSV). */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      field = '';
      record = [];
      i++;
    } else if (c === '\n') throw new Error('CSV line ends must be CRLF');
    else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error('CSV must end with CRLF');
  return records;
}

/** A TSV cell is a term in Turtle syntax; read through n3 as the object of a triple. */
function tsvTerm(cell: string): string {
  const [q] = new Parser({ format: 'Turtle' }).parse(`<x:s> <x:p> ${cell} .`);
  return termString(q!.object);
}

function quadsOf(text: string, format: string): Promise<Quad[]> {
  return new Promise((resolve, reject) => {
    const quads: Quad[] = [];
    const parser = new RdfXmlParser({ baseIRI: 'http://base.example/' });
    parser.on('data', (q: Quad) => quads.push(q));
    parser.on('error', reject);
    parser.on('end', () => resolve(quads));
    if (format !== 'application/rdf+xml') reject(new Error(format));
    parser.end(text);
  });
}

/** Reads an answer written in `mediaType`; throws when the text is not that format. */
export async function readAnswer(mediaType: string, text: string): Promise<Answer> {
  switch (mediaType) {
    case 'application/sparql-results+json': {
      const json = JSON.parse(text) as {
        head: { vars?: string[] };
        boolean?: boolean;
        results?: { bindings: Record<string, never>[] };
      };
      // SPARQL 1.1 JSON results have exactly these members (a "link" member is allowed, and not written here).
      const members = Object.keys(json).sort().join(',');
      if (members !== 'boolean,head' && members !== 'head,results')
        throw new Error(`SPARQL JSON with members ${members}`);
      if (typeof json.boolean === 'boolean') return { kind: 'boolean', value: json.boolean };
      return {
        kind: 'bindings',
        vars: json.head.vars ?? [],
        rows: json.results!.bindings.map((b) =>
          Object.fromEntries(Object.entries(b).map(([k, v]) => [k, jsonTerm(v)])),
        ),
      };
    }
    case 'application/sparql-results+xml':
      return readXml(text);
    case 'text/csv': {
      const [head, ...records] = readCsv(text);
      if (head?.[0] === '_askResult') return { kind: 'boolean', value: records[0]?.[0] === 'true' };
      return {
        kind: 'bindings',
        vars: head ?? [],
        rows: records.map((r) => Object.fromEntries(r.flatMap((v, i) => (v === '' ? [] : [[head![i]!, v]])))),
      };
    }
    case 'text/tab-separated-values': {
      const lines = text.split('\n');
      if (lines.pop() !== '') throw new Error('TSV must end with a line end');
      const head = lines.shift()!.split('\t');
      if (head[0] === '?_askResult') return { kind: 'boolean', value: lines[0] === 'true' };
      if (!head.every((v) => v.startsWith('?'))) throw new Error('TSV variables start with ?');
      const vars = head.map((v) => v.slice(1));
      return {
        kind: 'bindings',
        vars,
        rows: lines.map((l) =>
          Object.fromEntries(l.split('\t').flatMap((v, i) => (v === '' ? [] : [[vars[i]!, tsvTerm(v)]]))),
        ),
      };
    }
    case 'text/turtle':
    case 'application/n-triples':
      return { kind: 'quads', quads: new Parser({ format: mediaType }).parse(text) };
    case 'application/ld+json': {
      const nquads = (await jsonld.toRDF(JSON.parse(text) as object, {
        format: 'application/n-quads',
        documentLoader: async (url: string) => {
          throw new Error(`a result must not need ${url}`);
        },
      })) as unknown as string;
      return { kind: 'quads', quads: new Parser({ format: 'application/n-quads' }).parse(nquads) };
    }
    case 'application/rdf+xml':
      return { kind: 'quads', quads: await quadsOf(text, mediaType) };
    default:
      throw new Error(`no reader for ${mediaType}`);
  }
}

/** CSV keeps only lexical forms: the same rows with each term reduced to what CSV writes. */
export function asCsv(rows: Record<string, string>[]): Record<string, string>[] {
  const lexical = (t: string) =>
    t.startsWith('<')
      ? t.slice(1, -1)
      : t.startsWith('"')
        ? (JSON.parse(t.slice(0, t.lastIndexOf('"') + 1)) as string)
        : t;
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, lexical(v)])));
}
