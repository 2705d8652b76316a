import { z } from 'zod';
import { configSchema } from './schema.ts';
import { fieldRows, type JsonSchema } from '../../common/markdown-table.ts';

/*
 * The configuration reference (docs/configuration.md) and the editor schema
 * (docs/mockidp.config.schema.json) are generated from the zod schema, so they never drift from
 * what the server accepts.
 */

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function defaultOf(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? '(see below)' : `\`${text}\``;
}

function section(path: string, schema: JsonSchema, out: string[]): void {
  if (!schema.properties) return;
  out.push(`### \`${path}\``, '');
  if (schema.description) out.push(schema.description, '');
  out.push('| Field | Type | Default | Description |', '| --- | --- | --- | --- |', ...fieldRows(schema, defaultOf));
  const nested: Array<[string, JsonSchema]> = [];
  for (const [name, field] of Object.entries(schema.properties)) {
    if (name === '$schema') continue;
    if (field.properties) nested.push([`${path}.${name}`, field]);
    else if (field.type === 'object' && typeof field.additionalProperties === 'object')
      nested.push([`${path}.${name}.<${name === 'users' ? 'username' : name === 'clients' ? 'client_id' : 'name'}>`, field.additionalProperties]);
    else if (field.type === 'array' && field.items?.properties) nested.push([`${path}.${name}[]`, field.items]);
  }
  out.push('');
  for (const [childPath, child] of nested) section(childPath, child, out);
}

export function configReference(): string {
  const schema = configJsonSchema() as JsonSchema;
  const out = [
    '# Configuration reference',
    '',
    '<!-- Generated from mock-idp/config/schema.ts by `npm run docs`; do not edit by hand. -->',
    '',
    'A configuration file is YAML or JSON (`mockidp serve --config FILE`, env `MOCKIDP_CONFIG`). Unknown fields are errors,',
    'reported with file, line and the path of the field. Editors can validate and complete it with the JSON Schema in',
    '[`mockidp.config.schema.json`](mockidp.config.schema.json) (YAML: first line `# yaml-language-server: $schema=./docs/mockidp.config.schema.json`).',
    '',
    'The whole configuration can also be given as text in `MOCKIDP_CONFIG_INLINE` (YAML or JSON, for Compose and CI files);',
    'it is validated the same way and its errors name the variable, line and column. Setting both `MOCKIDP_CONFIG` and',
    '`MOCKIDP_CONFIG_INLINE` is an error; `--config` wins over both.',
    '',
    'Environment overrides: `MOCKIDP_CONFIG` (file), `MOCKIDP_CONFIG_INLINE` (text), `MOCKIDP_HOST`, `MOCKIDP_PORT`, `MOCKIDP_ADMIN_TOKEN`, `MOCKIDP_BASE_URL`; command-line flags win over both.',
    '',
  ];
  section('config', schema, out);
  return `${out.join('\n').trimEnd()}\n`;
}
