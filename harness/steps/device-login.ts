import { z } from 'zod';
import { approveDevice, LoginError } from '../actors/browserless-login.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { credentialsOf, rememberTokens, tokenRequest } from './oauth.ts';
import { defineStep } from './step.ts';

/*
 * The device flow (RFC 8628) with a simulated person: the runner asks for a device code, the person
 * opens the verification page in a browser, logs in and approves (or denies, or never comes), then
 * the runner polls the token endpoint once.
 */

const args = z.strictObject({
  user: z.string().min(1).default('alice').describe('Who approves on the verification page.'),
  password: z.string().optional(),
  client: z.string().min(1).default('cli').describe('client_id of the device (default cli).'),
  scope: z.string().default('openid profile email groups offline_access'),
  decision: z.enum(['approve', 'deny', 'none']).default('approve').describe('What the person does: approve, deny, or nothing (never opens the page).'),
  enter_code: z.boolean().default(false).describe('Type the user code on the verification page instead of opening verification_uri_complete.'),
  poll: z.boolean().default(true).describe('Poll the token endpoint once afterwards.'),
  browser: z.string().min(1).default('device-user'),
});

type Args = z.output<typeof args>;

export const deviceLoginStep = defineStep<Args>({
  name: 'device_login',
  summary: 'Device authorization (RFC 8628): a person approves or denies the user code in a browser, then the runner polls once.',
  schema: args,
  defaultAs: 'device',
  label: (a) => `device login ${a.user} at ${a.client} (${a.decision})`,
  async run(ctx, a) {
    const client = ctx.client(a.client);
    const credentials = credentialsOf(client);
    const started = await tokenRequest(ctx, credentials, { scope: a.scope }, 'device authorization', 'device_authorization_endpoint');
    const device = started.json as
      | { device_code?: string; user_code?: string; verification_uri?: string; verification_uri_complete?: string; interval?: number; expires_in?: number }
      | undefined;
    if (started.status !== 200 || !device?.device_code) {
      return { ...started, value: { error: (started.json as { error?: string } | undefined)?.error ?? 'device_authorization_failed', status: started.status } };
    }
    const value: Record<string, unknown> = {
      device_code: device.device_code,
      user_code: device.user_code,
      verification_uri: device.verification_uri,
      verification_uri_complete: device.verification_uri_complete,
      interval: device.interval,
      expires_in: device.expires_in,
    };
    if (a.decision !== 'none') {
      const uri = a.enter_code ? device.verification_uri : (device.verification_uri_complete ?? device.verification_uri);
      if (!uri) throw new StepFailure('the device authorization response has no verification_uri');
      try {
        await approveDevice({
          verificationUri: uri,
          userCode: device.user_code,
          username: a.user,
          ...(a.password === undefined ? {} : { password: a.password }),
          decision: a.decision,
          userAgent: ctx.browser(a.browser),
        });
      } catch (error) {
        if (!(error instanceof LoginError)) throw error;
        throw new StepFailure(`the person could not ${a.decision} the device: ${error.message}`);
      }
    }
    if (!a.poll) return { ...started, value };
    const polled = await tokenRequest(
      ctx,
      credentials,
      { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code },
      'token (device_code)',
    );
    rememberTokens(ctx, client.id, polled.json);
    return { ...polled, value: { ...value, tokens: polled.json } };
  },
  implicitFailure(outcome, a) {
    if (!a.poll || a.decision !== 'approve') return undefined;
    const error = (outcome.json as { error?: string } | undefined)?.error;
    return outcome.status === 200
      ? undefined
      : `the device flow did not issue tokens: ${outcome.status}${error ? ` ${error}` : ''} (add an "expect" if that is what you want)`;
  },
});
