import { OptionsError } from './errors.ts';

/*
 * The deliberate flaws of the reference components, one at a time. A flawed variant replaces or
 * drops one named step of a component's pipeline; every flaw changes behaviour that a black-box
 * scenario can observe over HTTP (or, for the device CLI, in its session file and its polling).
 * The harness runs the suite against every variant and expects each one to fail somewhere.
 */

export type ComponentName = 'authenticator' | 'sts' | 'bearer-api' | 'device-cli';

export interface FlawDescriptor {
  name: string;
  component: ComponentName;
  /** What the flawed variant does differently. */
  description: string;
  /** A scenario that catches it: what to send, what a correct component answers. */
  caughtBy: string;
}

export const FLAWS = [
  {
    name: 'skip-aud-check',
    component: 'authenticator',
    description: 'Does not check the ID token audience (aud) or authorized party (azp): a token issued to another client is accepted.',
    caughtBy: 'ID token whose aud is another client -> expect 401.',
  },
  {
    name: 'accept-alg-none',
    component: 'authenticator',
    description: 'Accepts an unsigned ID token (alg "none") without checking any signature.',
    caughtBy: 'ID token with alg none -> expect 401.',
  },
  {
    name: 'accept-hs256-with-public-key',
    component: 'authenticator',
    description: "Algorithm confusion: accepts an HS256 ID token whose HMAC key is the SPKI PEM of the IdP's RSA public key (found by kid).",
    caughtBy: "ID token signed HS256 with the IdP's public RSA key (PEM) as the secret -> expect 401.",
  },
  {
    name: 'never-refetch-jwks',
    component: 'authenticator',
    description: 'Loads the JWKS once and never again: after the IdP rotates its signing key, every login fails.',
    caughtBy: 'Log in once, rotate the IdP key, log in again -> expect 200 (the key is refetched on the unknown kid).',
  },
  {
    name: 'ignore-exp',
    component: 'authenticator',
    description: 'Does not check exp: an expired ID token is accepted.',
    caughtBy: 'ID token that expired 5 minutes ago (IdP clock moved back) -> expect 401.',
  },
  {
    name: 'unbounded-skew',
    component: 'authenticator',
    description: 'Clock skew tolerance is unbounded: tokens issued (iat) or valid (nbf) far in the future, or long expired, are accepted.',
    caughtBy: 'ID token with iat one hour in the future (IdP clock moved forward) -> expect 401.',
  },
  {
    name: 'accept-reused-code',
    component: 'authenticator',
    description: 'Caches the claims per authorization code and answers a replayed code from the cache instead of asking the IdP (which would refuse it).',
    caughtBy: 'Send the same code to /sts/login twice -> expect 200 then 401.',
  },
  {
    name: 'trust-unverified-iss',
    component: 'authenticator',
    description: "Reads iss from the unverified token and fetches that issuer's keys: any IdP the attacker controls can sign tokens it accepts.",
    caughtBy: 'ID token signed by another issuer (another tenant), with its own iss and the right aud -> expect 401.',
  },
  {
    name: 'leak-non-string-claims',
    component: 'authenticator',
    description: 'Returns claims unchanged (booleans, numbers, arrays), which the lakeFS contract forbids (lakeFS answers 500).',
    caughtBy: 'Log in as a user with email_verified=true and a groups array -> every claim value in the reply must be a string.',
  },
  {
    name: 'ignore-duration-bounds',
    component: 'sts',
    description: "AssumeRoleWithWebIdentity does not validate DurationSeconds: 60 s or ten years are accepted and become the credentials' lifetime.",
    caughtBy: 'DurationSeconds=899 (or 43201 with the aws flavour) -> expect 400 ValidationError / InvalidParameterValue.',
  },
  {
    name: 'skip-iss-check',
    component: 'sts',
    description: "AssumeRoleWithWebIdentity does not compare iss with the configured issuer (MinIO's lax behaviour).",
    caughtBy: "Web identity token signed by the IdP's key with another iss -> expect 400 InvalidIdentityToken.",
  },
  {
    name: 'skip-sigv4-verification',
    component: 'sts',
    description: 'GetCallerIdentity trusts the access key id in the Authorization header without verifying the SigV4 signature.',
    caughtBy: 'GetCallerIdentity signed with a wrong secret key -> expect 403 SignatureDoesNotMatch.',
  },
  {
    name: 'uncapped-lakefs-ttl',
    component: 'sts',
    description: 'POST /api/v1/sts/login does not cap ttl_seconds at 43200.',
    caughtBy: 'ttl_seconds=50000 -> token_expiration must be iat + 43200.',
  },
  {
    name: 'roles-from-unverified-claim',
    component: 'bearer-api',
    description: 'Reads the role-mapping claim from the token payload without verifying the signature, so a forged token gets any role.',
    caughtBy: 'Bearer JWT signed by a key the IdP never published, claiming an admin group -> expect 401.',
  },
  {
    name: 'ignore-token-kind',
    component: 'bearer-api',
    description: 'Does not enforce the mode: in user mode it accepts app (client_credentials) tokens, in app mode user tokens.',
    caughtBy: 'Client-credentials token at an API in user mode -> expect 403.',
  },
  {
    name: 'ignore-dpop-binding',
    component: 'bearer-api',
    description:
      'Ignores DPoP: a token bound to a key (cnf.jkt) is accepted as a plain Bearer token, or with a proof of another key, or with a replayed proof, so a stolen token works without its key.',
    caughtBy: 'DPoP-bound client-credentials token sent as Bearer without a proof -> expect 401 invalid_token.',
  },
  {
    name: 'ignore-slow-down',
    component: 'device-cli',
    description: 'Keeps polling at the same interval after slow_down instead of adding 5 seconds (RFC 8628 §3.5).',
    caughtBy: 'IdP answers slow_down once -> the next wait must be 5 s longer, and the login must still succeed.',
  },
  {
    name: 'world-readable-session',
    component: 'device-cli',
    description: 'Writes the session file (refresh token included) with mode 0644 instead of 0600.',
    caughtBy: 'After login, the session file mode must be 0600.',
  },
] as const satisfies readonly FlawDescriptor[];

export type FlawName = (typeof FLAWS)[number]['name'];

function flawsOf(component: ComponentName): FlawDescriptor[] {
  return FLAWS.filter((flaw) => flaw.component === component);
}

/** Throws a clear error when a flaw name is unknown or belongs to another component. */
export function checkFlaw(component: ComponentName, flaw: string | undefined): void {
  if (flaw === undefined) return;
  const found = FLAWS.find((candidate) => candidate.name === flaw);
  if (!found) {
    throw new OptionsError(
      `unknown flaw "${flaw}"; flaws of the ${component}: ${flawsOf(component)
        .map((f) => f.name)
        .join(', ')}`,
    );
  }
  if (found.component !== component) {
    throw new OptionsError(
      `flaw "${flaw}" belongs to the ${found.component}, not the ${component}; flaws of the ${component}: ${flawsOf(component)
        .map((f) => f.name)
        .join(', ')}`,
    );
  }
}
