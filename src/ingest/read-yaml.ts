// Reads one YAML file into a plain value plus a locator that turns a field path into file:line:column.
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isNode, isPair, isScalar, isSeq, visit, type Document } from 'yaml';
import { DataError, type Problem, type SourceLocation } from '../errors.ts';
import { fastParse } from './fast-yaml.ts';

/** Records are small; a file above this is refused before it is read whole. */
export const MAX_RECORD_FILE_BYTES = 1024 * 1024;

export type FieldPath = readonly (string | number)[];

export interface YamlSource {
  /** The file as shown to editors: relative to the working directory when inside it. */
  file: string;
  /**
   * The location of the value at `path`, or of the nearest enclosing value that exists; with `key`, of the key
   * that names the last step of the path (where an unknown field is written).
   */
  locate(path: FieldPath, options?: { key?: boolean }): SourceLocation;
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
  const text = decodeUtf8(await readFile(absolutePath), displayPath);
  // The parsed document is not kept: at 100,000 records the syntax trees alone would take gigabytes. Locating a
  // field (only needed when something is wrong) reads and parses the file again, once.
  return parseYaml(text, displayPath, () => readFileSync(absolutePath, 'utf8'));
}

/**
 * The text of a record file, which must be UTF-8 (as the importer writes and requires): decoding another
 * encoding leniently would publish U+FFFD in place of every "é" of a Latin-1 file. Refused at the first bad byte.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const { line, column, byte } = firstInvalidUtf8(bytes);
    throw new DataError([
      {
        code: 'ENCODING',
        message:
          `the file is not UTF-8: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} cannot be read ` +
          '(the file was probably saved as Latin-1 or Windows-1252); save it as UTF-8',
        location: { file, line, column },
      },
    ]);
  }
}

/** Line and column (1-based, in characters) of the first byte that is not part of valid UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; column: number; byte: number } {
  // A line feed (0x0A) is never part of a multi-byte sequence, so each line can be checked on its own.
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      // Fed byte by byte, the decoder throws at the byte that cannot continue (or start) a sequence; the
      // characters decoded before it give the column. An unfinished sequence at the end of the line is the last
      // byte's fault, reported where that sequence started.
      const stream = new TextDecoder('utf-8', { fatal: true });
      let characters = 0;
      let sequenceStart = start;
      for (let i = start; i < end; i++) {
        let decoded: string;
        try {
          decoded = stream.decode(bytes.subarray(i, i + 1), { stream: true });
        } catch {
          return { line, column: characters + 1, byte: bytes[i] ?? 0 };
        }
        if (decoded.length > 0) {
          characters += [...decoded].length;
          sequenceStart = i + 1;
        }
      }
      return { line, column: characters + 1, byte: bytes[sequenceStart] ?? 0 };
    }
    start = end + 1;
  }
  return { line: 1, column: 1, byte: 0 };
}

/**
 * `reread` gives the text again for locating fields later; without it the text itself is kept for that. The value
 * is the `yaml` package's (parseYamlDocument); js-yaml gives it faster where the two agree (fast-yaml.ts). Either
 * way the locator parses with `yaml`, and only once something in the record needs a line.
 */
export function parseYaml(text: string, file: string, reread?: () => string): ParsedYaml {
  const value = fastParse(text);
  if (value !== undefined) return { value, source: lazySource(file, reread ?? (() => text)) };
  return parseYamlDocument(text, file, reread);
}

