import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startAuthenticator, type RunningComponent } from '../../../components/index.ts';
import { runSuite, type SuiteEvent } from '../../../harness/runner/suite.ts';
import { SuiteError } from '../../../harness/runner/suite-error.ts';
import { startPartialAuthenticator, type PartialAuthenticator } from '../support/partial-authenticator.ts';
import { AUTHENTICATOR_LOGIN as LOGIN, freePort, runScenarios, scenario } from '../support/scenarios.ts';

/*
 * A target of the user's declares what it offers and how it refetches keys (--target-option): the
 * runner skips what it does not offer (and says why), fails what it claims to offer but does not,
 * and runs the key-rotation scenarios against a long-lived target around its refetch cool-down.
 */

const BUILT_IN = (path: string) => fileURLToPath(new URL(`../../../scenarios/${path}`, import.meta.url));

const PRINCIPAL = `
name: a principal login
target: authenticator
steps:
  - admin: { mint: { type: id_token, user: alice, client: lakefs } }
    as: minted
  - call: { op: authenticator.principal_login, with: { identityToken: "\${minted.token}" } }
    expect: { status: ">= 200" }
`;

const running: Array<RunningComponent | PartialAuthenticator> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((component) => component.close()));
});

async function referenceAt(idpPort: number, options: { jwksRefetchCooldownSeconds?: number; flaw?: 'never-refetch-jwks' } = {}): Promise<RunningComponent> {
  const authenticator = await startAuthenticator({
    issuer: `http://127.0.0.1:${idpPort}/default`,
    clientId: 'lakefs',
    clientSecret: 'lakefs-secret',
    logLevel: 'silent',
    ...options,
  });
  running.push(authenticator);
  return authenticator;
}

describe('operations a target offers', () => {
  it('skips a scenario that calls an operation the target is not declared to offer, and says which and how to declare it', async () => {
    const idpPort = await freePort();
    const authenticator = await referenceAt(idpPort);
    const result = await runScenarios(
      { 'principal.yaml': PRINCIPAL, 'login.yaml': LOGIN },
      { targets: [{ name: 'authenticator', url: authenticator.url }], targetOptions: { authenticator: { operations: 'sts-login,healthcheck' } }, idpPort },
    );
    expect(scenario(result, 'a principal login')).toMatchObject({
      status: 'skipped',
      skipKind: 'not-offered',
      skipReason: expect.stringContaining('principal-login'),
    });
    expect(scenario(result, 'a principal login').skipReason).toContain('--target-option authenticator.operations=sts-login,healthcheck');
    expect(scenario(result, 'the authenticator turns a code into claims').status).toBe('passed');
    expect(result.summary.skippedBy).toEqual({ 'not-offered': 1 });
  });

  it('fails a scenario whose declared operation answers 404, even when the step only expects an error status, and says the target does not offer it', async () => {
    const idpPort = await freePort();
    const partial = await startPartialAuthenticator((await referenceAt(idpPort)).url, { missing: ['/auth/external/principal/login'], status: 404 });
    running.push(partial);
    const result = await runScenarios(
      { 'principal.yaml': PRINCIPAL, 'login.yaml': LOGIN },
      { targets: [{ name: 'authenticator', url: partial.url }], idpPort },
    );
    const failed = scenario(result, 'a principal login');
    expect(failed.status).toBe('failed');
    expect(failed.failure?.message).toMatch(/answered 404 to authenticator\.principal_login: it does not offer principal-login/);
    expect(failed.failure?.message).toContain('--target-option authenticator.operations=sts-login,healthcheck');
    expect(scenario(result, 'the authenticator turns a code into claims').status).toBe('passed');
  });

  it('fails a declared operation that answers 501 Not Implemented the same way', async () => {
    const idpPort = await freePort();
    const partial = await startPartialAuthenticator((await referenceAt(idpPort)).url, { missing: ['/auth/external/principal/login'], status: 501 });
    running.push(partial);
    const result = await runScenarios({ 'principal.yaml': PRINCIPAL }, { targets: [{ name: 'authenticator', url: partial.url }], idpPort });
    expect(scenario(result, 'a principal login').failure?.message).toMatch(/answered 501 to authenticator\.principal_login/);
  });

  it('accepts a 404 that the step expects outright (an unknown user of the lakeFS STS)', async () => {
    const result = await runSuite({ paths: [BUILT_IN('sts/lakefs-user.yaml')] });
    expect(result.scenarios.map((entry) => [entry.status, entry.failure?.message])).toEqual([['passed', undefined]]);
  });
});

