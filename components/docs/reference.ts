import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { authenticatorOptionsSchema } from '../authenticator/options.ts';
import { bearerApiOptionsSchema } from '../bearer-api/options.ts';
import { FLAWS } from '../flaws.ts';
import { authMapSchema } from '../role-mapping/auth-map.ts';
import { commonOptions } from '../server/options.ts';
import { stsOptionsSchema } from '../sts/options.ts';
import { cell, fieldRows, type JsonSchema } from '../../mock-idp/config/markdown-table.ts';

/*
 * The option tables and the flaw table of docs/components.md are generated from the zod schemas
 * and from FLAWS, between <!-- generated:NAME --> markers; the rest of the page is prose. A test
 * checks they are current; `node components/docs/reference.ts --write` regenerates them.
 */

function optionsTable(schema: z.ZodObject): string {
  // a function default (the clock) has no JSON form: described by hand after the others
  const hasClock = 'now' in schema.shape;
  const json = z.toJSONSchema(hasClock ? schema.omit({ now: true }) : schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows = ['| Option | Type | Default | Description |', '| --- | --- | --- | --- |', ...fieldRows(json)];
  if (hasClock) rows.push(`| \`now\` | function | \`Date.now\` | ${cell(commonOptions.now.description)} |`);
  return rows.join('\n');
}

function flawTable(): string {
  const rows = ['| Flaw | Component | What the flawed variant does | Scenario that catches it |', '| --- | --- | --- | --- |'];
  for (const flaw of FLAWS) rows.push(`| \`${flaw.name}\` | ${flaw.component} | ${cell(flaw.description)} | ${cell(flaw.caughtBy)} |`);
  return rows.join('\n');
}

export const GENERATED_SECTIONS: Record<string, () => string> = {
  'authenticator-options': () => optionsTable(authenticatorOptionsSchema),
  'sts-options': () => optionsTable(stsOptionsSchema),
  'bearer-api-options': () => optionsTable(bearerApiOptionsSchema),
  'role-mapping-options': () => optionsTable(authMapSchema),
  flaws: flawTable,
};

/** The page with every generated section brought up to date. */
export function renderComponentsDoc(page: string): string {
  let out = page;
  for (const [name, render] of Object.entries(GENERATED_SECTIONS)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(out)) throw new Error(`docs/components.md has no <!-- generated:${name} --> section`);
    out = out.replace(pattern, (_match, open: string, close: string) => `${open}${render()}\n${close}`);
  }
  return out;
}

export const COMPONENTS_DOC = 'docs/components.md';

if (import.meta.main && process.argv.includes('--write')) {
  await writeFile(COMPONENTS_DOC, renderComponentsDoc(await readFile(COMPONENTS_DOC, 'utf8')));
  process.stdout.write(`wrote ${COMPONENTS_DOC}\n`);
}
