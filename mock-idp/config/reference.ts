import { z } from 'zod';
import { configSchema } from './schema.ts';

/*
 * The configuration reference (docs/configuration.md) and the editor schema
 * (docs/mockidp.config.schema.json) are generated from the zod schema, so they never drift from
 * what the server accepts.
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
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
};

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object' && !schema.properties) return 'map';
  const base = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
  return schema.format ? `${base} (${schema.format})` : base;
}

function defaultOf(schema: JsonSchema): string {
  if (schema.default === undefined) return '';
  const text = JSON.stringify(schema.default);
  return text.length > 60 ? '(see below)' : `\`${text}\``;
}

function cell(text: string | undefined): string {
  return (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function section(path: string, schema: JsonSchema, out: string[]): void {
  if (!schema.properties) return;
  out.push(`### \`${path}\``, '');
  if (schema.description) out.push(schema.description, '');
  out.push('| Field | Type | Default | Description |', '| --- | --- | --- | --- |');
  const nested: Array<[string, JsonSchema]> = [];
  for (const [name, field] of Object.entries(schema.properties)) {
    if (name === '$schema') continue;
    const required = schema.required?.includes(name) && field.default === undefined ? ' (required)' : '';
    out.push(`| \`${name}\`${required} | ${typeOf(field)} | ${defaultOf(field)} | ${cell(field.description)} |`);
    if (field.properties) nested.push([`${path}.${name}`, field]);
    else if (field.type === 'object' && typeof field.additionalProperties === 'object') nested.push([`${path}.${name}.<${name === 'users' ? 'username' : name === 'clients' ? 'client_id' : 'name'}>`, field.additionalProperties]);
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
    'Environment overrides: `MOCKIDP_CONFIG` (file), `MOCKIDP_HOST`, `MOCKIDP_PORT`, `MOCKIDP_ADMIN_TOKEN`, `MOCKIDP_BASE_URL`; command-line flags win over both.',
    '',
  ];
  section('config', schema, out);
  return `${out.join('\n').trimEnd()}\n`;
}
