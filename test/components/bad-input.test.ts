import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64url } from 'jose';
import { startAuthenticator, startBearerApi, startSts } from '../../components/index.ts';
import { startComponentIdp } from './support/idp.ts';
import { authenticatorOptions, started } from './support/components.ts';
import { stsCall } from './support/sts.ts';

/*
 * Whatever arrives, the components answer with a deliberate 4xx and stay up: random JSON bodies,
 * random query parameters, random JWT-shaped tokens, random Authorization headers.
 */

const idp = await startComponentIdp();
const issuer = idp.issuer('default');
const authenticator = await started(startAuthenticator(authenticatorOptions(idp)));
const sts = await started(startSts({ issuer, clientIds: ['sts-client'], authenticatorUrl: `${authenticator.url}/api/v1` }));
const minio = await started(startSts({ issuer, clientIds: ['sts-client'], flavour: 'minio' }));
const api = await started(startBearerApi({ issuer, audiences: ['api://storage'], roleMapping: { mode: 'converge', map: { admins: 'admin' } } }));

const verifier = fc.stringMatching(/^[A-Za-z0-9\-._~]{43,60}$/);
const loginBody = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      code: fc.oneof(fc.string(), fc.jsonValue()),
      state: fc.oneof(verifier, fc.string(), fc.jsonValue()),
      redirect_uri: fc.oneof(fc.constant('http://127.0.0.1:8765/cb'), fc.string()),
    },
    { requiredKeys: [] },
  ),
);
/** A token-shaped string: random JSON header and payload, random signature bytes. */
const jwtShaped = fc
  .tuple(
    fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          alg: fc.constantFrom('RS256', 'ES256', 'none', 'HS256', 'PS256', 'EdDSA'),
          kid: fc.oneof(fc.string(), fc.integer(), fc.constant('test-rs256')),
          typ: fc.string(),
          crit: fc.array(fc.string()),
        },
        { requiredKeys: ['alg'] },
      ),
    ),
    fc.jsonValue(),
    fc.uint8Array({ maxLength: 300 }),
  )
  .map(
    ([header, payload, signature]) =>
      `${base64url.encode(JSON.stringify(header) ?? 'null')}.${base64url.encode(JSON.stringify(payload) ?? 'null')}.${base64url.encode(signature)}`,
  );

describe('bad input never crashes a component', () => {
  it('the authenticator answers 400, 401 or 413 to any JSON body', async () => {
    await fc.assert(
      fc.asyncProperty(loginBody, async (body) => {
        const response = await fetch(`${authenticator.url}/sts/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body) ?? 'null',
        });
        const reply = (await response.json()) as { message?: unknown };
        expect([400, 401, 413]).toContain(response.status);
        expect(typeof reply.message).toBe('string');
      }),
      { numRuns: 150 },
    );
  });

  it('the authenticator answers 400 or 401 to any identityToken', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(jwtShaped, fc.string()), async (token) => {
        const response = await fetch(`${authenticator.url}/auth/external/principal/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identityToken: token }),
        });
        expect([400, 401]).toContain(response.status);
      }),
      { numRuns: 200 },
    );
  });

  it('the STS answers AssumeRoleWithWebIdentity with a random token with a 400 XML error', async () => {
    await fc.assert(
      fc.asyncProperty(jwtShaped, fc.constantFrom(sts.url, minio.url), async (token, url) => {
        const reply = await stsCall(url, {
          Action: 'AssumeRoleWithWebIdentity',
          Version: '2011-06-15',
          RoleArn: 'arn:aws:iam::123456789012:role/web-identity',
          RoleSessionName: 'fuzz',
          WebIdentityToken: token,
        });
        expect(reply.status).toBe(400);
        expect(reply.xml['ErrorResponse']['Error']['Code']).toMatch(/^(InvalidIdentityToken|InvalidParameterValue|ValidationError)$/);
      }),
      { numRuns: 200 },
    );
  });

  it('the STS answers any query parameters with a deliberate status and an XML body', async () => {
    const params = fc.dictionary(
      fc.oneof(fc.constantFrom('Action', 'Version', 'RoleArn', 'RoleSessionName', 'WebIdentityToken', 'DurationSeconds', 'Policy', 'Token'), fc.string()),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(params, fc.constantFrom(sts.url, minio.url), fc.constantFrom<'GET' | 'POST'>('GET', 'POST'), async (query, url, method) => {
        const reply = await stsCall(url, query, { method });
        expect([400, 403, 413]).toContain(reply.status);
        expect(reply.xml['ErrorResponse']['Error']['Code']).toEqual(expect.any(String));
      }),
      { numRuns: 200 },
    );
  });

  it('the STS answers any lakeFS login body with 400, 401 or 413', async () => {
    await fc.assert(
      fc.asyncProperty(loginBody, fc.option(fc.oneof(fc.integer(), fc.jsonValue())), async (body, ttl) => {
        const withTtl = typeof body === 'object' && body !== null && !Array.isArray(body) && ttl !== null ? { ...body, ttl_seconds: ttl } : body;
        const response = await fetch(`${sts.url}/api/v1/sts/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(withTtl) ?? 'null',
        });
        expect([400, 401, 413]).toContain(response.status);
      }),
      { numRuns: 150 },
    );
  });

  it('the bearer API answers any Authorization header with 401 or 403', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          jwtShaped.map((token) => `Bearer ${token}`),
          fc.string().map((text) => `Bearer ${text}`),
          fc.stringMatching(/^[\x21-\x7e ]{0,200}$/),
        ),
        async (header) => {
          const response = await fetch(`${api.url}/whoami`, { headers: { authorization: header } });
          expect([401, 403]).toContain(response.status);
        },
      ),
      { numRuns: 200 },
    );
  });

  describe('bodies with a corrupt or unknown Content-Encoding', () => {
    const targets = () => [
      { name: 'authenticator /sts/login', url: `${authenticator.url}/sts/login`, type: 'application/json' },
      { name: 'STS /', url: sts.url, type: 'application/x-www-form-urlencoded' },
      { name: 'STS /api/v1/sts/login', url: `${sts.url}/api/v1/sts/login`, type: 'application/json' },
      { name: 'authenticator /api/v1/user', url: `${authenticator.url}/api/v1/user`, type: 'application/json' },
    ];
    for (const encoding of ['gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip']) {
      it(`every component answers a ${encoding} body that does not decode with a 4xx naming the encoding`, async () => {
        for (const target of targets()) {
          const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': target.type, 'content-encoding': encoding }, body: 'xx' });
          expect(response.status, target.name).toBeGreaterThanOrEqual(400);
          expect(response.status, target.name).toBeLessThan(500);
          expect(await response.text(), target.name).toMatch(/encod|compress/i);
        }
      });
    }
  });
});
