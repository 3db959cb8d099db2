// The version of the code a cache entry was made with: projectgraph's own modules and the libraries that write
// its output, so an entry made by other code is never used.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let memo: string | undefined;

/** sha256 over every module of projectgraph (src/ or dist/, whichever runs) and the lock file of its libraries. */
export function codeVersion(): string {
  if (memo !== undefined) return memo;
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const hash = createHash('sha256');
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(js|ts|json|css|yaml)$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
  for (const f of files) {
    hash.update(`${path.relative(root, f)}\n`);
    hash.update(readFileSync(f));
  }
  // The lock file pins every library that writes output (n3, jsonld, the SHACL engines, yaml).
  try {
    hash.update(readFileSync(path.join(path.dirname(root), 'package-lock.json')));
  } catch {
    hash.update('no package-lock.json\n');
  }
  memo = hash.digest('hex');
  return memo;
}
