import { z } from 'zod';
import { StepFailure } from '../runner/step-failure.ts';
import { credentialsOf, expectOk, lastTokens, rememberTokens, tokenRequest } from './oauth.ts';
import { defineStep } from './step.ts';

const args = z.strictObject({
  refresh_token: z.string().optional().describe('Refresh token (default: the latest one the scenario received).'),
  client: z.string().min(1).optional().describe('client_id (default: the client of the latest tokens).'),
  scope: z.string().optional().describe('Narrower (or, to test refusal, wider) scope.'),
});

type Args = z.output<typeof args>;

export const refreshStep = defineStep<Args>({
  name: 'refresh',
  summary: 'Redeems a refresh token (the latest one by default).',
  schema: args,
  defaultAs: 'refreshed',
  label: (a) => `refresh${a.client ? ` at ${a.client}` : ''}`,
  async run(ctx, a) {
    const last = lastTokens(ctx);
    const token = a.refresh_token ?? last?.refresh_token;
    if (!token) throw new StepFailure('no refresh token yet: log in with a client that has the refresh_token grant first, or pass refresh_token');
    const clientId = a.client ?? last?.client;
    if (!clientId) throw new StepFailure('which client? pass client');
    const client = ctx.client(clientId);
    const response = await tokenRequest(
      ctx,
      credentialsOf(client),
      { grant_type: 'refresh_token', refresh_token: token, ...(a.scope ? { scope: a.scope } : {}) },
      'token (refresh_token)',
    );
    if (response.status === 200) rememberTokens(ctx, client.id, response.json);
    return { ...response, value: { client_id: client.id, tokens: response.json } };
  },
  implicitFailure: expectOk('refresh'),
});
