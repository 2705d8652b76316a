import { z } from 'zod';
import { StepFailure } from '../runner/step-failure.ts';
import { credentialsOf, expectOk, lastTokens, tokenRequest } from './oauth.ts';
import { defineStep } from './step.ts';

const args = z.strictObject({
  token: z.string().optional().describe('Token to revoke (default: the latest refresh token, else access token).'),
  hint: z.enum(['access_token', 'refresh_token']).optional().describe('token_type_hint.'),
  client: z.string().min(1).optional().describe('client_id (default: the client of the latest tokens).'),
});

type Args = z.output<typeof args>;

export const revokeStep = defineStep<Args>({
  name: 'revoke',
  summary: 'Revokes a token at the IdP (RFC 7009).',
  schema: args,
  label: (a) => `revoke ${a.hint ?? 'token'}`,
  async run(ctx, a) {
    const last = lastTokens(ctx);
    const token = a.token ?? last?.refresh_token ?? last?.access_token;
    if (!token) throw new StepFailure('no token to revoke yet: get tokens first, or pass token');
    const clientId = a.client ?? last?.client;
    if (!clientId) throw new StepFailure('which client? pass client');
    const hint = a.hint ?? (a.token === undefined ? (last?.refresh_token ? 'refresh_token' : 'access_token') : undefined);
    return tokenRequest(ctx, credentialsOf(ctx.client(clientId)), { token, ...(hint ? { token_type_hint: hint } : {}) }, 'revocation', 'revocation_endpoint');
  },
  implicitFailure: expectOk('revocation'),
});
