import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { base64url } from 'jose';
import { clientSchema, faultRuleSchema, tenantSchema, userSchema } from '../../../mock-idp/index.ts';
import { advanceSchema, clockSchema, revokeSchema, rotateSchema } from '../../../mock-idp/admin/schemas.ts';
import { mintRequestSchema } from '../../../mock-idp/tenant/mint.ts';
import { boundaryValues } from './boundaries.ts';
import { FAULT_CATALOGUE } from '../../../mock-idp/faults/catalogue.ts';
import { ADMIN_TENANT, PROTOCOL_TENANTS, type FuzzRequest } from './world.ts';

/*
 * Requests as a hostile or broken client sends them: every header the IdP and the components read
 * (Authorization in every shape, Content-Encoding, Content-Type, Host, Origin, cookies), bodies
 * that are random, huge, compressed or lying about their encoding, and every admin route with
 * values at the edges of its schema.
 */

const latin1 = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((code) => code !== 0x7f)
    .map((code) => String.fromCharCode(code)),
  maxLength: 60,
});
const jwtShaped = fc
  .tuple(
    fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.record({ alg: fc.constantFrom('RS256', 'ES256', 'none', 'HS256'), kid: fc.string({ maxLength: 10 }) })),
    fc.jsonValue({ maxDepth: 1 }),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map(
    ([header, payload, signature]) =>
      `${base64url.encode(JSON.stringify(header) ?? 'null')}.${base64url.encode(JSON.stringify(payload) ?? 'null')}.${base64url.encode(signature)}`,
  );
const b64 = (text: string) => Buffer.from(text, 'latin1').toString('base64');

export const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant(`Basic ${b64('service:service-secret')}`),
  fc.constant(`Basic ${b64('%E0%A4%A:x')}`),
  fc.tuple(latin1, latin1).map(([user, secret]) => `Basic ${b64(`${user}:${secret}`)}`),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => `Basic ${Buffer.from(bytes).toString('base64')}`),
  latin1.map((text) => `Basic ${text}`),
  jwtShaped.map((token) => `Bearer ${token}`),
  latin1.map((text) => `Bearer ${text}`),
  jwtShaped,
  fc.constant(b64('service:service-secret')),
  fc.constantFrom('Basic', 'Bearer', 'Bearer ', 'DPoP x', 'Negotiate', ' ', 'basic   x', `Bearer ${'a'.repeat(8000)}`),
  latin1,
);

export const contentType = fc.constantFrom(
  undefined,
  'application/x-www-form-urlencoded',
  'application/json',
  'application/json; charset=latin1',
  'application/x-www-form-urlencoded; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/*',
  '',
  ';;;',
  'json',
);
export const contentEncoding = fc.constantFrom(undefined, undefined, 'gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip', 'GZIP');
const host = (ownHost: string) =>
  fc.constantFrom(
    undefined,
    ownHost,
    'attacker.example',
    'localhost',
    '[::1]',
    `localhost:${ownHost.split(':').pop()}`,
    'a'.repeat(300),
    '127.0.0.1:1',
    'exa_mple',
    ' ',
  );
export const origin = fc.constantFrom(undefined, 'null', 'http://evil.example', 'http://127.0.0.1', 'not a url', 'http://localhost:1');
export const cookie = fc.oneof(
  fc.constant(undefined),
  fc
    .constantFrom(...PROTOCOL_TENANTS)
    .chain((tenant) =>
      fc.constantFrom(
        `_session.${tenant}=made-up`,
        `_session.${tenant}=x; _session.${tenant}.sig=forged`,
        `_interaction.${tenant}=abc; _interaction.${tenant}.sig=x`,
        `_resume.${tenant}=abc`,
        `_session.${tenant}=${'z'.repeat(4000)}`,
      ),
    ),
  latin1.map((text) => `k=${text}`),
);