/** parseYaml with the `yaml` package alone: what a record file means, refused with located messages. */
export function parseYamlDocument(text: string, file: string, reread?: () => string): ParsedYaml {
  const lineCounter = new LineCounter();
  // The yaml package's own duplicate-key check compares every key with every other (a 100,000-key file took
  // minutes), so it is off and duplicateKeys() below does the same in one pass.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: false });
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
  const duplicates = duplicateKeys(doc, lineCounter, file);
  if (duplicates.length > 0) throw new DataError(duplicates);
  const source = lazySource(file, reread ?? (() => text));
  let value: unknown;
  try {
    // maxAliasCount bounds alias expansion, so a "billion laughs" file is refused instead of eating memory.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new DataError(
      [
        {
          code: 'YAML_SYNTAX',
          message: `YAML: ${firstLine(String((cause as Error).message))}`,
          location: { file, line: 1, column: 1 },
        },
      ],
      { cause },
    );
  }
  return { value, source };
}

/** A locator for a file read before: it reads and parses the file again only when a field is located. */
export function rereadingSource(absolutePath: string, displayPath: string): YamlSource {
  return lazySource(displayPath, () => readFileSync(absolutePath, 'utf8'));
}

/** A locator that parses the text on first use and keeps that parse for later lookups in the same file. */
function lazySource(file: string, text: () => string): YamlSource {
  let parsed: { doc: Document; lines: LineCounter } | undefined;
  return {
    file,
    locate(path, options) {
      if (!parsed) {
        let again: string;
        try {
          again = text();
        } catch {
          // The file vanished after it was read: the record is still reported, at the top of the file.
          return { file, line: 1, column: 1 };
        }
        const lines = new LineCounter();
        parsed = { doc: parseDocument(again, { lineCounter: lines, uniqueKeys: false }), lines };
      }
      if (options?.key) {
        const keyAt = locateKey(parsed.doc, parsed.lines, file, path);
        if (keyAt) return keyAt;
      }
      return locate(parsed.doc, parsed.lines, file, path);
    },
  };
}

/** Beyond this many, duplicate keys are counted, not listed: the editor has enough to go on. */
const MAX_DUPLICATES_LISTED = 20;

/** Every key given twice in one mapping, located at its second occurrence; linear in the size of the document. */
function duplicateKeys(doc: Document, lines: LineCounter, file: string): Problem[] {
  const problems: Problem[] = [];
  let more = 0;
  visit(doc, {
    Map(_key, map, path) {
      const seen = new Map<unknown, number>();
      for (const pair of map.items) {
        // Only scalar keys can be equal: the yaml package compares other keys (maps, lists) by identity too.
        if (!isScalar(pair.key)) continue;
        const key: unknown = pair.key.value;
        const offset = pair.key.range?.[0] ?? 0;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, offset);
          continue;
        }
        if (problems.length === MAX_DUPLICATES_LISTED) {
          more++;
          continue;
        }
        const { line, col } = lines.linePos(offset);
        const field = formatField([...fieldPathOf([...path, map]), String(key)]);
        problems.push({
          code: 'YAML_SYNTAX',
          message:
            `the field "${String(key)}" is given twice in one place ` +
            `(first on line ${lines.linePos(first).line}); keep one`,
          location: { file, line, column: col },
          field,
        });
      }
    },
  });
  if (more > 0) {
    problems.push({
      code: 'YAML_SYNTAX',
      message: `${more} more field${more === 1 ? ' is' : 's are'} given twice`,
      location: { file, line: 1, column: 1 },
    });
  }
  return problems;
}

/** The field path of the last of `ancestors` (as `visit` passes them, plus the node): pair keys and list indexes. */
function fieldPathOf(ancestors: readonly unknown[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (let i = 0; i < ancestors.length; i++) {
    const node = ancestors[i];
    const child = ancestors[i + 1];
    if (isPair(node) && isScalar(node.key)) out.push(String(node.key.value));
    else if (isSeq(node) && child !== undefined) out.push(node.items.indexOf(child as never));
  }
  return out;
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

function locateKey(doc: Document, lines: LineCounter, file: string, path: FieldPath): SourceLocation | undefined {
  const parent = path.length <= 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const last = path[path.length - 1];
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last));
  const start = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
  if (start === undefined) return undefined;
  const { line, col } = lines.linePos(start);
  return { file, line, column: col };
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
