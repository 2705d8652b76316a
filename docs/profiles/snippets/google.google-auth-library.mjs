// A backend verifying Google ID tokens with google-auth-library, against the google tenant of fixtures/profiles/google.yaml.
import { OAuth2Client } from 'google-auth-library';

const idp = process.env.MOCKIDP_URL ?? 'https://127.0.0.1:9400';
const google = `${idp}/google`; // the tenant's issuer, in place of https://accounts.google.com
const client = new OAuth2Client({
  clientId: 'web',
  clientSecret: 'web-secret',
  endpoints: {
    oauth2AuthBaseUrl: `${google}/o/oauth2/v2/auth`,
    oauth2TokenUrl: `${google}/token`,
    oauth2RevokeUrl: `${google}/revoke`,
    tokenInfoUrl: `${google}/tokeninfo`,
    oauth2FederatedSignonPemCertsUrl: `${google}/oauth2/v1/certs`,
    oauth2FederatedSignonJwkCertsUrl: `${google}/oauth2/v3/certs`,
  },
  issuers: [google],
});

// An ID token as a sign-in gives it; in a test, mint one for a fixture user through the admin API.
const minted = await fetch(`${idp}/_admin/tenants/google/tokens`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ type: 'id_token', user: 'liz', client: 'web' }),
});
const { token } = await minted.json();

const ticket = await client.verifyIdToken({ idToken: token, audience: 'web' });
console.log(JSON.stringify(ticket.getPayload()));
