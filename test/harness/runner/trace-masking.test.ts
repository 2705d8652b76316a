import { describe, expect, it } from 'vitest';
import type { SuiteResult } from '../../../harness/report/result.ts';
import type { TraceEvent, TraceExchange } from '../../../harness/runner/trace.ts';
import { runScenarios, scenario } from '../support/scenarios.ts';

/*
 * What a report may show of the HTTP exchanges of a scenario: the runner records every request (its
 * own, the browser's, the target's), and the trace keeps credentials down to their scheme and client
 * id, secrets as ***, tokens and codes shortened to a prefix and their length, never whole.
 */

const FULL_JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,}/;

const SCENARIOS = {
  'secrets.yaml': `
name: a client posts its secret and gets tokens
idp:
  clients:
    poster: { secret: poster-secret-value, authMethod: client_secret_post, grants: [client_credentials] }
steps:
  - client_credentials: { client: service }
  - client_credentials: { client: poster }
  - login: { user: alice, client: web }
`,
  'sts.yaml': `
name: an STS hands out temporary credentials
target: { name: aws-sts, flavour: aws }
steps:
  - login: { user: alice }
  - call: aws-sts.assume_role
    expect: { status: 200 }
`,
};

/** A body of the trace as an object (fails the test when it is none). */
function body(value: unknown): Record<string, unknown> {
  expect(value).toBeTypeOf('object');
  return value as Record<string, unknown>;
}

function exchanges(events: TraceEvent[]): TraceExchange[] {
  return events.flatMap((event) => (event.type === 'exchange' ? [event, ...exchanges(event.nested ?? [])] : []));
}

describe('the trace of a scenario', () => {
  let result: SuiteResult;
  const traceOf = async (name: string) => {
    result ??= await runScenarios(SCENARIOS);
    const found = scenario(result, name);
    expect(found.status, found.failure?.message).toBe('passed');
    return exchanges(found.trace);
  };

  it('shows Basic credentials as the client id only, and a posted client secret as ***', async () => {
    const trace = await traceOf('a client posts its secret and gets tokens');
    const basic = trace.find((exchange) => exchange.request?.headers?.['authorization']?.startsWith('Basic'));
    expect(basic?.request?.headers?.['authorization']).toBe('Basic service:***');
    const posted = trace.find((exchange) => (exchange.request?.body as Record<string, unknown> | undefined)?.['client_id'] === 'poster');
    expect(body(posted?.request?.body)['client_secret']).toBe('***');
    const text = JSON.stringify(trace);
    expect(text).not.toContain('service-secret');
    expect(text).not.toContain('poster-secret-value');
    expect(text).not.toContain('web-secret');
  });

  it('keeps tokens short in bodies and codes short in URLs, and decodes the JWTs that crossed', async () => {
    const trace = await traceOf('a client posts its secret and gets tokens');
    const text = JSON.stringify(trace);
    expect(text).not.toMatch(FULL_JWT);
    const token = trace.find((exchange) => (exchange.response?.body as Record<string, unknown> | undefined)?.['access_token'] !== undefined);
    expect(body(token?.response?.body)['access_token']).toMatch(/^.{6}…\(\d+\)$/);
    const callback = trace.find((exchange) => exchange.from === 'browser' && /[?&]code=/.test(exchange.label ?? ''));
    expect(callback?.label).toMatch(/[?&]code=[^&]{6}…\(\d+\)/);
    expect(trace.some((exchange) => exchange.tokens?.some((decoded) => decoded.claims['sub'] === 'alice'))).toBe(true);
  });

  it("masks the STS's secret access key and shortens its session token", async () => {
    const trace = await traceOf('an STS hands out temporary credentials');
    const answer = trace.find((exchange) => exchange.label === 'AssumeRoleWithWebIdentity');
    const xml = body(answer?.response?.body) as {
      AssumeRoleWithWebIdentityResponse: { AssumeRoleWithWebIdentityResult: { Credentials: Record<string, string> } };
    };
    const credentials = xml.AssumeRoleWithWebIdentityResponse.AssumeRoleWithWebIdentityResult.Credentials;
    expect(credentials['SecretAccessKey']).toBe('***');
    expect(credentials['SessionToken']).toMatch(/^.{6}…\(\d+\)$/);
    expect(JSON.stringify(trace)).not.toMatch(FULL_JWT);
  });
});
