import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../mock-idp/index.ts';
import { useMockIdp, loginAs } from '../../../harness/testing/vitest.ts';

const caDir = await mkdtemp(join(tmpdir(), 'mockidp-fixture-ca-'));
afterAll(() => rm(caDir, { recursive: true, force: true }));
const fixture = useMockIdp({ config: { ...defaultConfig, server: { tls: { caDir } } } });

describe('vitest fixture over https', () => {
  it('serves https and trusts its CA in this process, so logins and fetch just work', async () => {
    expect(fixture.idp.issuer()).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/default$/);
    const { claims } = await loginAs(fixture.idp, { username: 'alice' });
    expect(claims).toMatchObject({ sub: 'alice', iss: fixture.idp.issuer() });
    expect((await fetch(`${fixture.idp.issuer()}/.well-known/openid-configuration`)).status).toBe(200);
  });
});
