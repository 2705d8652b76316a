import { describe, expect, it } from 'vitest';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { JwtVerifier } from 'aws-jwt-verify';
import { startSts } from '../../components/index.ts';
import { defaultConfig } from '../../mock-idp/index.ts';
import { httpsIdp, runSnippet } from './support.ts';

/*
 * AWS's libraries and an https tenant: aws-jwt-verify (which refuses http JWKS URIs) verifies the
 * tenant's tokens with its defaults, and @aws-sdk/client-sts still gets credentials from the
 * reference STS, which checks web identity tokens of the https IdP (its caFile).
 */

const idp = await httpsIdp({
  ...defaultConfig,
  tenants: {
    default: {
      ...defaultConfig.tenants['default'],
      clients: { ...defaultConfig.tenants['default']!.clients, 'sts-client': { secret: 'sts-client-secret', grants: ['client_credentials'] } },
    },
  },
});
const issuer = idp.issuer('default');

describe('aws-jwt-verify, https tenant', () => {
  const verifier = JwtVerifier.create({ issuer, audience: 'api://default', jwksUri: `${issuer}/jwks` });

  it('verifies an access token of the tenant (JWKS over https, RS256 and ES256 keys)', async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const { token } = await idp.admin.mint('default', { type: 'access_token', client: 'service', alg });
      expect(await verifier.verify(token)).toMatchObject({ iss: issuer, aud: 'api://default', client_id: 'service' });
    }
  });

  it('refuses an expired token and one for another audience', async () => {
    const expired = (await idp.admin.mint('default', { type: 'access_token', client: 'service', ttlSeconds: -600 })).token;
    await expect(verifier.verify(expired)).rejects.toThrow(/expired/i);
    const other = (await idp.admin.mint('default', { type: 'access_token', client: 'service', audience: 'api://other' })).token;
    await expect(verifier.verify(other)).rejects.toThrow(/audience/i);
  });
});

describe('@aws-sdk/client-sts and the reference STS, https IdP', () => {
  it("assumes a role with a web identity token the STS checked against the https IdP's keys", async () => {
    const sts = await startSts({ issuer, clientIds: ['sts-client'], roles: [{ name: 'web-identity' }], caFile: idp.ca!.path, logLevel: 'silent' });
    try {
      const { token } = await idp.admin.mint('default', { user: 'alice', client: 'sts-client' });
      const client = new STSClient({ endpoint: sts.url, region: 'us-east-1', maxAttempts: 1 });
      const out = await client.send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::123456789012:role/web-identity', RoleSessionName: 'alice', WebIdentityToken: token }),
      );
      expect(out).toMatchObject({ SubjectFromWebIdentityToken: 'alice', Provider: issuer, Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/) } });
    } finally {
      await sts.close();
    }
  });
});

describe("the profile index's aws-jwt-verify snippet", () => {
  it('runs as printed (node, NODE_EXTRA_CA_CERTS) against the default tenant', async () => {
    const payload = JSON.parse((await runSnippet('any.aws-jwt-verify.mjs', idp)).trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(payload).toMatchObject({ iss: issuer, aud: 'api://default', client_id: 'service' });
  });
});
