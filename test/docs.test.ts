import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { generatedDocs } from '../scripts/generate-docs.ts';

describe('generated documentation', () => {
  for (const [path, render] of Object.entries(generatedDocs)) {
    it(`${path} matches the code it is generated from (run \`npm run docs\` after changing it)`, async () => {
      expect(await readFile(path, 'utf8')).toBe(await render());
    });
  }
});
