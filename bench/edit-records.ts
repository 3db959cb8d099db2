// Edits some of a generated data set's projects in place, as an editor would: the bench's warm rebuilds follow it.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, parseDocument } from 'yaml';

/**
 * Appends a word to the (Dutch) name of `count` projects spread evenly over the sorted files; returns the files
 * edited. The rest of each file keeps its form.
 */
export async function editProjects(dataDir: string, count: number, mark: string): Promise<string[]> {
  const folder = path.join(dataDir, 'projects');
  const files = (await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort();
  const step = Math.max(1, Math.floor(files.length / Math.max(1, count)));
  const edited: string[] = [];
  for (let i = 0; i < files.length && edited.length < count; i += step) {
    const file = path.join(folder, files[i]!);
    const doc = parseDocument(await readFile(file, 'utf8'));
    const name = doc.get('name', true);
    // A name is a text, or a map of texts by language (nl always).
    if (isMap(name)) name.set('nl', `${String(name.get('nl'))} ${mark}`);
    else doc.set('name', `${String(doc.get('name'))} ${mark}`);
    await writeFile(file, doc.toString({ lineWidth: 110 }));
    edited.push(file);
  }
  return edited;
}
