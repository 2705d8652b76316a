import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Where the scenarios shipped with mockidp live: scenarios/ at the package root. This file runs from
 * harness/scenario/ in the repository and from dist/harness/scenario/ in the installed package, so the
 * root is found by walking up to the nearest package.json rather than by a fixed relative path.
 */

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`mockidp: no package.json above ${fileURLToPath(import.meta.url)}: the package is incomplete, reinstall it`);
    directory = parent;
  }
  root = directory;
  return root;
}

/** The built-in scenario library, run when no path is given. */
export function builtinScenarios(): string {
  return join(packageRoot(), 'scenarios');
}
