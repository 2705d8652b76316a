import { afterEach, describe, expect, it } from 'vitest';
import { AdminError, defaultTenant } from '../../../mock-idp/index.ts';
import { startTestIdp } from '../../support/idp.ts';
import { rawLogin, serviceToken } from './support.ts';

const idp = await startTestIdp({
  tenants: { default: defaultTenant, configured: { ...defaultTenant, faults: [{ id: 'jwks-down', match: { endpoint: 'jwks' }, action: { status: 503 } }] } },
});
const statuses = async (times: number, init?: Parameters<typeof serviceToken>[2]) => {
  const out: number[] = [];
  for (let i = 0; i < times; i += 1) out.push((await serviceToken(idp, 'default', init)).status);
  return out;
};
const refused = async (rule: unknown) => {
  try {
    await idp.admin.faults.add('default', rule as never);
  } catch (error) {
    expect(error).toBeInstanceOf(AdminError);
    expect((error as AdminError).status).toBe(400);
    return (error as AdminError).message;
  }
  throw new Error('the rule was accepted');
};

afterEach(async () => {
  await idp.admin.faults.clear('default');
});

describe('fault rules: when they fire', () => {
  it('fires on every matching request until cleared, then the IdP behaves again', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { status: 500 } });
    expect(await statuses(2)).toEqual([500, 500]);
    await idp.admin.faults.clear('default');
    expect(await statuses(1)).toEqual([200]);
  });

  it('fires at most count times', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { status: 502 }, count: 2 });
    expect(await statuses(3)).toEqual([502, 502, 200]);
  });

  it('fires only on the nth matching request', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { status: 503 }, nth: 2 });
    expect(await statuses(3)).toEqual([200, 503, 200]);
  });

  it('lets the first requests through with after', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token' }, action: { status: 500 }, after: 1, count: 1 });
    expect(await statuses(3)).toEqual([200, 500, 200]);
  });

  it('draws a probability from its seed, so the same seed gives the same sequence', async () => {
    const run = async () => {
      await idp.admin.faults.add('default', { id: 'coin', match: { endpoint: 'token' }, action: { status: 500 }, probability: 0.5, seed: 7 });
      return statuses(12);
    };
    const first = await run();
    const second = await run();
    expect(first).toEqual(second);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it('matches the scenario tag header', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token', tag: 'mine' }, action: { status: 500 } });
    expect(await statuses(1, { headers: { 'x-mockidp-scenario': 'other' } })).toEqual([200]);
    expect(await statuses(1, { headers: { 'x-mockidp-scenario': 'mine' } })).toEqual([500]);
  });

  it('matches the client of a public client that sends its client_id in the body', async () => {
    await idp.admin.faults.add('default', {
      match: { endpoint: 'token', client: 'demo', grant: 'authorization_code' },
      action: { oauthError: 'invalid_grant' },
    });
    expect(await statuses(1)).toEqual([200]);
    const login = await rawLogin(idp);
    expect(login.status).toBe(400);
    expect(login.body['error']).toBe('invalid_grant');
  });

  it('hands a request whose body it read to match on client to the IdP intact when the rule does not fire', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token', client: 'nobody' }, action: { status: 500 } });
    const login = await rawLogin(idp);
    expect(login.status).toBe(200);
    expect(login.body['id_token']).toBeTypeOf('string');
  });

  it('matches the user once the IdP handled the request, for rules that change the response', async () => {
    await idp.admin.faults.add('default', { match: { endpoint: 'token', user: 'bob' }, action: { json: { set: { token_type: 'mac' } } } });
    expect((await rawLogin(idp, 'default', 'alice')).body['token_type']).toBe('Bearer');
    expect((await rawLogin(idp, 'default', 'bob')).body['token_type']).toBe('mac');
  });

  it('applies the rules of the configuration from the start, and again after a reset', async () => {
    const jwks = () => fetch(`${idp.issuer('configured')}/jwks`).then((response) => response.status);
    expect(await jwks()).toBe(503);
    await idp.admin.faults.clear('configured');
    expect(await jwks()).toBe(200);
    await idp.admin.request('POST', '/tenants/configured/reset');
    expect(await jwks()).toBe(503);
  });
});

describe('fault rules: bookkeeping', () => {
  it('records in the journal which rule changed which response', async () => {
    await idp.admin.faults.add('default', { id: 'outage', note: 'planned', match: { endpoint: 'token' }, action: { status: 503, retryAfter: 5 }, count: 1 });
    await statuses(2);
    const entries = await idp.admin.journal({ tenant: 'default', endpoint: 'token', limit: 2 });
    expect(entries[0]?.faults).toEqual([{ id: 'outage', action: 'status 503, retryAfter 5', note: 'planned' }]);
    expect(entries[1]?.faults).toBeUndefined();
  });

  it('lists rules with how often they matched and fired, replaces a rule added again under its id, and removes one by id', async () => {
    await idp.admin.faults.add('default', { id: 'slow', match: { endpoint: 'token' }, action: { latency: 1 } });
    await statuses(2);
    expect(await idp.admin.faults.list('default')).toEqual([expect.objectContaining({ id: 'slow', matched: 2, fired: 2 })]);
    await idp.admin.faults.add('default', { id: 'slow', match: { endpoint: 'jwks' }, action: { latency: 1 } });
    expect((await idp.admin.faults.list('default')).map((rule) => [rule.id, rule.match.endpoint])).toEqual([['slow', ['jwks']]]);
    await idp.admin.faults.remove('default', 'slow');
    expect(await idp.admin.faults.list('default')).toEqual([]);
    await expect(idp.admin.faults.remove('default', 'slow')).rejects.toThrow(/no fault rule "slow"/);
  });
});

describe('fault rules: refused with the field and the fix', () => {
  it('refuses an unknown endpoint, listing the endpoints', async () => {
    expect(await refused({ match: { endpoint: 'tokens' }, action: { status: 500 } })).toMatch(
      /fault\.match\.endpoint: expected one of discovery, jwks, authorize, par, token/,
    );
  });

  it('refuses an action that does nothing', async () => {
    expect(await refused({ match: { endpoint: 'token' }, action: {} })).toMatch(/fault\.action: the action does nothing: give one of latency, hang/);
  });

  it('refuses two answers in one action', async () => {
    expect(await refused({ action: { status: 500, html: true } })).toMatch(/status and html each answer the request on their own/);
  });

  it('refuses an action that acts before the IdP together with one that changes its response', async () => {
    expect(await refused({ action: { revokeGrant: true, json: { set: { a: 1 } } } })).toMatch(
      /fault\.action\.revokeGrant: revokeGrant acts before the IdP handles the request, json after it: use two rules/,
    );
  });

  it('refuses an unknown field with its name', async () => {
    expect(await refused({ match: { endpoint: 'token' }, action: { status: 500 }, times: 2 })).toMatch(/unknown field "times"/);
  });

  it('refuses an OAuth error that does not exist, listing the ones that do', async () => {
    expect(await refused({ action: { oauthError: 'nope' } })).toMatch(/fault\.action\.oauthError: must be one of .*invalid_grant/);
  });
});