/** Parameter names of every endpoint the fuzzers reach (the IdP's, the STS's, the components'). */
export const PARAM_NAMES = [
  'audience',
  'post_logout_redirect_uri',
  'grant_type',
  'client_id',
  'client_secret',
  'code',
  'code_verifier',
  'redirect_uri',
  'refresh_token',
  'scope',
  'token',
  'token_type_hint',
  'device_code',
  'user_code',
  'resource',
  'response_type',
  'state',
  'nonce',
  'prompt',
  'id_token_hint',
  'code_challenge',
  'code_challenge_method',
  'client_assertion',
  'client_assertion_type',
  'xsrf',
  'username',
  'password',
  'logout',
  'confirm',
  'abort',
  'identityToken',
  'Action',
  'Version',
  'WebIdentityToken',
  'RoleArn',
  'RoleSessionName',
];
/** Parameter values that mean something to some endpoint, and values that break naive parsers. */
export const KNOWN_VALUES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'demo',
  'service',
  'service-secret',
  'cli',
  'openid',
  'S256',
  'plain',
  'http://127.0.0.1:8080/callback',
  '',
  '%',
  '%zz',
  '\u0000',
  'code',
  'none',
  'AssumeRoleWithWebIdentity',
  '2011-06-15',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'eyJhbGciOiJub25lIn0.e30.',
  '{"a":1}',
];
const paramValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(...KNOWN_VALUES),
  jwtShaped,
  fc.integer({ min: 1000, max: 40_000 }).map((length) => 'x'.repeat(length)),
);
const fields = fc.dictionary(fc.constantFrom(...PARAM_NAMES), paramValue, { maxKeys: 8 });
/** Query strings stay under the 16 KB header limit of Node's HTTP parser (past it every server answers 431 alike). */
const queryFields = fc.dictionary(
  fc.constantFrom(...PARAM_NAMES),
  fc.oneof(
    paramValue.filter((value) => value.length < 1000),
    fc.constantFrom('x'.repeat(4000)),
  ),
  { maxKeys: 6 },
);

function encodeBody(values: Record<string, string>, type: string | undefined, raw: string | undefined): string {
  if (raw !== undefined) return raw;
  return type?.includes('json') ? JSON.stringify(values) : new URLSearchParams(values).toString();
}

function compress(body: string, encoding: string | undefined, honest: boolean): Buffer | string {
  if (!honest || !encoding) return body;
  const data = Buffer.from(body);
  if (encoding === 'gzip' || encoding === 'GZIP') return gzipSync(data);
  if (encoding === 'deflate') return deflateSync(data);
  if (encoding === 'br') return brotliCompressSync(data);
  return body;
}

const idpPaths = (tenant: string) => [
  `/${tenant}/token`,
  `/${tenant}/token/introspection`,
  `/${tenant}/token/revocation`,
  `/${tenant}/device/auth`,
  `/${tenant}/device`,
  `/${tenant}/device/auth`,
  `/${tenant}/device/x`,
  `/${tenant}/userinfo`,
  `/${tenant}/session/end`,
  `/${tenant}/session/end/confirm`,
  `/${tenant}/session/end/success`,
  `/${tenant}/auth`,
  `/${tenant}/auth/x`,
  `/${tenant}/interaction/x`,
  `/${tenant}/interaction/x/login`,
  `/${tenant}/interaction/x/consent`,
  `/${tenant}/interaction/x/abort`,
  `/${tenant}/jwks`,
  `/${tenant}/.well-known/openid-configuration`,
  `/${tenant}/reg`,
  `/${tenant}/request`,
  `/${tenant}/v2.0/.well-known/openid-configuration`,
  `/${tenant}/oauth2/v2.0/token`,
  `/${tenant}/oauth2/v2.0/devicecode`,
  `/${tenant}/devicelogin`,
  `/${tenant}/devicelogin/x`,
  `/${tenant}/device/code`,
];
const componentPaths = {
  authenticator: ['/sts/login', '/api/v1/sts/login', '/auth/external/principal/login', '/healthcheck', '/api/v1/user', '/'],
  sts: ['/', '/api/v1/sts/login', '/api/v1/user', '/healthcheck', '/x'],
  'bearer-api': ['/whoami', '/roles/admin', '/healthcheck', '/'],
} as const;

