import { z } from 'zod';
import { authenticatorOptionsSchema, authMapSchema, bearerApiOptionsSchema, FLAWS, stsOptionsSchema } from '../../components/index.ts';
import { cell, fieldRows, type JsonSchema } from '../../common/markdown-table.ts';

/*
 * docs/components.md is prose with generated sections between <!-- generated:NAME --> markers: the option tables
 * from the components' zod schemas and the flaw table from FLAWS. `npm run docs` brings them up to date.
 */

function optionsTable(schema: z.ZodObject): string {
  // a function default (the clock) has no JSON form: described by hand after the others
  const clock = schema.shape['now'];
  const json = z.toJSONSchema(clock ? schema.omit({ now: true }) : schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows = ['| Option | Type | Default | Description |', '| --- | --- | --- | --- |', ...fieldRows(json)];
  if (clock) rows.push(`| \`now\` | function | \`Date.now\` | ${cell(clock.description)} |`);
  return rows.join('\n');
}

function flawTable(): string {
  const rows = ['| Flaw | Component | What the flawed variant does | Scenario that catches it |', '| --- | --- | --- | --- |'];
  for (const flaw of FLAWS) rows.push(`| \`${flaw.name}\` | ${flaw.component} | ${cell(flaw.description)} | ${cell(flaw.caughtBy)} |`);
  return rows.join('\n');
}

const SECTIONS: Record<string, () => string> = {
  'authenticator-options': () => optionsTable(authenticatorOptionsSchema),
  'sts-options': () => optionsTable(stsOptionsSchema),
  'bearer-api-options': () => optionsTable(bearerApiOptionsSchema),
  'role-mapping-options': () => optionsTable(authMapSchema),
  flaws: flawTable,
};

/** The page with every generated section brought up to date. */
export function renderComponentsDoc(page: string): string {
  let out = page;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(out)) throw new Error(`docs/components.md has no <!-- generated:${name} --> section`);
    out = out.replace(pattern, (_match, open: string, close: string) => `${open}${render()}\n${close}`);
  }
  return out;
}
