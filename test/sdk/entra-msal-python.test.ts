import { describe, expect, it } from 'vitest';
import { fixtureIdp, requirePython, runSnippet, verifiedClaims } from './support.ts';

/*
 * Debian's python3-msal (MSAL for Python) against the Entra profile: the snippet of
 * docs/profiles/entra.md, run with /usr/bin/python3 and the CA bundle in REQUESTS_CA_BUNDLE.
 */

const TENANT_ID = '3f6c2b1a-5d4e-4c7b-9a8f-1e2d3c4b5a69';

describe('MSAL for Python (python3-msal), Entra v2 tenant authority', () => {
  it("gets an app-only token with client credentials that verifies against the tenant's keys", async () => {
    await requirePython(['msal'], 'python3-msal');
    const idp = await fixtureIdp('entra');
    const token = (await runSnippet('entra.msal-python.py', idp)).trim().split('\n').at(-1)!;
    const claims = await verifiedClaims(token, `${idp.url}/contoso/discovery/v2.0/keys`, {
      issuer: `${idp.url}/contoso/${TENANT_ID}/v2.0`,
      audience: 'api://contoso-expenses',
    });
    expect(claims).toMatchObject({ azp: 'api-daemon', roles: ['Expenses.Read.All'], ver: '2.0' });
  });
});
