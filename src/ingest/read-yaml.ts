// Reads one YAML file into a plain value plus a locator that turns a field path into file:line:column.
import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { DataError, type SourceLocation } from '../errors.ts';

/** Records are small; a file above this is refused before it is read whole. */
export const MAX_RECORD_FILE_BYTES = 1024 * 1024;

export type FieldPath = readonly (string | number)[];

export interface YamlSource {
  /** The file as shown to editors: relative to the working directory when inside it. */
  file: string;
  /** The location of the value at `path`, or of the nearest enclosing value that exists. */
  locate(path: FieldPath): SourceLocation;
}

export interface ParsedYaml {
  value: unknown;
  source: YamlSource;
}

export async function readYaml(absolutePath: string, displayPath: string): Promise<ParsedYaml> {
  const info = await stat(absolutePath);
  if (info.size > MAX_RECORD_FILE_BYTES) {
    throw new DataError([
      {
        code: 'FILE_TOO_LARGE',
        message: `file is ${info.size} bytes; a record file may hold at most ${MAX_RECORD_FILE_BYTES} bytes`,
        location: { file: displayPath, line: 1, column: 1 },
      },
    ]);
  }
  const text = await readFile(absolutePath, 'utf8');
  return parseYaml(text, displayPath);
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // maxAliasCount bounds alias expansion, so a "billion laughs" file is refused instead of eating memory.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new DataError(
      doc.errors.map((e) => ({
        code: 'YAML_SYNTAX' as const,
        message: `YAML syntax: ${firstLine(e.message)}`,
        location: { file, line: e.linePos?.[0].line ?? 1, column: e.linePos?.[0].col ?? 1 },
      })),
    );
  }
  const source: YamlSource = { file, locate: (path) => locate(doc, lineCounter, file, path) };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new DataError(
      [{ code: 'YAML_SYNTAX', message: `YAML: ${firstLine(String((cause as Error).message))}`, location: { file, line: 1, column: 1 } }],
      { cause },
    );
  }
  return { value, source };
}

function locate(doc: Document, lines: LineCounter, file: string, path: FieldPath): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return { file, line, column: col };
    }
  }
  return { file, line: 1, column: 1 };
}

/** A field path as editors write it: `publications[2].event.place`. */
export function formatField(p: FieldPath): string {
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