/** Requests to the IdP's protocol endpoints, pages and root, and to the components. */
export function protocolRequest(ownHost: string): fc.Arbitrary<FuzzRequest> {
  const server = fc.constantFrom<FuzzRequest['server']>('idp', 'idp', 'idp', 'authenticator', 'sts', 'bearer-api');
  return fc
    .record({
      server,
      tenant: fc.constantFrom(...PROTOCOL_TENANTS),
      pick: fc.nat(),
      method: fc.constantFrom('GET', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'),
      query: fc.option(queryFields, { nil: undefined }),
      fields,
      raw: fc.option(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
          fc.constantFrom('{', '[[[[[[', '\u0000\u0001', '%'),
        ),
        { nil: undefined },
      ),
      authorization,
      type: contentType,
      encoding: contentEncoding,
      honest: fc.boolean(),
      host: host(ownHost),
      origin,
      cookie,
      scenario: fc.option(latin1, { nil: undefined }),
      accept: fc.constantFrom(undefined, 'text/html', 'application/json', '*/*'),
    })
    .map((r) => {
      const paths: readonly string[] =
        r.server === 'idp' ? [...idpPaths(r.tenant), '/', '/health', '/_ui', '/favicon.ico', '/%zz', '//default/token'] : componentPaths[r.server];
      const path = paths[r.pick % paths.length]!;
      const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : compress(encodeBody(r.fields, r.type, r.raw), r.encoding, r.honest);
      const headers: Record<string, string> = {};
      const set = (name: string, value: string | undefined) => {
        if (value !== undefined) headers[name] = value;
      };
      set('authorization', r.authorization);
      set('content-type', body === undefined ? undefined : r.type);
      set('content-encoding', body === undefined ? undefined : r.encoding);
      set('host', r.host);
      set('origin', r.origin);
      set('cookie', r.cookie);
      set('x-mockidp-scenario', r.scenario);
      set('accept', r.accept);
      return { server: r.server, method: r.method, path: r.query ? `${path}?${new URLSearchParams(r.query)}` : path, headers, body };
    });
}

/** Admin routes with bodies at the edges of their schemas (the "fuzz" tenant only, so no protocol request meets its fault rules). */
/** Edge values mostly, valid values now and then, so that the admin fuzzer also reaches full tenants and many rules. */
const edgeOrValid = (edge: fc.Arbitrary<unknown>, ...valid: unknown[]) =>
  fc.oneof({ arbitrary: edge, weight: 3 }, { arbitrary: fc.constantFrom(...valid), weight: 1 });
const validRules = FAULT_CATALOGUE.map((entry) => entry.rule);

