// oidc-provider alone with the smallest headless login a test IdP needs: the same interaction API as mockidp's
// (interaction URLs that name their prompt, GET the interaction as JSON, POST login, POST consent), so one scripted
// user agent drives both the same way. The peer of mockidp's whole-flow rates: authorization code with PKCE,
// refresh tokens with rotation.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';
import { announce } from './announce.ts';

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'bench' };
const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const users = new Set(['alice', 'bob']);
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'demo',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['http://127.0.0.1:8080/callback'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [jwk] } as never,
  cookies: { keys: ['bench-cookie-key'] },
  findAccount: (_ctx, sub) => (users.has(sub) ? { accountId: sub, claims: () => ({ sub }) } : undefined),
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}?prompt=${interaction.prompt.name}` },
});

const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const callback = provider.callback();
server.on('request', async (req, res) => {
  const match = /^\/interaction\/([\w-]+)(\/login|\/consent)?(?:\?.*)?$/.exec(req.url ?? '');
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    const [, uid, action] = match;
    if (!action)
      return json(res, 200, {
        uid,
        prompt: details.prompt.name,
        actions: { login: `/interaction/${uid}/login`, consent: `/interaction/${uid}/consent`, abort: `/interaction/${uid}/abort` },
      });
    if (action === '/login') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const { username } = JSON.parse(body) as { username: string };
      return provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params['client_id'] as string });
    grant.addOIDCScope(String(details.params['scope']));
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  } catch (error) {
    return json(res, 400, { error: 'invalid_request', error_description: (error as Error).message });
  }
});
announce({ tokenUrl: `${issuer}/token`, discoveryUrl: `${issuer}/.well-known/openid-configuration` });
