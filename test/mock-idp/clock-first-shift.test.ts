import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { startTestIdp, relyingParty } from '../support/idp.ts';

// Alone in its file (its own module state): here every clock starts on real time, so the freeze below is the first
// time a clock of this process leaves it, the case where Date.now stops answering real time without asking.
const idp = await startTestIdp({
  tenants: { first: { clients: { service: { secret: 'service-secret', grants: ['client_credentials'], audience: 'api://x' } } } },
});

describe('a clock frozen as the first of its process to leave real time', () => {
  it('stamps the tokens issued after the freeze with the frozen instant', async () => {
    await idp.admin.clock.set('first', { freeze: true });
    const frozenAt = Date.parse((await idp.admin.clock.get('first')).frozenAt!);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const rp = await relyingParty(idp.issuer('first'), 'service', { secret: 'service-secret' });
    const claims = decodeJwt((await oidc.clientCredentialsGrant(rp)).access_token);
    expect(claims.iat).toBe(Math.floor(frozenAt / 1000));
  });
});
