import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { authenticatorOptionsSchema } from '../authenticator/options.ts';
import { bearerApiOptionsSchema } from '../bearer-api/options.ts';
import { FLAWS } from '../flaws.ts';
import { authMapSchema } from '../role-mapping/auth-map.ts';
import { commonOptions } from '../server/options.ts';
import { stsOptionsSchema } from '../sts/options.ts';

/*
 * The option tables and the flaw table of docs/components.md are generated from the zod schemas
 * and from FLAWS, between <!-- generated:NAME --> markers; the rest of the page is prose. A test
 * checks they are current; `node components/docs/reference.ts --write` regenerates them.
 */

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  required?: string[];
  format?: string;
};

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (schema.type === 'object' && !schema.properties) return 'map';
  if (schema.type === undefined) return 'string';
  const base = Array.isArray(schema.type) ? schema.type.join(' \\| ') : schema.type;
  return schema.format ? `${base} (${schema.format})` : base;
}

const cell = (text: string | undefined) => (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');

function optionsTable(schema: z.ZodObject): string {
  // a function default (the clock) has no JSON form: described by hand after the others
  const hasClock = 'now' in schema.shape;
  const json = z.toJSONSchema(hasClock ? schema.omit({ now: true }) : schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows = ['| Option | Type | Default | Description |', '| --- | --- | --- | --- |'];
  for (const [name, field] of Object.entries(json.properties ?? {})) {
    const required = json.required?.includes(name) && field.default === undefined ? ' (required)' : '';
    const fallback = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
    rows.push(`| \`${name}\`${required} | ${typeOf(field)} | ${fallback} | ${cell(field.description)} |`);
  }
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
