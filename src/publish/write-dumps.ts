// Writes a dump piece by piece, hashing as it goes, so no dump of a large graph has to fit in one string (V8 caps them at ~512 MB).
import { invariant } from '../errors.ts';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Quad } from '@rdfjs/types';
import { toTurtle } from './turtle.ts';

/** Characters gathered before each write to disk. */
const FLUSH_AT = 1 << 20;
/** Statements per Turtle piece; pieces end at a subject boundary. */
const TURTLE_PIECE = 20_000;

export interface Written {
  bytes: number;
  sha256: string;
}

/** Writes `pieces` into `file` in writes of about a megabyte; returns the size and SHA-256 of the bytes written. */
export async function writePieces(file: string, pieces: Iterable<string> | AsyncIterable<string>): Promise<Written> {
  return (await writePiecesGzipped(file, pieces, false)).plain;
}

/**
 * The same, and with `gzip` also `<file>.gz` from the same bytes (level 1: a dump is large and read far more
 * often than it is written; the compression runs on libuv's threads beside the writing). Node's gzip header
 * carries no time or name, so the same bytes always give the same file.
 */
export async function writePiecesGzipped(
  file: string,
  pieces: Iterable<string> | AsyncIterable<string>,
  gzip: boolean,
): Promise<{ plain: Written; gzip?: Written }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(file, 'w');
  const packed = gzip ? gzipTo(`${file}.gz`) : undefined;
  try {
    let buffer: string[] = [];
    let size = 0;
    const flush = async () => {
      const chunk = Buffer.from(buffer.join(''), 'utf8');
      hash.update(chunk);
      bytes += chunk.length;
      await Promise.all([handle.write(chunk), packed?.write(chunk)]);
      buffer = [];
      size = 0;
    };
    for await (const piece of pieces) {
      buffer.push(piece);
      size += piece.length;
      if (size >= FLUSH_AT) await flush();
    }
    if (size > 0) await flush();
  } catch (e) {
    packed?.destroy();
    throw e;
  } finally {
    await handle.close();
  }
  const plain = { bytes, sha256: hash.digest('hex') };
  return packed ? { plain, gzip: await packed.end() } : { plain };
}

/** A gzip stream into `file` that counts and hashes what it writes. */
function gzipTo(file: string) {
  const zip = createGzip({ level: 1 });
  const sink = createWriteStream(file);
  const hash = createHash('sha256');
  let bytes = 0;
  zip.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  const done = pipeline(zip, sink);
  return {
    async write(chunk: Buffer): Promise<void> {
      if (!zip.write(chunk)) await once(zip, 'drain');
    },
    async end(): Promise<Written> {
      zip.end();
      await done;
      return { bytes, sha256: hash.digest('hex') };
    },
    destroy(): void {
      zip.destroy();
      done.catch(() => {});
    },
  };
}

/**
 * Turtle in pieces of whole subjects, each written by toTurtle, with the prefix block only on the first. Joined,
 * they are byte-identical to toTurtle over the whole graph: the writer ends every subject the same way.
 */
export async function* turtlePieces(quads: Quad[], prefixes: Record<string, string>): AsyncGenerator<string> {
  const header = await toTurtle([], prefixes);
  if (quads.length === 0) yield header;
  let start = 0;
  while (start < quads.length) {
    let end = Math.min(quads.length, start + TURTLE_PIECE);
    while (end < quads.length && quads[end]!.subject.equals(quads[end - 1]!.subject)) end++;
    const text = await toTurtle(quads.slice(start, end), prefixes);
    invariant(text.startsWith(header), 'the Turtle writer did not start with the prefix block');
    yield start === 0 ? text : text.slice(header.length);
    start = end;
  }
}
