import { z } from 'zod';
import { credentialsOf, expectOk, rememberTokens, tokenRequest } from './oauth.ts';
import { defineStep } from './step.ts';

const args = z.strictObject({
  client: z.string().min(1).optional().describe("client_id (default: the target's app client, else service)."),
  secret: z.string().optional().describe('Secret to send instead of the registered one (e.g. a wrong one).'),
  scope: z.string().optional(),
  resource: z.string().optional().describe('RFC 8707 resource indicator.'),
  params: z.record(z.string(), z.string()).optional().describe('Extra form parameters.'),
  dpop: z
    .union([z.string().min(1), z.literal(true)])
    .optional()
    .describe(
      'Ask for a DPoP-bound token (RFC 9449) with a proof of the scenario\'s key of this name (true: "default"); a use_dpop_nonce answer is retried once with the nonce.',
    ),
});

type Args = z.output<typeof args>;

export const clientCredentialsStep = defineStep<Args>({
  name: 'client_credentials',
  summary: 'A machine client gets an access token with the client_credentials grant.',
  schema: args,
  defaultAs: 'cc',
  label: (a) => `client_credentials${a.client ? ` as ${a.client}` : ''}`,
  async run(ctx, a) {
    const client = a.client ? ctx.client(a.client) : (ctx.target?.setup.clients['app'] ?? ctx.client('service'));
    const form: Record<string, string> = {
      grant_type: 'client_credentials',
      ...(a.scope ? { scope: a.scope } : {}),
      ...(a.resource ? { resource: a.resource } : {}),
      ...a.params,
    };
    const dpopKey = a.dpop === true ? 'default' : a.dpop;
    const response = await tokenRequest(ctx, credentialsOf(client, a.secret), form, 'token (client_credentials)', 'token_endpoint', { dpopKey });
    rememberTokens(ctx, client.id, response.json);
    return { ...response, value: { client_id: client.id, tokens: response.json, ...(dpopKey ? { dpop_key: dpopKey } : {}) } };
  },
  implicitFailure: expectOk('client_credentials'),
});
