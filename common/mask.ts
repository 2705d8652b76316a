/*
 * What a journal, a log or a report may show of a request. Secrets are replaced entirely; codes and
 * tokens keep a short prefix (enough to tell two apart in a sequence diagram) and their length.
 * Shared by the IdP's journal and the runner's traces (common/ imports nothing of the project).
 */

const SECRET_PARAMS = new Set(['client_secret', 'password', 'code_verifier', 'client_assertion', 'assertion']);
const TOKEN_PARAMS = new Set([
  'code',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'device_code',
  'id_token_hint',
  'logout_token',
  'subject_token',
  'actor_token',
  'request',
  'xsrf',
]);

export function maskToken(value: string): string {
  return value.length <= 8 ? '…' : `${value.slice(0, 6)}…(${value.length})`;
}

/** At most this many characters of a parameter are kept (then its length). */
const PARAM_CHARS = 512;
/** At most this many parameters of one request are kept. */
const MAX_PARAMS = 64;

/** Text cut to `max` characters, with the original length when it was longer. */
export function boundText(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max)}…(${value.length})` : value;
}

function maskParam(name: string, value: string): string {
  if (SECRET_PARAMS.has(name)) return '***';
  if (TOKEN_PARAMS.has(name)) return maskToken(value);
  return boundText(value, PARAM_CHARS);
}

/**
 * The parameters of one or more sources (query, then body: a later source's value wins, as in an object spread),
 * masked and bounded. The sources are read as they are: merging them first costs a copy, and a slow one for the
 * prototype-less objects Node's querystring makes.
 */
export function maskParams(...sources: Array<Record<string, unknown> | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  let kept = 0;
  const more = new Set<string>();
  for (const params of sources) {
    if (params === undefined) continue;
    for (const name of Object.keys(params)) {
      const value = params[name];
      if (value === undefined) continue;
      const key = boundText(name, 64);
      if (!Object.hasOwn(out, key)) {
        if (kept === MAX_PARAMS) {
          more.add(key);
          continue;
        }
        kept += 1;
      }
      out[key] = maskParam(name, textOf(value));
    }
  }
  if (more.size > 0) out['…'] = `${more.size} more parameters`;
  return out;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : textOf(item))).join(' ');
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return '[unprintable]';
    }
  }
  return String(value);
}

/*
 * Authentication schemes whose name the journal shows. Anything else in the header may be a
 * credential sent without a scheme (a bare JWT, base64 client:secret), so none of it is kept.
 */
const KNOWN_SCHEMES = new Set([
  'basic',
  'bearer',
  'dpop',
  'digest',
  'negotiate',
  'ntlm',
  'token',
  'mac',
  'hoba',
  'mutual',
  'vapid',
  'aws4-hmac-sha256',
  'scram-sha-1',
  'scram-sha-256',
  'gnap',
  'privatetoken',
  'concealed',
]);

/** Masks an Authorization header down to its scheme (and Basic auth's client id, a SigV4 header's scope). */
export function maskAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (!KNOWN_SCHEMES.has(scheme.toLowerCase())) return `*** (${header.length} characters, no known scheme)`;
  const credentials = header.slice(space + 1).trim();
  if (scheme.toLowerCase() === 'basic' && credentials) return `Basic ${basicClientId(credentials)}:***`;
  if (scheme.toLowerCase() === 'aws4-hmac-sha256') return `${scheme} ${boundText(credentials.replace(/Signature=[0-9a-f]+/, 'Signature=***'), 160)}`;
  return `${scheme} ***`;
}

const SECRET_QUERY = new RegExp(
  `([?&](?:${[...SECRET_PARAMS, ...TOKEN_PARAMS, 'state', 'user_code', 'X-Amz-Signature', 'X-Amz-Security-Token'].join('|')})=)([^&#]+)`,
  'gi',
);

/** A URL with the codes, tokens and secrets of its query shortened. */
export function maskUrl(url: string): string {
  return url.replace(
    SECRET_QUERY,
    (_, name: string, value: string) => `${name}${SECRET_PARAMS.has(name.slice(1, -1).toLowerCase()) ? '***' : maskToken(value)}`,
  );
}

/** The client id of Basic credentials, percent-decoded when it can be (RFC 6749 2.3.1), as sent otherwise. */
function basicClientId(credentials: string): string {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return '?';
  const raw = boundText(decoded.slice(0, colon), 128);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/*
 * Fields of bodies and headers (token responses, STS credentials, cookies) that hold a secret or a token,
 * beyond the OAuth parameters above: what the runner's reports and failure messages mask.
 */
const SECRET_FIELDS = new Set([...SECRET_PARAMS, 'secret', 'verifier', 'secretaccesskey', 'secret_access_key']);
const TOKEN_FIELDS = new Set([
  ...TOKEN_PARAMS,
  'sessiontoken',
  'session_token',
  'webidentitytoken',
  'identitytoken',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-amz-security-token',
]);

/** Whether a field (of a body or of headers, in any case) holds a secret (shown as ***), a token (shortened), or neither. */
export function secrecyOf(name: string): 'secret' | 'token' | undefined {
  const lower = name.toLowerCase();
  if (SECRET_FIELDS.has(lower)) return 'secret';
  if (TOKEN_FIELDS.has(lower)) return 'token';
  return undefined;
}

/** Headers as a report may show them: credentials down to their scheme, cookies and session tokens to their length, long values cut. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') out[lower] = maskAuthorization(value) ?? '';
    else if (secrecyOf(lower)) out[lower] = value.length > 0 ? `*** (${value.length} characters)` : '';
    else out[lower] = boundText(value, 300);
  }
  return out;
}
