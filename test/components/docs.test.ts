import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { COMPONENTS_DOC, renderComponentsDoc } from '../../components/docs/reference.ts';

describe('docs/components.md', () => {
  it('has current option and flaw tables (run `node components/docs/reference.ts --write` after changing options or flaws)', async () => {
    const page = await readFile(COMPONENTS_DOC, 'utf8');
    expect(page).toBe(renderComponentsDoc(page));
  });
});
