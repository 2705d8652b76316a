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

describe('"Use it with <SDK>" snippets of the profile pages', () => {
  it("lists every file of docs/profiles/snippets on a page, and each page's test runs its file", async () => {
    const { readdir } = await import('node:fs/promises');
    const { SNIPPETS } = await import('../mock-idp/profiles/snippets.ts');
    const listed = Object.values(SNIPPETS).flat();
    expect(listed.map((snippet) => snippet.file).sort()).toEqual((await readdir('docs/profiles/snippets')).sort());
    for (const snippet of listed) expect(await readFile(snippet.test, 'utf8'), `${snippet.test} runs ${snippet.file}`).toContain(snippet.file);
  });
});
