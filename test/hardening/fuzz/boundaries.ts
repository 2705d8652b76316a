import fc from 'fast-check';
import { z } from 'zod';

/*
 * Values at and past the edges of a schema, read from the JSON Schema that zod makes of it: each
 * number at its minimum and maximum and one past them, the largest safe integers, fractions where
 * an integer is due; strings empty, huge, with line breaks, outside Latin-1, or shaped like a script
 * URL; every enum value and one that is not; arrays empty and long; objects with and without each
 * field and with one unknown field; and now and then a value of another type altogether.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  default?: unknown;
};

const HOSTILE_STRINGS = [
  '',
  ' ',
  'a',
  'x'.repeat(5000),
  'a\r\nSet-Cookie: x=y',
  '\u0000',
  'é✓期',
  '%zz',
  '../../etc/passwd',
  'javascript:alert(1)',
  'data:text/html,x',
  'http://127.0.0.1:8080/callback',
  'com.example.app:/cb',
  '<script>alert(1)</script>',
  '${kid}',
  'RS256',
  'ES256',
  'alice',
  'demo',
  'default',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '2026-01-01T00:00:00+14:00',
  '250ms',
  '1m',
  '99999m',
];
const EDGE_NUMBERS = [
  0,
  -1,
  1,
  0.5,
  -0.5,
  1e21,
  -1e21,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 31,
  2 ** 31 - 1,
  3_155_760_000,
  3_155_760_001,
  1e308,
];

function numberValues(schema: JsonSchema): fc.Arbitrary<unknown> {
  const edges = [...EDGE_NUMBERS];
  for (const bound of [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum])
    if (bound !== undefined) edges.push(bound, bound - 1, bound + 1);
  const integer = schema.type === 'integer';
  return fc.oneof(fc.constantFrom(...edges), integer ? fc.integer() : fc.double({ noNaN: true }));
}

function stringValues(schema: JsonSchema): fc.Arbitrary<unknown> {
  const lengths = [schema.minLength, schema.maxLength]
    .filter((value): value is number => value !== undefined)
    .flatMap((length) => [length, length + 1, Math.max(0, length - 1)]);
  return fc.oneof(
    fc.constantFrom(...HOSTILE_STRINGS, ...lengths.map((length) => 'a'.repeat(Math.min(length, 100_000)))),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
  );
}

function arbitraryFor(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const other = fc.jsonValue({ maxDepth: 1 });
  const typed = typedArbitrary(schema, depth);
  return fc.oneof({ arbitrary: typed, weight: 9 }, { arbitrary: other, weight: 1 });
}

function typedArbitrary(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum, 'not-one-of-them');
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices && choices.length > 0) return fc.oneof(...choices.map((choice) => arbitraryFor(choice, depth)));
  if (schema.allOf && schema.allOf.length > 0) return arbitraryFor(schema.allOf[0]!, depth);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      return numberValues(schema);
    case 'string':
      return stringValues(schema);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth > 3 || !schema.items) return fc.constant([]);
      const item = arbitraryFor(schema.items, depth + 1);
      return fc.oneof(fc.constant([]), fc.array(item, { maxLength: 3 }), fc.array(item, { minLength: 40, maxLength: 60 }));
    }
    case 'object': {
      if (depth > 3) return fc.constant({});
      const properties = schema.properties ?? {};
      const names = Object.keys(properties);
      const known = fc.record(Object.fromEntries(names.map((name) => [name, arbitraryFor(properties[name]!, depth + 1)])), { requiredKeys: [] });
      const extra =
        typeof schema.additionalProperties === 'object'
          ? fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), arbitraryFor(schema.additionalProperties, depth + 1), { maxKeys: 3 })
          : fc.constant({});
      return fc.tuple(known, extra, fc.boolean()).map(([fields, more, unknown]) => ({ ...more, ...fields, ...(unknown ? { unknownField: 1 } : {}) }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Values at and past the edges of a zod schema's input. */
export function boundaryValues(schema: z.ZodType): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return arbitraryFor(json, 0);
}
