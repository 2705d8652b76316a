import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, parseConfigText } from '../../mock-idp/index.ts';
import { startTestIdp } from '../support/idp.ts';
import { KNOWN_VALUES, PARAM_NAMES } from './fuzz/requests.ts';

const idp = await startTestIdp();
const issuer = idp.issuer();
const runs = { numRuns: 60, seed: 20261124 };

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...KNOWN_VALUES),
  fc.integer({ min: 1000, max: 70000 }).map((length) => 'x'.repeat(length)),
);
const form = fc.dictionary(fc.constantFrom(...PARAM_NAMES), hostileString, { maxKeys: 8 });
const contentType = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded; charset=latin1',
);
const authorization = fc.option(
  fc.oneof(
    fc.constant(`Basic ${Buffer.from('service:service-secret').toString('base64')}`),
    fc.string({ maxLength: 30 }).map((value) => `Basic ${value}`),
    fc.string({ maxLength: 30 }).map((value) => `Bearer ${value}`),
  ),
  { nil: undefined },
);

function encode(fields: Record<string, string>, type: string): string {
  return type.startsWith('application/json') ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
}

describe('fuzzing the IdP endpoints (fast-check)', () => {
  for (const path of [
    'token',
    'token/introspection',
    'token/revocation',
    'device/auth',
    'device',
    'userinfo',
    'session/end',
    'auth',
    'interaction/none/login',
  ]) {
    it(`never answers hostile POSTs to /${path} with a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(form, contentType, authorization, async (fields, type, auth) => {
          const response = await fetch(`${issuer}/${path}`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': type, ...(auth ? { authorization: auth } : {}) },
            body: encode(fields, type),
          });
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
        }),
        runs,
      );
    });
  }

  for (const path of ['auth', 'session/end', 'device', 'userinfo', 'jwks', '.well-known/openid-configuration']) {
    it(`never answers hostile GET query strings to /${path} with a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(form, async (fields) => {
          const response = await fetch(`${issuer}/${path}?${new URLSearchParams(fields)}`, { redirect: 'manual' });
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
        }),
        runs,
      );
    });
  }

  it('keeps serving after the fuzzing', async () => {
    expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200);
  });
});

describe('fuzzing the admin API (fast-check)', () => {
  const routes: Array<[string, string]> = [
    ['POST', '/tenants'],
    ['PUT', '/tenants/default/users/fuzz'],
    ['PATCH', '/tenants/default/users/alice'],
    ['PUT', '/tenants/default/clients/fuzz'],
    ['PATCH', '/tenants/default/clients/demo'],
    ['POST', '/tenants/default/keys/rotate'],
    ['PUT', '/tenants/default/clock'],
    ['POST', '/tenants/default/clock/advance'],
    ['POST', '/tenants/default/grants/revoke'],
    ['POST', '/tenants/default/tokens'],
  ];
  const json = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'name',
        'config',
        'users',
        'groups',
        'disabled',
        'claims',
        'secret',
        'grants',
        'redirectUris',
        'alg',
        'graceSeconds',
        'offsetSeconds',
        'frozenAt',
        'seconds',
        'user',
        'client',
        'type',
        'ttlSeconds',
      ),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 5 },
    ),
  );

  for (const [method, path] of routes) {
    it(`answers random JSON to ${method} ${path} with a 2xx or a 4xx that explains itself`, async () => {
      await fc.assert(
        fc.asyncProperty(json, async (body) => {
          const response = await fetch(`${idp.url}/_admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          const answer = (await response.json().catch(() => null)) as { error_description?: string } | null;
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expect(answer?.error_description).toBeTruthy();
        }),
        { ...runs, numRuns: 40 },
      );
      await idp.admin.reset();
    });
  }
});

describe('fuzzing the configuration parser (fast-check)', () => {
  it('turns any YAML-ish text into a configuration or a ConfigError, never another exception', () => {
    const yamlish = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
      fc.constantFrom(
        'tenants:\n  a: {users: {x: {groups: 1}}}',
        'tenants: [1, 2]',
        '&a [*a]',
        'tenants:\n  b: !!binary aGVsbG8=',
        'tenants: {default: {clients: {c: {grants: [client_credentials]}}}}',
      ),
    );
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          parseConfigText(text, 'fuzz.yaml');
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
        }
      }),
      { numRuns: 400, seed: 20261124 },
    );
  });

  it('refuses a billion-laughs alias bomb with a ConfigError', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 9 },
        (_, index) =>
          `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + index)}`)
            .join(',')}]`,
      ),
      'tenants: {}',
    ].join('\n');
    expect(() => parseConfigText(bomb, 'bomb.yaml')).toThrow(ConfigError);
  });
});
