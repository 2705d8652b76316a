import type { JWTPayload } from 'jose';

/*
 * The lakeFS contract's claims are `additionalProperties: string`: lakeFS unmarshals them into
 * map[string]string and answers 500 for anything else. So every value becomes a string:
 * numbers and booleans as their JSON text, arrays of scalars joined with commas, objects as JSON;
 * null is dropped.
 */
export function stringClaims(claims: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    const text = stringValue(value);
    if (text !== undefined) out[name] = text;
  }
  return out;
}

function stringValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) return value.join(',');
  return JSON.stringify(value);
}

/** With a mapping, only the mapped claims (output name <- token claim) and sub are returned. */
export function mapClaims(claims: Record<string, string>, mapping: Record<string, string> | undefined): Record<string, string> {
  if (!mapping) return claims;
  const out: Record<string, string> = { sub: claims['sub']! };
  for (const [output, source] of Object.entries(mapping)) {
    const value = claims[source];
    if (value !== undefined) out[output] = value;
  }
  return out;
}
