import type { ScenarioContext } from '../runner/context.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { endpoint } from '../runner/discovery.ts';
import type { HttpResult } from '../runner/http.ts';
import type { ClientSpec } from '../targets/session.ts';
import { dpopProof } from '../actors/dpop.ts';

/*
 * The runner as an OAuth client at the IdP's token, revocation and device endpoints, authenticating
 * the way each client is registered (client_secret_basic, client_secret_post or none).
 */

export interface ClientCredentials {
  id: string;
  secret?: string | undefined;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export function credentialsOf(client: ClientSpec, secretOverride?: string): ClientCredentials {
  const secret = secretOverride ?? client.secret ?? client.config.secret;
  const configured = client.config.authMethod;
  if (configured === 'private_key_jwt' || configured === 'client_secret_jwt') {
    throw new StepFailure(
      `client "${client.id}" authenticates with ${configured}, which the runner's token requests do not support yet: use a client with a secret`,
    );
  }
  const method = configured ?? (secret ? 'client_secret_basic' : 'none');
  return { id: client.id, secret, method };
}

/** Form fields and headers that authenticate a client at the token endpoint. */
function authenticate(credentials: ClientCredentials, form: Record<string, string>): { form: Record<string, string>; headers: Record<string, string> } {
  if (credentials.method === 'client_secret_basic' && credentials.secret !== undefined) {
    const basic = Buffer.from(`${encodeURIComponent(credentials.id)}:${encodeURIComponent(credentials.secret)}`).toString('base64');
    return { form, headers: { authorization: `Basic ${basic}` } };
  }
  if (credentials.method === 'client_secret_post' && credentials.secret !== undefined)
    return { form: { ...form, client_id: credentials.id, client_secret: credentials.secret }, headers: {} };
  return { form: { ...form, client_id: credentials.id }, headers: {} };
}

/** POSTs a form to one of the IdP's endpoints (token_endpoint by default) as the client. */
export async function tokenRequest(
  ctx: ScenarioContext,
  credentials: ClientCredentials,
  form: Record<string, string>,
  label: string,
  which: 'token_endpoint' | 'revocation_endpoint' | 'device_authorization_endpoint' | 'introspection_endpoint' = 'token_endpoint',
  options: { dpopKey?: string | undefined } = {},
): Promise<HttpResult> {
  const auth = authenticate(credentials, form);
  const url = await endpoint(ctx, which);
  const send = async (nonce?: string) => {
    const dpop: Record<string, string> = options.dpopKey === undefined ? {} : { dpop: await dpopProof(ctx, options.dpopKey, { method: 'POST', url, nonce }) };
    return ctx.sendToIdp({ method: 'POST', url, form: auth.form, headers: { accept: 'application/json', ...auth.headers, ...dpop } }, label);
  };
  const first = await send();
  // RFC 9449 section 8: the server asks for its nonce once; a client tries again with it.
  const nonce = first.headers['dpop-nonce'];
  if (options.dpopKey !== undefined && nonce && (first.json as { error?: string } | undefined)?.error === 'use_dpop_nonce') return send(nonce);
  return first;
}

/** Token responses the scenario saw last (refresh, revoke and logout default to them). */
export interface LastTokens {
  client: string;
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
}

const LAST_TOKENS = '$tokens';

export function rememberTokens(ctx: ScenarioContext, client: string, json: unknown): void {
  if (!json || typeof json !== 'object') return;
  const body = json as Record<string, unknown>;
  const previous = (ctx.vars[LAST_TOKENS] as LastTokens | undefined) ?? { client };
  const next: LastTokens = { ...(previous.client === client ? previous : {}), client };
  for (const field of ['access_token', 'id_token', 'refresh_token'] as const) if (typeof body[field] === 'string') next[field] = body[field] as string;
  ctx.vars[LAST_TOKENS] = next;
}

export function lastTokens(ctx: ScenarioContext): LastTokens | undefined {
  return ctx.vars[LAST_TOKENS] as LastTokens | undefined;
}

/** "200 OK", or the OAuth error of a failed token response, for messages. */
export function describeTokenResponse(status: number | undefined, json: unknown): string {
  const body = json as { error?: string; error_description?: string } | undefined;
  if (body?.error) return `${status} ${body.error}${body.error_description ? `: ${body.error_description}` : ''}`;
  return String(status);
}

export function expectOk(label: string) {
  return (outcome: { status?: number; json?: unknown }): string | undefined =>
    outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300
      ? undefined
      : `${label} failed: ${describeTokenResponse(outcome.status, outcome.json)} (add an "expect" to this step if a failure is what you want)`;
}
