import { z } from 'zod';
import { ComponentError } from '../errors.ts';
import type { ProviderMetadata } from '../oidc/discovery.ts';
import { UpstreamError } from '../oidc/errors.ts';
import { excerpt, fetchJson, isObject, parseAnswer } from '../oidc/http.ts';

/*
 * RFC 8628 from the device's side: ask for a user code, then poll the token endpoint at the
 * announced interval (5 s when none is announced), 5 s slower after every slow_down, until the
 * user approves or denies, or the device code expires.
 */

/** RFC 8628 §3.2; an interval that is not a positive number means the default of 5 s. */
const deviceAuthorizationSchema = z.looseObject({
  device_code: z.string(),
  user_code: z.string(),
  verification_uri: z.string(),
  verification_uri_complete: z.string().optional(),
  expires_in: z.number(),
  interval: z.number().positive().optional().catch(undefined),
});

type DeviceAuthorization = z.output<typeof deviceAuthorizationSchema>;

/** RFC 6749 §5.1: what the CLI keeps of a successful token response. */
const tokenResponseSchema = z.looseObject({
  access_token: z.string(),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
  refresh_token: z.string().optional(),
  id_token: z.string().optional(),
  scope: z.string().optional(),
});

export type TokenResponse = z.output<typeof tokenResponseSchema>;

class DeviceFlowError extends ComponentError {
  readonly error: string;
  constructor(error: string, message: string) {
    super(message);
    this.error = error;
  }
}

export interface Polling {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  timeoutMs: number;
  /** RFC 8628 §3.5: add 5 s after slow_down (false only in the ignore-slow-down flaw). */
  honourSlowDown: boolean;
  onWait?: (seconds: number, reason: 'interval' | 'slow_down') => void;
}

function form(values: Record<string, string>): { method: string; headers: Record<string, string>; body: URLSearchParams } {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(values) };
}

export async function requestDeviceCode(metadata: ProviderMetadata, clientId: string, scope: string, timeoutMs: number): Promise<DeviceAuthorization> {
  if (!metadata.device_authorization_endpoint)
    throw new UpstreamError(`the IdP ${metadata.issuer} has no device_authorization_endpoint: it does not support the device flow`);
  const response = await fetchJson(metadata.device_authorization_endpoint, {
    ...form({ client_id: clientId, scope }),
    timeoutMs,
    what: 'device authorization',
  });
  const body = isObject(response.body) ? response.body : undefined;
  if (response.status !== 200) {
    if (body && typeof body['error'] === 'string')
      throw new DeviceFlowError(
        body['error'],
        `the IdP refused the device authorization: ${body['error']}${typeof body['error_description'] === 'string' ? ` (${body['error_description']})` : ''}`,
      );
    throw new UpstreamError(`device authorization answered ${response.status}: ${excerpt(response.text)}`, response.status);
  }
  // Google names the page verification_url (its guide "OAuth 2.0 for TV and Limited-Input Device Applications"); clients in the wild accept both.
  if (body && typeof body['verification_uri'] !== 'string' && typeof body['verification_url'] === 'string') body['verification_uri'] = body['verification_url'];
  if (
    !body ||
    typeof body['device_code'] !== 'string' ||
    typeof body['user_code'] !== 'string' ||
    typeof body['verification_uri'] !== 'string' ||
    typeof body['expires_in'] !== 'number'
  ) {
    throw new UpstreamError(`device authorization answered without device_code, user_code, verification_uri and expires_in: ${excerpt(response.text)}`);
  }
  return parseAnswer(deviceAuthorizationSchema, body, 'the device authorization answer');
}

async function tokenRequest(
  endpoint: string,
  values: Record<string, string>,
  timeoutMs: number,
): Promise<{ ok: true; tokens: TokenResponse } | { ok: false; error: string; description: string | undefined }> {
  const response = await fetchJson(endpoint, { ...form(values), timeoutMs, what: 'token endpoint' });
  const body = isObject(response.body) ? response.body : undefined;
  if (response.status === 200 && body && typeof body['access_token'] === 'string')
    return { ok: true, tokens: parseAnswer(tokenResponseSchema, body, 'the token response') };
  if (body && typeof body['error'] === 'string')
    return { ok: false, error: body['error'], description: typeof body['error_description'] === 'string' ? body['error_description'] : undefined };
  throw new UpstreamError(`the token endpoint answered ${response.status}: ${excerpt(response.text)}`, response.status);
}

export async function pollForTokens(tokenEndpoint: string, clientId: string, device: DeviceAuthorization, polling: Polling): Promise<TokenResponse> {
  let interval = device.interval ?? 5;
  const deadline = polling.now() + device.expires_in * 1000;
  let reason: 'interval' | 'slow_down' = 'interval';
  for (;;) {
    polling.onWait?.(interval, reason);
    await polling.sleep(interval * 1000);
    if (polling.now() >= deadline) throw new DeviceFlowError('expired_token', `the code ${device.user_code} expired before it was approved: run login again`);
    const result = await tokenRequest(
      tokenEndpoint,
      { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code, client_id: clientId },
      polling.timeoutMs,
    );
    if (result.ok) return result.tokens;
    reason = 'interval';
    switch (result.error) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        if (polling.honourSlowDown) interval += 5;
        reason = 'slow_down';
        continue;
      case 'access_denied':
        throw new DeviceFlowError('access_denied', 'the login was denied on the verification page');
      case 'expired_token':
        throw new DeviceFlowError('expired_token', `the code ${device.user_code} expired before it was approved: run login again`);
      default:
        throw new DeviceFlowError(result.error, `the IdP refused the login: ${result.error}${result.description ? ` (${result.description})` : ''}`);
    }
  }
}

export async function refreshTokens(tokenEndpoint: string, clientId: string, refreshToken: string, timeoutMs: number): Promise<TokenResponse> {
  const result = await tokenRequest(tokenEndpoint, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }, timeoutMs);
  if (result.ok) return result.tokens;
  throw new DeviceFlowError(
    result.error,
    `the IdP refused the refresh token: ${result.error}${result.description ? ` (${result.description})` : ''}; run login again`,
  );
}

/** RFC 7009 revocation, best effort: logout works offline too. */
export async function revokeToken(endpoint: string, clientId: string, token: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetchJson(endpoint, { ...form({ token, token_type_hint: 'refresh_token', client_id: clientId }), timeoutMs, what: 'revocation' });
    return response.status === 200;
  } catch {
    return false;
  }
}
