// `npm run docs`: regenerates the documents that are derived from code (a test checks they are current).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { configJsonSchema, configReference } from '../mock-idp/config/reference.ts';
import { scenarioCatalogue, scenarioReference } from '../harness/scenario/reference.ts';
import { faultsReference } from '../mock-idp/faults/reference.ts';
import { profilePages } from '../mock-idp/profiles/reference.ts';
import { conformanceReference } from '../harness/conformance/coverage.ts';
import { renderArchitectureDoc } from './docs/architecture.ts';
import { renderComponentsDoc } from './docs/components.ts';

export const generatedDocs: Record<string, () => string | Promise<string>> = {
  'docs/configuration.md': configReference,
  'docs/mockidp.config.schema.json': () => `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
  'docs/faults.md': faultsReference,
  'docs/scenario-reference.md': scenarioReference,
  'docs/scenario-catalogue.md': () => scenarioCatalogue(),
  'docs/conformance.md': () => conformanceReference(),
  // prose around generated tables: rendered from the page as it is
  'docs/components.md': async () => renderComponentsDoc(await readFile('docs/components.md', 'utf8')),
  'docs/architecture.md': async () => renderArchitectureDoc(await readFile('docs/architecture.md', 'utf8')),
  ...Object.fromEntries(Object.entries(profilePages()).map(([path, text]) => [path, () => text])),
};

if (import.meta.main) {
  await mkdir('docs/profiles', { recursive: true });
  for (const [path, render] of Object.entries(generatedDocs)) {
    await writeFile(path, await render());
    process.stdout.write(`wrote ${path}\n`);
  }
}