describe('target options', () => {
  it('refuses an unknown target option before starting, listing the options the target knows', async () => {
    const error = await runSuite({
      paths: [BUILT_IN('authenticator/code-to-claims.yaml')],
      targets: [{ name: 'authenticator', url: 'http://127.0.0.1:9' }],
      targetOptions: { authenticator: { bogus: 1 } },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SuiteError);
    expect((error as Error).message).toMatch(/unknown option authenticator\.bogus; the options of authenticator: .*clientId.*operations.*jwksRefetchCooldown/);
  });

  it('refuses an operation name the target does not have, listing its operations', async () => {
    const error = await runSuite({
      paths: [BUILT_IN('authenticator/code-to-claims.yaml')],
      targets: [{ name: 'authenticator', url: 'http://127.0.0.1:9' }],
      targetOptions: { authenticator: { operations: 'sts-login,ldap-login' } },
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain(
      'authenticator.operations: unknown operation ldap-login; the operations of authenticator: sts-login, principal-login, healthcheck',
    );
  });

  it("refuses options for a target that is not one of the user's in this run", async () => {
    const error = await runSuite({
      paths: [BUILT_IN('authenticator/code-to-claims.yaml')],
      targetOptions: { authenticator: { operations: 'sts-login' } },
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/--target-option for authenticator: target options describe a target of yours/);
  });

  it('refuses a refetch cool-down that is not a duration', async () => {
    const error = await runSuite({
      paths: [BUILT_IN('authenticator/code-to-claims.yaml')],
      targets: [{ name: 'authenticator', url: 'http://127.0.0.1:9' }],
      targetOptions: { authenticator: { jwksRefetchCooldown: 'soon' } },
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('authenticator.jwksRefetchCooldown "soon": expected a duration');
  });
});

describe("a long-lived target at a URL and the IdP's keys", () => {
  const KEY_SCENARIOS = [
    'id-token/key-rotation.yaml',
    'resilience/key-rotation-mid-flow.yaml',
    'id-token/signed-es256.yaml',
    'resilience/jwks-outage-recovery.yaml',
    'authenticator/code-to-claims.yaml',
  ].map(BUILT_IN);

  it('runs the key-rotation, own-key and JWKS-outage scenarios, waiting out the declared refetch cool-down between them', async () => {
    const idpPort = await freePort();
    const authenticator = await referenceAt(idpPort, { jwksRefetchCooldownSeconds: 1 });
    const notices: string[] = [];
    const result = await runSuite({
      paths: KEY_SCENARIOS,
      targets: [{ name: 'authenticator', url: authenticator.url }],
      targetOptions: { authenticator: { jwksRefetchCooldown: '1s' } },
      idpPort,
      onEvent: (event: SuiteEvent) => (event.type === 'notice' ? notices.push(event.message) : undefined),
    });
    expect(result.scenarios.map((entry) => [entry.file.replace(/.*scenarios\//, ''), entry.status, entry.failure?.message])).toEqual(
      [
        'authenticator/code-to-claims.yaml',
        'id-token/key-rotation.yaml',
        'id-token/signed-es256.yaml',
        'resilience/jwks-outage-recovery.yaml',
        'resilience/key-rotation-mid-flow.yaml',
      ].map((file) => [file, 'passed', undefined]),
    );
    expect(notices.some((notice) => /waiting \d+ s before .*refetch cool-down \(1 s, --target-option authenticator\.jwksRefetchCooldown\)/.test(notice))).toBe(
      true,
    );
  });

  it('catches an authenticator at a URL that never fetches the JWKS again after a key rotation', async () => {
    const idpPort = await freePort();
    const authenticator = await referenceAt(idpPort, { jwksRefetchCooldownSeconds: 1, flaw: 'never-refetch-jwks' });
    const result = await runSuite({
      paths: [BUILT_IN('authenticator/code-to-claims.yaml'), BUILT_IN('id-token/key-rotation.yaml')],
      targets: [{ name: 'authenticator', url: authenticator.url }],
      targetOptions: { authenticator: { jwksRefetchCooldown: 1 } },
      idpPort,
    });
    expect(result.scenarios.map((entry) => entry.status)).toEqual(['passed', 'failed']);
    expect(result.scenarios[1]!.failure?.step?.label).toBe('a login signed with the new key');
  });
});
