import { decodeJwt, decodeProtectedHeader } from 'jose';

export interface DecodedToken {
  /** Response field the token came in: id_token, access_token, refresh_token. */
  field: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const TOKEN_FIELDS = ['id_token', 'access_token', 'refresh_token'];

/**
 * Header and claims of the JWTs in a token response, for people reading the journal. The
 * signature is dropped, so what the journal shows can be read but never replayed.
 */
export function decodeTokens(body: unknown): DecodedToken[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const decoded: DecodedToken[] = [];
  for (const field of TOKEN_FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value !== 'string' || value.split('.').length !== 3) continue;
    try {
      decoded.push({ field, header: decodeProtectedHeader(value) as Record<string, unknown>, payload: decodeJwt(value) as Record<string, unknown> });
    } catch {
      // not a JWT after all (or deliberately malformed): nothing to show
    }
  }
  return decoded.length > 0 ? decoded : undefined;
}
