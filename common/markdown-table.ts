/*
 * Markdown tables of fields generated from JSON Schemas (zod's toJSONSchema output): shared by the
 * generated references of the configuration, the components' options and the scenario format.
 */

export type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  required?: string[];
  format?: string;
};

/** A table cell: pipes escaped, one line. */
export function cell(text: string | undefined): string {
  return (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The type of a field as the reader should write it: `a` \| `b`, string[], map, integer. */
export function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (schema.type === 'object' && !schema.properties) return 'map';
  const base = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
  return schema.format ? `${base} (${schema.format})` : base;
}

/** `| name (required) | type | default | description |` for each field of an object schema. */
export function fieldRows(schema: JsonSchema, formatDefault: (value: unknown) => string = (value) => `\`${JSON.stringify(value)}\``): string[] {
  const rows: string[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (name === '$schema') continue;
    const required = schema.required?.includes(name) && field.default === undefined ? ' (required)' : '';
    rows.push(
      `| \`${name}\`${required} | ${typeOf(field)} | ${field.default === undefined ? '' : formatDefault(field.default)} | ${cell(field.description)} |`,
    );
  }
  return rows;
}
