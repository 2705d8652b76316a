// Any tenant's tokens with aws-jwt-verify (AWS's JWT library, as in a Lambda authorizer), against the default tenant
// of `npx mockidp serve --tls`.
import { JwtVerifier } from 'aws-jwt-verify';

const idp = process.env.MOCKIDP_URL ?? 'https://127.0.0.1:9400';
const issuer = `${idp}/default`;
const verifier = JwtVerifier.create({ issuer, audience: 'api://default', jwksUri: `${issuer}/jwks` });

// The service client of the default tenant gets a token with client credentials.
const response = await fetch(`${issuer}/token`, {
  method: 'POST',
  headers: { authorization: `Basic ${btoa('service:service-secret')}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'client_credentials' }),
});
const { access_token } = await response.json();

console.log(JSON.stringify(await verifier.verify(access_token)));
