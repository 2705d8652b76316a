import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from './builtin.ts';
import { HarnessError } from '../errors.ts';

/*
 * Scenario files under the paths given: *.yaml and *.yml, recursively, in a stable order. Files
 * whose name starts with "_" are includes (shared set-up), not scenarios.
 */

const isScenarioFile = (path: string) => ['.yaml', '.yml'].includes(extname(path).toLowerCase()) && !basename(path).startsWith('_');

class DiscoveryError extends HarnessError {}

export async function findScenarioFiles(paths: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const path of paths) {
    let info: Stats;
    try {
      info = await stat(path);
    } catch {
      throw new DiscoveryError(`${path}: no such file or directory`);
    }
    if (info.isDirectory()) for (const file of await walk(path)) found.add(file);
    else found.add(resolve(path));
  }
  return [...found].sort();
}

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile() && isScenarioFile(path)) files.push(resolve(path));
  }
  return files;
}

/**
 * How a file is shown: relative to the working directory, with forward slashes. Built-in scenarios are
 * shown as scenarios/... wherever the package is installed, so their ids match the catalogue.
 */
export function displayPath(file: string, cwd = process.cwd()): string {
  const builtin = relative(packageRoot(), file);
  if (builtin.startsWith(`scenarios${sep}`)) return builtin.split(sep).join('/');
  const rel = relative(cwd, file);
  return (rel.startsWith('..') ? file : rel).split(sep).join('/');
}
