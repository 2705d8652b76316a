import { beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, NODES, packedTarball, tarballFiles, type Consumer } from '../support/package.ts';

/*
 * The library as a user's project gets it: installed from the packed tarball into a project outside this
 * repository, used from plain Node (ESM and CommonJS) on Node 24 and on the oldest supported Node, and
 * type-checked from the shipped .d.ts by a strict TypeScript project.
 */

let consumer: Consumer;

beforeAll(async () => {
  consumer = await consumerProject();
  await consumer.write(
    'esm-login.mjs',
    `
import { startMockIdp } from 'mockidp';
import { loginAs } from 'mockidp/testing';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const idp = await startMockIdp();
const { idToken } = await loginAs(idp, { username: 'alice' });
const issuer = idp.issuer('default');
const { payload, protectedHeader } = await jwtVerify(idToken, createRemoteJWKSet(new URL(issuer + '/jwks')), { issuer, audience: 'demo' });
await idp.close();
console.log(JSON.stringify({ node: process.version, issuer, sub: payload.sub, groups: payload.groups, alg: protectedHeader.alg }));
`,
  );
  await consumer.write(
    'require.cjs',
    `
const { startMockIdp, defaultConfig } = require('mockidp');
const { mintToken } = require('mockidp/testing');
const { useMockIdp } = require('mockidp/testing/node');
(async () => {
  const idp = await startMockIdp({ ...defaultConfig, server: { logLevel: 'silent' } });
  const token = await mintToken(idp, { type: 'access_token', client: 'service', claims: { roles: ['admin'] } });
  const jwks = await (await fetch(idp.issuer('default') + '/jwks')).json();
  await idp.close();
  console.log(JSON.stringify({ node: process.version, token, keys: jwks.keys.length, fixture: typeof useMockIdp }));
})();
`,
  );
  await consumer.write(
    'typed/tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        target: 'es2023',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      include: ['*.ts'],
    }),
  );
  await consumer.write(
    'typed/use.ts',
    `
import { startMockIdp, defaultConfig, type MockIdp, type JournalEntry, type FaultRuleInput } from 'mockidp';
import { loginAs, mintToken, type LoggedIn } from 'mockidp/testing';
import { MockIdpContainer, type StartedMockIdpContainer } from 'mockidp/testcontainers';

const idp: MockIdp = await startMockIdp({ ...defaultConfig, server: { port: 0, logLevel: 'silent' } });
const login: LoggedIn = await loginAs(idp, { username: 'alice' });
const token: string = await mintToken(idp, { type: 'access_token', client: 'service', claims: { roles: ['admin'] } });
const rule: FaultRuleInput = { match: { endpoint: 'token' }, action: { token: { of: 'id_token', expiresIn: -300 } } };
await idp.admin.faults.add('default', rule);
const entries: JournalEntry[] = idp.journal.query({ tenant: 'default' });
const container: MockIdpContainer = new MockIdpContainer('mockidp:local').withProfile('entra');
const started: StartedMockIdpContainer | undefined = undefined;
console.log(login.claims.sub, token.length, entries.length, container, started);

// The types are real, not any: each misuse below must be an error.
// @ts-expect-error the port is a number
await startMockIdp({ ...defaultConfig, server: { port: '9400' } });
// @ts-expect-error loginAs needs a username
await loginAs(idp, {});
// @ts-expect-error no such profile
new MockIdpContainer().withProfile('pingfederate');
await idp.close();
`,
  );
}, 600_000);

describe('the packed package', () => {
  it('ships compiled code, types, source maps, the built-in scenarios, fixtures, schemas, README and LICENSE, and no tests or TypeScript sources', async () => {
    const files = await tarballFiles(await packedTarball());
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'dist/mock-idp/index.js',
        'dist/mock-idp/index.d.ts',
        'dist/mock-idp/index.js.map',
        'dist/cli/mockidp.js',
        'dist/harness/testing/jest.js',
        'dist/harness/testing/vitest.d.ts',
        'dist/mock-idp/testcontainers/index.js',
        'dist/schemas/scenario.schema.json',
        'dist/schemas/mockidp.config.schema.json',
        'scenarios/authenticator/reused-code.yaml',
        'fixtures/profiles/entra.yaml',
      ]),
    );
    expect(files.filter((file) => /\.test\.|^test\/|^bench\/|^docs\/|(?<!\.d)\.ts$/.test(file))).toEqual([]);
  });
});

describe('a plain Node ESM script of a user', () => {
  it.each(['current', 'oldest'] as const)('starts the IdP, logs alice in and verifies her ID token with jose (%s Node)', async (node) => {
    const { code, stdout, stderr } = await consumer.run('node', ['esm-login.mjs'], { node });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { node: string; issuer: string; sub: string; groups: string[]; alg: string };
    expect(result.node).toBe(node === 'current' ? process.version : `v${NODES[node]}`);
    expect(result).toMatchObject({ sub: 'alice', groups: ['admins', 'developers'], alg: 'RS256' });
    expect(result.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/default$/);
  });
});

describe('a CommonJS module of a user', () => {
  it.each(['current', 'oldest'] as const)('require()s the package and its testing helpers (%s Node)', async (node) => {
    const { code, stdout, stderr } = await consumer.run('node', ['require.cjs'], { node });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { token: string; keys: number; fixture: string };
    expect(result.token.split('.')).toHaveLength(3);
    expect(result.keys).toBeGreaterThan(0);
    expect(result.fixture).toBe('function');
  });
});

describe('a strict TypeScript project of a user', () => {
  it.each([
    ['TypeScript 7', 'node_modules/typescript/bin/tsc'],
    ['TypeScript 5.9', 'node_modules/typescript-5/bin/tsc'],
  ])('type-checks against the shipped declarations, and misuse is a type error (%s)', async (_name, tsc) => {
    const { code, stdout, stderr } = await consumer.run('node', [tsc, '-p', 'typed'], { timeoutMs: 120_000 });
    expect(stdout + stderr).toBe('');
    expect(code).toBe(0);
  });
});
