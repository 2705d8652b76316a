import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../../harness/cli/run.ts';

/** The `npx mockidp run ...` command lines of a CI file, with CI variables given their defaults. */
function runCommands(text: string): string[][] {
  const lines: string[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string' && node.includes('npx mockidp run')) lines.push(node.slice(node.indexOf('npx mockidp run') + 'npx mockidp run'.length));
    else if (node && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(parse(text));
  return lines.map((line) => (line.replace(/\$\{\w+:-(\w+)\}/g, '$1').match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).map((word) => word.replace(/"/g, '')));
}

describe('CI examples in docs/ci', () => {
  for (const file of ['github-actions.yml', 'gitlab-ci.yml']) {
    it(`${file} is valid YAML whose mockidp run command uses only flags the runner accepts`, async () => {
      const commands = runCommands(await readFile(new URL(`../../../docs/ci/${file}`, import.meta.url), 'utf8'));
      expect(commands.length).toBeGreaterThan(0);
      for (const args of commands) {
        const parsed = parseRunArgs(args);
        expect(parsed.options.targets?.length).toBe(1);
        expect(parsed.reporters).toContain('junit');
        expect(parsed.outDir).toBe('reports/mockidp');
      }
    });
  }
});
