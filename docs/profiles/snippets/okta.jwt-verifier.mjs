// An API checking Okta access tokens with @okta/jwt-verifier, against the okta tenant of fixtures/profiles/okta.yaml.
import OktaJwtVerifier from '@okta/jwt-verifier';

const idp = process.env.MOCKIDP_URL ?? 'https://127.0.0.1:9400';
const issuer = `${idp}/okta/oauth2/default`; // as https://{yourOktaDomain}/oauth2/default
const verifier = new OktaJwtVerifier({ issuer, assertClaims: { cid: 'service' } });

// A token as the reporting job gets it (client credentials).
const response = await fetch(`${issuer}/v1/token`, {
  method: 'POST',
  headers: { authorization: `Basic ${btoa('service:service-secret')}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'client_credentials' }),
});
const { access_token } = await response.json();

const jwt = await verifier.verifyAccessToken(access_token, 'api://default');
console.log(JSON.stringify(jwt.claims));