export function adminRequest(ownHost: string): fc.Arbitrary<FuzzRequest> {
  const tenant = fc.constantFrom(ADMIN_TENANT, ADMIN_TENANT, ADMIN_TENANT, 'nope', '%2e%2e', 'x'.repeat(80));
  const name = fc.constantFrom('alice', 'bob', 'demo', 'service', 'new-one', '', '%zz', 'a b', 'x'.repeat(300));
  const routes: Array<fc.Arbitrary<{ method: string; path: string; body?: unknown }>> = [
    fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/tenants'),
      body: fc.record(
        {
          name: fc.oneof(fc.constantFrom('t1', 't2', 'fuzz', '_admin', ''), fc.string({ maxLength: 70 })),
          config: edgeOrValid(boundaryValues(tenantSchema), {}, { users: { a: {} } }),
        },
        { requiredKeys: [] },
      ),
    }),
    fc
      .record({
        method: fc.constantFrom('PUT', 'PATCH'),
        tenant,
        name,
        body: edgeOrValid(boundaryValues(userSchema), {}, { groups: ['g'], claims: { tier: 1 } }, { disabled: true }, { sub: 'alice' }),
      })
      .map(({ method, tenant: t, name: n, body }) => ({ method, path: `/tenants/${t}/users/${n}`, body })),
    fc
      .record({
        method: fc.constantFrom('PUT', 'PATCH'),
        tenant,
        name,
        body: edgeOrValid(boundaryValues(clientSchema), { secret: 'secret', grants: ['client_credentials'] }, { redirectUris: ['http://127.0.0.1/cb'] }),
      })
      .map(({ method, tenant: t, name: n, body }) => ({ method, path: `/tenants/${t}/clients/${n}`, body })),
    fc
      .record({ tenant, body: edgeOrValid(boundaryValues(rotateSchema), {}, { alg: 'ES256' }, { alg: 'RS256', graceSeconds: 0 }) })
      .map(({ tenant: t, body }) => ({ method: 'POST', path: `/tenants/${t}/keys/rotate`, body })),
    fc
      .record({ tenant, body: edgeOrValid(boundaryValues(clockSchema), { offsetSeconds: 0, frozenAt: null }, { freeze: true }) })
      .map(({ tenant: t, body }) => ({ method: 'PUT', path: `/tenants/${t}/clock`, body })),
    fc
      .record({ tenant, body: edgeOrValid(boundaryValues(advanceSchema), { seconds: 3600 }, { seconds: -3600 }) })
      .map(({ tenant: t, body }) => ({ method: 'POST', path: `/tenants/${t}/clock/advance`, body })),
    fc
      .record({ tenant, body: boundaryValues(revokeSchema), kind: fc.constantFrom('grants', 'sessions') })
      .map(({ tenant: t, body, kind }) => ({ method: 'POST', path: `/tenants/${t}/${kind}/revoke`, body })),
    fc
      .record({ tenant, body: edgeOrValid(boundaryValues(faultRuleSchema), ...validRules) })
      .map(({ tenant: t, body }) => ({ method: 'POST', path: `/tenants/${t}/faults`, body })),
    fc
      .record({ tenant, body: edgeOrValid(boundaryValues(mintRequestSchema), {}, { user: 'alice', type: 'access_token', client: 'service' }) })
      .map(({ tenant: t, body }) => ({ method: 'POST', path: `/tenants/${t}/tokens`, body })),
    fc
      .record({ tenant, what: fc.constantFrom('users/', 'clients/', 'keys/', 'faults/', 'faults', 'users/alice'), name })
      .map(({ tenant: t, what, name: n }) => ({ method: 'DELETE', path: `/tenants/${t}/${what}${what.endsWith('/') ? n : ''}`.replace(/\/$/, '') })),
    fc.record({ tenant }).map(({ tenant: t }) => ({ method: 'POST', path: `/tenants/${t}/reset`, body: {} })),
    fc.constantFrom('t1', 't2', 'nope').map((t) => ({ method: 'DELETE', path: `/tenants/${t}` })),
    fc
      .record({
        query: fc.dictionary(
          fc.constantFrom('tenant', 'endpoint', 'client_id', 'user', 'scenario', 'status', 'since', 'limit', 'other'),
          fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('-1', '0', '1e400', '9007199254740993', 'NaN', '10')),
          { maxKeys: 4 },
        ),
        method: fc.constantFrom('GET', 'DELETE'),
      })
      .map(({ query, method }) => ({ method, path: `/journal?${new URLSearchParams(query)}` })),
    fc.record({
      method: fc.constantFrom('GET', 'TRACE', 'PROPFIND', 'OPTIONS', 'PATCH'),
      path: fc.constantFrom(
        '/health',
        '/tenants',
        `/tenants/${ADMIN_TENANT}`,
        `/tenants/${ADMIN_TENANT}/users`,
        `/tenants/${ADMIN_TENANT}/clock`,
        '/nothing',
        '',
      ),
    }),
  ];
  return fc
    .record({
      route: fc.oneof(...routes),
      type: fc.oneof({ arbitrary: fc.constant('application/json'), weight: 8 }, { arbitrary: contentType, weight: 2 }),
      encoding: fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: contentEncoding, weight: 2 }),
      host: fc.oneof({ arbitrary: fc.constant(ownHost), weight: 8 }, { arbitrary: host(ownHost), weight: 2 }),
      origin: fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: origin, weight: 2 }),
      raw: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 9 },
        { arbitrary: fc.constantFrom('{', '', 'null', '[]', '"x"', `{"a":${'['.repeat(5000)}`), weight: 1 },
      ),
    })
    .map(({ route, type, encoding, host: h, origin: o, raw }) => {
      const body = route.body === undefined && raw === undefined ? undefined : compress(raw ?? JSON.stringify(route.body) ?? 'null', encoding, true);
      const headers: Record<string, string> = {};
      if (type && body !== undefined) headers['content-type'] = type;
      if (encoding && body !== undefined) headers['content-encoding'] = encoding;
      if (h) headers['host'] = h;
      if (o) headers['origin'] = o;
      return { server: 'idp' as const, method: route.method, path: `/_admin${route.path}`, headers, body };
    });
}
