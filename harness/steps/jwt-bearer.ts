import { z } from 'zod';
import { credentialsOf, expectOk, rememberTokens, tokenRequest } from './oauth.ts';
import { defineStep } from './step.ts';

/*
 * A client trades a signed assertion about a user for an access token (RFC 7523 JWT bearer
 * grant), or, in the entra profile, a user's token for a downstream API's (on-behalf-of).
 */

const args = z.strictObject({
  client: z.string().min(1).describe('client_id of the client registered for jwt_bearer.'),
  assertion: z.string().min(1).describe("The signed JWT (for example ${minted.token} of a forge step, or a user's access token for on-behalf-of)."),
  scope: z.string().optional(),
  resource: z.string().optional(),
  requested_token_use: z.literal('on_behalf_of').optional().describe("Entra's on-behalf-of flow (entra profile)."),
});

type Args = z.output<typeof args>;

export const jwtBearerStep = defineStep<Args>({
  name: 'jwt_bearer',
  summary: "A client trades a signed assertion for an access token (RFC 7523), or a user's token for a downstream API's (Entra on-behalf-of).",
  schema: args,
  defaultAs: 'granted',
  label: (a) => `jwt_bearer as ${a.client}${a.requested_token_use ? ' (on behalf of)' : ''}`,
  async run(ctx, a) {
    const client = ctx.client(a.client);
    const form: Record<string, string> = { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: a.assertion };
    for (const field of ['scope', 'resource', 'requested_token_use'] as const) if (a[field] !== undefined) form[field] = a[field]!;
    const response = await tokenRequest(ctx, credentialsOf(client), form, 'token (jwt-bearer)');
    if (response.status === 200) rememberTokens(ctx, client.id, response.json);
    return { ...response, value: { client_id: client.id, tokens: response.json } };
  },
  implicitFailure: expectOk('jwt_bearer'),
});
