import { z } from 'zod';
import { StepFailure } from '../runner/step-failure.ts';
import { latestToken } from '../targets/params.ts';
import { credentialsOf, expectOk, rememberTokens, tokenRequest } from './oauth.ts';
import { defineStep } from './step.ts';

/*
 * A client trades a token for another at the IdP (RFC 8693 token exchange): a gateway that calls
 * an API for the user who called it, with or without saying who acts (actor_token).
 */

const tokenType = z
  .string()
  .min(1)
  .transform((value) => (value.includes(':') ? value : `urn:ietf:params:oauth:token-type:${value}`))
  .describe('A token type URN, or its last part: access_token, refresh_token, id_token, jwt.');

const args = z.strictObject({
  client: z.string().min(1).describe('client_id of the client registered for token_exchange.'),
  subject_token: z.string().optional().describe('The token to trade (default: the latest access token of the scenario).'),
  subject_token_type: tokenType.default('access_token'),
  actor_token: z.string().optional().describe('Token of the party that acts for the subject.'),
  actor_token_type: tokenType.optional(),
  requested_token_type: tokenType.optional(),
  audience: z.string().optional(),
  resource: z.string().optional(),
  scope: z.string().optional(),
});

type Args = z.output<typeof args>;

export const tokenExchangeStep = defineStep<Args>({
  name: 'token_exchange',
  summary: 'A client trades a token for another at the IdP (RFC 8693 token exchange).',
  schema: args,
  defaultAs: 'exchanged',
  label: (a) => `token_exchange as ${a.client}${a.audience ? ` for ${a.audience}` : ''}`,
  async run(ctx, a) {
    const client = ctx.client(a.client);
    const subject = a.subject_token ?? latestToken(ctx, 'access_token');
    if (!subject) throw new StepFailure('no token to exchange yet: log in or use client_credentials first, or pass subject_token');
    const form: Record<string, string> = {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: subject,
      subject_token_type: a.subject_token_type,
    };
    for (const field of ['actor_token', 'actor_token_type', 'requested_token_type', 'audience', 'resource', 'scope'] as const)
      if (a[field] !== undefined) form[field] = a[field]!;
    const response = await tokenRequest(ctx, credentialsOf(client), form, 'token (token-exchange)');
    if (response.status === 200) rememberTokens(ctx, client.id, response.json);
    return { ...response, value: { client_id: client.id, tokens: response.json } };
  },
  implicitFailure: expectOk('token_exchange'),
});
