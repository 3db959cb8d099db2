// Reads one YAML file into a plain value plus a locator that turns a field path into file:line:column.
import { readFileSync } from 'node:fs';
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
  // The parsed document is not kept: at 100,000 records the syntax trees alone would take gigabytes. Locating a
  // field (only needed when something is wrong) reads and parses the file again, once.
  return parseYaml(text, displayPath, () => readFileSync(absolutePath, 'utf8'));
}

/** `reread` gives the text again for locating fields later; without it the text itself is kept for that. */
export function parseYaml(text: string, file: string, reread?: () => string): ParsedYaml {
  const lineCounter = new LineCounter();
  // maxAliasCount bounds alias expansion, so a "billion laughs" file is refused instead of eating memory.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = text.split(/\r?\n/);
    throw new DataError(
      doc.errors.map((e) => {
        const reported = e.linePos?.[0].line ?? 1;
        // An unclosed [ or { is detected only where the next key starts; point at the line that opened it.
        const opened = /^Flow (sequence|mapping)/.test(e.message) ? unclosedFlowLine(lines, reported) : undefined;
        const line = opened ?? reported;
        const field = enclosingTopLevelKey(lines, line);
        return {
          code: 'YAML_SYNTAX' as const,
          // The yaml package repeats the position in its message; we print our own.
          message: `YAML syntax: ${firstLine(e.message).replace(/ at line \d+, column \d+:?$/, '')}`,
          location: { file, line, column: opened ? 1 : (e.linePos?.[0].col ?? 1) },
          ...(field ? { field } : {}),
        };
      }),
    );
  }
  const source = lazySource(file, reread ?? (() => text));
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

/** A locator that parses the text on first use and keeps that parse for later lookups in the same file. */
function lazySource(file: string, text: () => string): YamlSource {
  let parsed: { doc: Document; lines: LineCounter } | undefined;
  return {
    file,
    locate(path) {
      if (!parsed) {
        let again: string;
        try {
          again = text();
        } catch {
          // The file vanished after it was read: the record is still reported, at the top of the file.
          return { file, line: 1, column: 1 };
        }
        const lines = new LineCounter();
        parsed = { doc: parseDocument(again, { lineCounter: lines, uniqueKeys: true }), lines };
      }
      return locate(parsed.doc, parsed.lines, file, path);
    },
  };
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

/** The last line before `line` that opens more [ or { than it closes, if any. */
function unclosedFlowLine(lines: string[], line: number): number | undefined {
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const l = lines[i] ?? '';
    const open = (l.match(/[[{]/g) ?? []).length;
    const close = (l.match(/[\]}]/g) ?? []).length;
    if (open > close) return i + 1;
  }
  return undefined;
}

/** The top-level key whose value holds `line` (1-based): the field an editor was writing when the syntax broke. */
function enclosingTopLevelKey(lines: string[], line: number): string | undefined {
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = /^([A-Za-z_][\w-]*)\s*:/.exec(lines[i] ?? '');
    if (m) return m[1];
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
