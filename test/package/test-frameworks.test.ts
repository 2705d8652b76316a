import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, type Consumer } from '../support/package.ts';

/*
 * The test-framework bindings as a user's test suite uses them, installed from the packed tarball: each
 * framework runs a file of the user's with two tests, one that changes the IdP and one that relies on
 * the reset between tests, plus a test that must fail (so a binding that never ran the IdP is caught).
 */

let consumer: Consumer;

const SUITE = (imports: string, assert: string) => `${imports}
import { createRemoteJWKSet, jwtVerify } from 'jose';

const fixture = useMockIdp();

test('alice logs in and her ID token verifies', async () => {
  const { idToken } = await loginAs(fixture.idp, { username: 'alice' });
  const issuer = fixture.idp.issuer('default');
  const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(issuer + '/jwks')), { issuer, audience: 'demo' });
  ${assert.replace('ACTUAL', 'payload.sub').replace('EXPECTED', "'alice'")}
  await fixture.idp.admin.users.disable('default', 'bob');
});

test('the IdP is reset before each test: bob, disabled by the test before, logs in again', async () => {
  const { claims } = await loginAs(fixture.idp, { username: 'bob' });
  ${assert.replace('ACTUAL', 'claims.sub').replace('EXPECTED', "'bob'")}
});

test('a minted token carries the claims asked for (this one is made to fail)', async () => {
  const token = await mintToken(fixture.idp, { type: 'access_token', client: 'service', claims: { roles: ['admin'] } });
  ${assert.replace('ACTUAL', "JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).roles[0]").replace('EXPECTED', "'not-admin'")}
});
`;

beforeAll(async () => {
  consumer = await consumerProject();
  await consumer.write(
    'vitest-suite/login.test.js',
    SUITE("import { test, expect } from 'vitest';\nimport { useMockIdp, loginAs, mintToken } from 'mockidp/testing/vitest';", 'expect(ACTUAL).toBe(EXPECTED);'),
  );
  await consumer.write(
    'jest-suite/login.test.js',
    SUITE(
      "import { test, expect } from '@jest/globals';\nimport { useMockIdp, loginAs, mintToken } from 'mockidp/testing/jest';",
      'expect(ACTUAL).toBe(EXPECTED);',
    ),
  );
  await consumer.write(
    'jest-suite/jest.config.json',
    JSON.stringify({ testEnvironment: 'node', transform: {}, rootDir: '.', testMatch: ['<rootDir>/*.test.js'] }),
  );
  await consumer.write(
    'node-test-suite/login.test.js',
    SUITE(
      "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { useMockIdp, loginAs, mintToken } from 'mockidp/testing/node';",
      'assert.equal(ACTUAL, EXPECTED);',
    ),
  );
}, 600_000);

describe('test frameworks of a user, with the package installed from the tarball', () => {
  it('vitest: useMockIdp from mockidp/testing/vitest runs the IdP for the file and resets it between tests', async () => {
    const { code, stdout, stderr } = await consumer.run('npx', ['vitest', 'run', '--root', 'vitest-suite', '--reporter', 'verbose'], { env: { CI: '1' } });
    const output = stripVTControlCharacters(stdout + stderr);
    expect(output).toMatch(/✓ .*alice logs in and her ID token verifies/);
    expect(output).toMatch(/✓ .*bob, disabled by the test before, logs in again/);
    expect(output).toMatch(/× .*this one is made to fail/);
    expect(output).toMatch(/Tests\s+1 failed \| 2 passed/);
    expect(code).toBe(1);
  });

  it('Jest (ESM, --experimental-vm-modules): useMockIdp from mockidp/testing/jest runs the IdP for the file and resets it between tests', async () => {
    const { code, stdout, stderr } = await consumer.run(
      'node',
      ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--config', 'jest-suite/jest.config.json', '--verbose'],
      { env: { CI: '1' } },
    );
    const output = stripVTControlCharacters(stdout + stderr);
    expect(output).toMatch(/✓ alice logs in and her ID token verifies/);
    expect(output).toMatch(/✓ the IdP is reset before each test/);
    expect(output).toMatch(/✕ a minted token carries the claims asked for/);
    expect(output).toMatch(/Tests:\s+1 failed, 2 passed, 3 total/);
    expect(code).toBe(1);
  });

  it.each(['current', 'oldest'] as const)(
    'node:test: useMockIdp from mockidp/testing/node runs the IdP for the file and resets it between tests (%s Node)',
    async (node) => {
      const { code, stdout } = await consumer.run('node', ['--test', '--test-reporter=tap', 'node-test-suite/login.test.js'], { node });
      expect(stdout).toMatch(/^ok \d+ - alice logs in and her ID token verifies$/m);
      expect(stdout).toMatch(/^ok \d+ - the IdP is reset before each test/m);
      expect(stdout).toMatch(/^not ok \d+ - a minted token carries the claims asked for/m);
      expect(stdout).toMatch(/^# pass 2$/m);
      expect(stdout).toMatch(/^# fail 1$/m);
      expect(code).toBe(1);
    },
  );
});
