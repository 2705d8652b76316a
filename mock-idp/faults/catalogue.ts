import type { FaultRuleInput } from './schema.ts';

/*
 * Every misbehaviour the IdP can show, with a rule that produces it and what it stands for: an
 * OpenID RP certification test (https://openid.net/certification/rp_testing/) or a real incident.
 * docs/faults.md is generated from this list; a test checks that every rule here is valid.
 */

export interface CatalogueEntry {
  family: 'Token content' | 'Signature and header' | 'Keys' | 'Transport' | 'Protocol';
  what: string;
  rule: FaultRuleInput;
  /** RP certification test ids, or the real-world incident it reproduces. */
  standsFor: string;
}

const idToken = (token: NonNullable<FaultRuleInput['action']['token']>): FaultRuleInput => ({ match: { endpoint: 'token' }, action: { token } });
const logoutToken = (token: NonNullable<FaultRuleInput['action']['token']>): FaultRuleInput => ({
  match: { endpoint: 'end_session' },
  action: { token: { of: 'logout_token', ...token } },
});

export const FAULT_CATALOGUE: CatalogueEntry[] = [
  { family: 'Token content', what: 'ID token with another issuer', rule: idToken({ wrong: ['iss'] }), standsFor: 'rp-id_token-issuer-mismatch' },
  { family: 'Token content', what: 'ID token for another audience', rule: idToken({ wrong: ['aud'] }), standsFor: 'rp-id_token-aud' },
  {
    family: 'Token content',
    what: 'azp of another client (several audiences)',
    rule: idToken({ claims: { aud: ['demo', 'another-client'] }, wrong: ['azp'] }),
    standsFor: 'OIDC Core 3.1.3.7 steps 4-5',
  },
  { family: 'Token content', what: 'another subject', rule: idToken({ wrong: ['sub'] }), standsFor: 'rp-id_token-sub (sub required), account mix-up' },
  { family: 'Token content', what: 'missing sub', rule: idToken({ remove: ['sub'] }), standsFor: 'rp-id_token-sub' },
  { family: 'Token content', what: 'nonce that was never sent', rule: idToken({ wrong: ['nonce'] }), standsFor: 'rp-nonce-invalid' },
  { family: 'Token content', what: 'missing nonce', rule: idToken({ remove: ['nonce'] }), standsFor: 'rp-nonce-unless-code-flow' },
  {
    family: 'Token content',
    what: 'wrong at_hash / c_hash',
    rule: idToken({ wrong: ['at_hash', 'c_hash'] }),
    standsFor: 'rp-id_token-bad-at_hash, rp-id_token-bad-c_hash',
  },
  { family: 'Token content', what: 'missing iat', rule: idToken({ remove: ['iat'] }), standsFor: 'rp-id_token-iat' },
  { family: 'Token content', what: 'expired token', rule: idToken({ expiresIn: -300 }), standsFor: 'expired ID token; clock skew between IdP and client' },
  {
    family: 'Token content',
    what: 'issued in the future',
    rule: idToken({ issuedIn: 3600 }),
    standsFor: 'IdP clock ahead of the client (skew beyond tolerance)',
  },
  { family: 'Token content', what: 'not valid yet (nbf)', rule: idToken({ notBeforeIn: 3600 }), standsFor: 'nbf in the future (Entra tokens carry nbf)' },
  { family: 'Token content', what: 'a year-long lifetime', rule: idToken({ expiresIn: 31_536_000 }), standsFor: 'misconfigured token lifetime policy' },
  {
    family: 'Token content',
    what: 'mistyped claims',
    rule: idToken({ claims: { email_verified: 'true', groups: 'admins' } }),
    standsFor: 'email_verified as a string (some IdPs), groups as a single string',
  },
  {
    family: 'Token content',
    what: 'groups overage',
    rule: idToken({ groupsOverage: true }),
    standsFor: 'Entra ID: more than 200 groups become _claim_names/_claim_sources',
  },
  {
    family: 'Token content',
    what: 'oversized token',
    rule: idToken({ oversize: 16_384 }),
    standsFor: 'tokens over header limits (nginx 8 KiB, cookies 4 KiB)',
  },
  {
    family: 'Token content',
    what: 'access token (JWT) with a wrong audience',
    rule: { match: { endpoint: 'token' }, action: { token: { of: 'access_token', claims: { aud: 'api://other' } } } },
    standsFor: 'token confusion between APIs (RFC 9068 aud check)',
  },
  {
    family: 'Token content',
    what: 'logout token with another issuer',
    rule: logoutToken({ wrong: ['iss'] }),
    standsFor: 'rp-backchannel-rpinitlogout-wrong-iss (OpenID conformance suite)',
  },
  {
    family: 'Token content',
    what: 'logout token for another audience',
    rule: logoutToken({ wrong: ['aud'] }),
    standsFor: 'rp-backchannel-rpinitlogout-wrong-aud',
  },
  {
    family: 'Token content',
    what: 'logout token without the back-channel logout event',
    rule: logoutToken({ remove: ['events'] }),
    standsFor: 'rp-backchannel-rpinitlogout-no-event',
  },
  {
    family: 'Token content',
    what: 'logout token with another event',
    rule: logoutToken({ claims: { events: { 'http://schemas.openid.net/event/other': {} } } }),
    standsFor: 'rp-backchannel-rpinitlogout-wrong-event',
  },
  {
    family: 'Token content',
    what: 'logout token with a nonce',
    rule: logoutToken({ claims: { nonce: 'abc' } }),
    standsFor: 'rp-backchannel-rpinitlogout-lt-with-nonce (a logout token must not carry one)',
  },
  {
    family: 'Token content',
    what: 'logout token for another session or subject',
    rule: logoutToken({ wrong: ['sid', 'sub'] }),
    standsFor: 'OpenID Back-Channel Logout 2.6: the RP must find the session it names, else ignore it',
  },
  {
    family: 'Signature and header',
    what: 'logout token with alg none',
    rule: logoutToken({ sign: 'none' }),
    standsFor: 'rp-backchannel-rpinitlogout-alg-none',
  },
  {
    family: 'Signature and header',
    what: 'logout token signed with a published key of another algorithm',
    rule: logoutToken({ sign: 'other-published-alg' }),
    standsFor: 'rp-backchannel-rpinitlogout-lt-wrong-alg (as the official test: ES256 where the client registered RS256)',
  },
  {
    family: 'Signature and header',
    what: 'logout token signed HS256 with the RSA public key',
    rule: logoutToken({ sign: 'hs256-public-key' }),
    standsFor: 'algorithm confusion on the back channel',
  },
  {
    family: 'Protocol',
    what: 'RP-initiated logout answered with another state, or none',
    rule: { match: { endpoint: 'end_session' }, action: { logoutRedirect: { state: 'wrong' } } },
    standsFor: 'rp-init-logout-other-state, rp-init-logout-no-state (state: drop)',
  },
  {
    family: 'Signature and header',
    what: 'bad signature',
    rule: idToken({ sign: 'bad-signature' }),
    standsFor: 'rp-id_token-bad-sig-rs256, rp-id_token-bad-sig-es256',
  },
  { family: 'Signature and header', what: 'alg none', rule: idToken({ sign: 'none' }), standsFor: 'rp-id_token-sig-none (refused unless registered)' },
  {
    family: 'Signature and header',
    what: 'HS256 keyed with the RSA public key',
    rule: idToken({ sign: 'hs256-public-key' }),
    standsFor: 'algorithm confusion (CVE-2015-9235 class)',
  },
  {
    family: 'Signature and header',
    what: 'signed by a key not in the JWKS',
    rule: idToken({ sign: 'unpublished-key' }),
    standsFor: 'a token forged with an attacker key (kid not in the JWKS)',
  },
  { family: 'Signature and header', what: 'published kid on another key', rule: idToken({ sign: 'reused-kid' }), standsFor: 'key replaced without a new kid' },
  {
    family: 'Signature and header',
    what: 'kid nobody published',
    rule: idToken({ sign: 'unknown-kid' }),
    standsFor: 'rp-key-rotation-op-sign-key (client must refetch, then fail)',
  },
  {
    family: 'Signature and header',
    what: 'kid missing',
    rule: idToken({ header: { kid: null } }),
    standsFor: 'rp-id_token-kid-absent-single-jwks, rp-id_token-kid-absent-multiple-jwks',
  },
  {
    family: 'Signature and header',
    what: 'typ changed',
    rule: idToken({ header: { typ: 'at+jwt' } }),
    standsFor: 'ID token / access token confusion (RFC 8725 3.11)',
  },
  {
    family: 'Keys',
    what: 'keys rotated mid-flow',
    rule: { match: { endpoint: 'token' }, action: { rotateKeys: true }, count: 1 },
    standsFor: 'rp-key-rotation-op-sign-key',
  },
  {
    family: 'Keys',
    what: 'signing key missing from the JWKS',
    rule: { match: { endpoint: 'jwks' }, action: { jwks: { dropSigningKeys: true } } },
    standsFor: 'JWKS published late during a rotation',
  },
  {
    family: 'Keys',
    what: 'keys published without kid',
    rule: { match: { endpoint: 'jwks' }, action: { jwks: { removeKids: true } } },
    standsFor: 'OpenID RP certification rp-id_token-kid-absent-single-jwks and -multiple-jwks',
  },
  {
    family: 'Keys',
    what: 'JWKS with an extra malformed key',
    rule: { match: { endpoint: 'jwks' }, action: { jwks: { addBadKey: true } } },
    standsFor: 'one unusable key must not break the others',
  },
  {
    family: 'Keys',
    what: 'JWKS cache headers',
    rule: { match: { endpoint: 'jwks' }, action: { jwks: { cacheControl: 'max-age=86400' } } },
    standsFor: 'clients caching keys past a rotation',
  },
  {
    family: 'Keys',
    what: 'JWKS outage',
    rule: { match: { endpoint: 'jwks' }, action: { status: 503 } },
    standsFor: 'IdP key endpoint down (clients must fail closed, then recover)',
  },
  { family: 'Transport', what: 'latency', rule: { match: { endpoint: 'token' }, action: { latency: '2s' } }, standsFor: 'slow IdP under load' },
  {
    family: 'Transport',
    what: 'hang until the client times out',
    rule: { match: { endpoint: 'token' }, action: { hang: true } },
    standsFor: 'IdP stuck behind a load balancer; client without a timeout',
  },
  {
    family: 'Transport',
    what: 'connection reset',
    rule: { match: { endpoint: 'token' }, action: { reset: true } },
    standsFor: 'IdP restart or proxy dropping connections',
  },
  { family: 'Transport', what: '500 / 502 / 503', rule: { match: { endpoint: 'token' }, action: { status: 502 } }, standsFor: 'IdP outage, gateway errors' },
  {
    family: 'Transport',
    what: '429 with Retry-After',
    rule: { match: { endpoint: 'token' }, action: { status: 429, retryAfter: 30 } },
    standsFor: 'rate limiting (Entra, Auth0, Okta throttle token endpoints)',
  },
  {
    family: 'Transport',
    what: 'HTML error page with status 200',
    rule: { match: { endpoint: 'discovery' }, action: { html: true } },
    standsFor: 'captive portal, maintenance page, WAF block page',
  },
  {
    family: 'Transport',
    what: 'CORS headers missing',
    rule: { match: { endpoint: ['token', 'userinfo'] }, action: { cors: 'drop' } },
    standsFor: "a proxy or gateway that strips CORS headers; an IdP not told about the app's origin (browser apps see a network error, not the answer)",
  },
  {
    family: 'Transport',
    what: 'CORS for another origin',
    rule: { match: { endpoint: 'discovery' }, action: { cors: 'other-origin' } },
    standsFor: 'a cached or hard-coded Access-Control-Allow-Origin of another app',
  },
  {
    family: 'Transport',
    what: 'wrong content type',
    rule: { match: { endpoint: 'token' }, action: { contentType: 'text/plain' } },
    standsFor: 'misconfigured reverse proxy',
  },
  { family: 'Transport', what: 'truncated JSON', rule: { match: { endpoint: 'token' }, action: { body: 'truncated' } }, standsFor: 'connection cut mid-body' },
  {
    family: 'Transport',
    what: 'invalid JSON',
    rule: { match: { endpoint: 'discovery' }, action: { body: 'invalid-json' } },
    standsFor: 'broken deployment of the IdP',
  },
  {
    family: 'Transport',
    what: 'redirect loop',
    rule: { match: { endpoint: 'discovery' }, action: { redirectLoop: true } },
    standsFor: 'misrouted issuer URL behind a proxy',
  },
  {
    family: 'Protocol',
    what: 'any OAuth error, with its status',
    rule: { match: { endpoint: 'token' }, action: { oauthError: 'invalid_client' } },
    standsFor: 'client secret rotated or expired at the IdP (401, WWW-Authenticate)',
  },
  {
    family: 'Protocol',
    what: 'refresh token reuse detected',
    rule: {
      match: { endpoint: 'token', grant: 'refresh_token' },
      action: { revokeGrant: true, oauthError: 'invalid_grant', description: 'refresh token reuse detected' },
      count: 1,
    },
    standsFor: 'RFC 9700 4.14.2: a rotated refresh token presented twice revokes the whole family (Auth0, Okta, Entra)',
  },
  {
    family: 'Protocol',
    what: 'revoked grant',
    rule: { match: { endpoint: 'token', grant: 'refresh_token' }, action: { revokeGrant: true }, count: 1 },
    standsFor: 'user removed the app or an admin revoked consent: refresh refused (invalid_grant), access token refused (invalid_token)',
  },
  {
    family: 'Protocol',
    what: 'disabled user on refresh',
    rule: {
      match: { endpoint: 'token', grant: 'refresh_token', user: 'bob' },
      action: { oauthError: 'invalid_grant', description: 'user account is disabled' },
    },
    standsFor: 'Entra AADSTS50057, Okta deactivated user (the real thing: admin.users.disable)',
  },
  {
    family: 'Protocol',
    what: 'access token refused at userinfo',
    rule: { match: { endpoint: 'userinfo' }, action: { oauthError: 'invalid_token' } },
    standsFor: 'token revoked or expired early (RFC 6750 3.1, WWW-Authenticate: Bearer)',
  },
  {
    family: 'Protocol',
    what: 'authorization error to the redirect URI',
    rule: { match: { endpoint: 'authorize' }, action: { oauthError: 'login_required' } },
    standsFor: 'prompt=none without a session; consent_required; interaction_required',
  },
  {
    family: 'Protocol',
    what: 'authorization response without a code',
    rule: { match: { endpoint: 'authorize' }, action: { authorization: { code: 'drop' } } },
    standsFor: 'broken redirect handling',
  },
  {
    family: 'Protocol',
    what: 'authorization response with another state',
    rule: { match: { endpoint: 'authorize' }, action: { authorization: { state: 'wrong' } } },
    standsFor: 'CSRF / login fixation (RFC 6749 10.12)',
  },
  {
    family: 'Protocol',
    what: 'authorization response with a missing or wrong iss',
    rule: { match: { endpoint: 'authorize' }, action: { authorization: { iss: 'wrong' } } },
    standsFor: 'mix-up attack (RFC 9207)',
  },
  {
    family: 'Protocol',
    what: 'device flow slow_down / expired_token / access_denied',
    rule: { match: { endpoint: 'token', grant: 'urn:ietf:params:oauth:grant-type:device_code' }, action: { oauthError: 'slow_down' } },
    standsFor: 'RFC 8628 3.5 polling errors',
  },
  {
    family: 'Protocol',
    what: 'DPoP nonce demanded',
    rule: { match: { endpoint: ['token', 'userinfo'] }, action: { dpop: { requireNonce: true } } },
    standsFor: 'RFC 9449 section 8: use_dpop_nonce with a DPoP-Nonce header (Okta demands one on the first request); the client must retry with the nonce',
  },
  {
    family: 'Protocol',
    what: 'DPoP proof refused',
    rule: { match: { endpoint: 'token' }, action: { oauthError: 'invalid_dpop_proof', description: 'DPoP proof htu mismatch' } },
    standsFor: 'an IdP behind a proxy that computes another htu than the client signed (RFC 9449 section 4.3)',
  },
  {
    family: 'Protocol',
    what: 'discovery issuer differs from its URL',
    rule: { match: { endpoint: 'discovery' }, action: { json: { set: { issuer: 'https://login.example.com/other' } } } },
    standsFor: 'rp-discovery-issuer-not-matching-config',
  },
  {
    family: 'Protocol',
    what: 'userinfo sub differs from the ID token',
    rule: { match: { endpoint: 'userinfo' }, action: { json: { set: { sub: 'someone-else' } } } },
    standsFor: 'rp-userinfo-bad-sub-claim',
  },
];
