// Edits some of a generated data set's projects in place, as an editor would: the bench's warm rebuilds follow it.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Appends a word to the name of `count` projects spread evenly over the sorted files; returns the files edited. */
export async function editProjects(dataDir: string, count: number, mark: string): Promise<string[]> {
  const folder = path.join(dataDir, 'projects');
  const files = (await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort();
  const step = Math.max(1, Math.floor(files.length / Math.max(1, count)));
  const edited: string[] = [];
  for (let i = 0; i < files.length && edited.length < count; i += step) {
    const file = path.join(folder, files[i]!);
    const text = await readFile(file, 'utf8');
    const next = text.replace(/^name: (.*)$/m, (_, name: string) => `name: ${name} ${mark}`);
    if (next === text) throw new Error(`${file} has no name line to edit`);
    await writeFile(file, next);
    edited.push(file);
  }
  return edited;
}
