/*
 * The OpenID Foundation's relying-party certification tests for the authorization-code flow, as
 * the conformance suite defines them (openid-certification/conformance-suite, commit 12f2a4da:
 * OIDCCClient*TestPlan.java and the OIDCCClientTest*.java modules they list). A scenario that
 * implements one carries the module name (oidcc-client-test-...) and, where the test has one, the
 * id of the old Python suite (rp-...) as tags; docs/conformance.md is generated from these.
 */

export interface OfficialTest {
  /** The module's testName in the conformance suite. */
  module: string;
  /** The id of the same test in the old suite (rp-...), when it had one. */
  legacy: string | undefined;
  /** What the relying party must do, in short. */
  title: string;
}

export interface OfficialProfile {
  /** The certification profile ("Basic RP"). */
  name: string;
  /** The test plan's name in the conformance suite. */
  plan: string;
  /** The plan runs its modules with response_mode=form_post: a scenario counts when it is also tagged form-post. */
  formPost?: true;
  modules: string[];
}

/** Tag of a scenario that runs an official test with response_mode=form_post. */
export const FORM_POST_TAG = 'form-post';

const test = (module: string, legacy: string | undefined, title: string): OfficialTest => ({ module, legacy, title });

export const OFFICIAL_TESTS: readonly OfficialTest[] = [
  test('oidcc-client-test', 'rp-response_type-code', 'a login with the code flow succeeds (token and userinfo requests included)'),
  test('oidcc-client-test-invalid-iss', 'rp-id_token-issuer-mismatch', 'reject an ID token whose iss is not the issuer'),
  test('oidcc-client-test-missing-sub', 'rp-id_token-sub', 'reject an ID token without sub'),
  test('oidcc-client-test-invalid-aud', 'rp-id_token-aud', 'reject an ID token issued to another audience'),
  test('oidcc-client-test-missing-iat', 'rp-id_token-iat', 'reject an ID token without iat'),
  test(
    'oidcc-client-test-kid-absent-single-jwks',
    'rp-id_token-kid-absent-single-jwks',
    'verify an ID token without kid with the single key published, and accept it',
  ),
  test(
    'oidcc-client-test-kid-absent-multiple-jwks',
    'rp-id_token-kid-absent-multiple-jwks',
    'with several keys and no kid: reject the ID token, or find the key that verifies it',
  ),
  test('oidcc-client-test-idtoken-sig-rs256', 'rp-id_token-sig-rs256', 'verify an RS256-signed ID token'),
  test(
    'oidcc-client-test-idtoken-sig-none',
    'rp-id_token-sig-none',
    'an unsigned ID token (alg none) from the token endpoint: accepted only if registered so, else rejected',
  ),
  test('oidcc-client-test-invalid-sig-rs256', 'rp-id_token-bad-sig-rs256', 'reject an RS256 ID token with an invalid signature'),
  test('oidcc-client-test-userinfo-invalid-sub', 'rp-userinfo-bad-sub-claim', "reject userinfo whose sub differs from the ID token's"),
  test('oidcc-client-test-nonce-invalid', 'rp-nonce-invalid', 'reject an ID token whose nonce is not the one sent'),
  test('oidcc-client-test-scope-userinfo-claims', 'rp-scope-userinfo-claims', 'request claims with scope values (profile, email, phone, address)'),
  test('oidcc-client-test-client-secret-basic', 'rp-token_endpoint-client_secret_basic', 'authenticate at the token endpoint with client_secret_basic'),
  test('oidcc-client-test-discovery-openid-config', 'rp-discovery-openid-configuration', "use the provider's discovery document"),
  test('oidcc-client-test-discovery-jwks-uri-keys', 'rp-discovery-jwks_uri-keys', 'fetch the keys from the discovered jwks_uri'),
  test('oidcc-client-test-discovery-issuer-mismatch', 'rp-discovery-issuer-not-matching-config', 'reject a discovery document whose issuer differs'),
  test(
    'oidcc-client-test-signing-key-rotation-just-before-signing',
    'rp-key-rotation-op-sign-key-native',
    'fetch the JWKS again when the keys rotated just before the ID token was signed',
  ),
  test('oidcc-client-test-signing-key-rotation', 'rp-key-rotation-op-sign-key', 'fetch the JWKS again for a second login after the keys rotated'),
  test('oidcc-client-test-discovery-webfinger-acct', 'rp-discovery-webfinger-acct', 'find the issuer with WebFinger from an acct: identifier'),
  test('oidcc-client-test-discovery-webfinger-url', 'rp-discovery-webfinger-url', 'find the issuer with WebFinger from a URL identifier'),
  test('oidcc-client-test-dynamic-registration', 'rp-registration-dynamic', 'register the client dynamically'),
  test('oidcc-client-test-request-uri-signed-rs256', 'rp-request_uri-sig', 'pass a signed (RS256) request object by reference (request_uri)'),
  test('oidcc-client-test-request-uri-signed-none', 'rp-request_uri-unsigned', 'pass an unsigned request object by reference (request_uri)'),
  test('oidcc-client-test-userinfo-signed', 'rp-userinfo-sig', 'accept userinfo as a signed JWT'),
  test('oidcc-client-test-rp-init-logout', 'rp-init-logout', 'RP-initiated logout: send the user to end_session and come back to post_logout_redirect_uri'),
  test('oidcc-client-test-rp-init-logout-other-state', 'rp-init-logout-other-state', 'RP-initiated logout: notice that the state coming back is another one'),
  test('oidcc-client-test-rp-init-logout-no-state', 'rp-init-logout-no-state', 'RP-initiated logout: notice that no state comes back'),
  test('oidcc-client-test-rp-backchannel-rpinitlogout', 'rp-backchannel-rpinitlogout', 'back-channel logout: end the session named by a valid logout token'),
  test(
    'oidcc-client-test-rp-backchannel-rpinitlogout-alg-none',
    'rp-backchannel-rpinitlogout-lt-alg-none',
    'back-channel logout: reject an unsigned logout token',
  ),
  test(
    'oidcc-client-test-rp-backchannel-rpinitlogout-no-event',
    'rp-backchannel-rpinitlogout-lt-no-event',
    'back-channel logout: reject a logout token without the logout event',
  ),
  test(
    'oidcc-client-test-rp-backchannel-rpinitlogout-with-nonce',
    'rp-backchannel-rpinitlogout-lt-with-nonce',
    'back-channel logout: reject a logout token that carries a nonce',
  ),
  test(
    'oidcc-client-test-rp-backchannel-rpinitlogout-wrong-alg',
    'rp-backchannel-rpinitlogout-lt-wrong-alg',
    'back-channel logout: reject a logout token signed with a published key of another algorithm',
  ),
  test(
    'oidcc-client-test-rp-backchannel-rpinitlogout-wrong-aud',
    'rp-backchannel-rpinitlogout-lt-wrong-aud',
    'back-channel logout: reject a logout token for another audience',
  ),
  test(
    'oidcc-client-test-rp-backchannel-rpinitlogout-wrong-event',
    'rp-backchannel-rpinitlogout-lt-wrong-event',
    'back-channel logout: reject a logout token with another event',
  ),
  test(
    'oidcc-client-test-rp-backchannel-rpinitlogout-wrong-iss',
    'rp-backchannel-rpinitlogout-lt-wrong-issuer',
    'back-channel logout: reject a logout token from another issuer',
  ),
  test(
    'oidcc-client-test-rp-frontchannel-rpinitlogout',
    'rp-frontchannel-rpinitlogout',
    'front-channel logout: end the session when the IdP loads the frontchannel_logout_uri',
  ),
  test('oidcc-client-test-session-management', 'rp-init-logout-session', 'session management: notice in the check_session_iframe that the session ended'),
  test('oidcc-client-test-refresh-token', undefined, 'refresh the access token and call userinfo with the new one'),
  test('oidcc-client-test-refresh-token-invalid-issuer', undefined, 'reject a refresh response whose ID token has another iss'),
  test('oidcc-client-test-refresh-token-invalid-sub', undefined, 'reject a refresh response whose ID token has another sub'),
  test('oidcc-client-test-3rd-party-init-login', undefined, 'start a login when sent to initiate_login_uri by a third party'),
  test('oidcc-client-test-userinfo-bearer-header', 'rp-userinfo-bearer-header', 'send the access token to userinfo in the Authorization header'),
  test('oidcc-client-test-userinfo-bearer-body', 'rp-userinfo-bearer-body', 'send the access token to userinfo as a form body parameter'),
  test('oidcc-client-test-aggregated-claims', 'rp-claims-aggregated', 'read aggregated claims (signed JWTs in _claim_sources)'),
  test('oidcc-client-test-distributed-claims', 'rp-claims-distributed', 'fetch distributed claims from their endpoint with their access token'),
  test('oidcc-client-test-missing-aud', 'rp-id_token-aud', 'reject an ID token without aud'),
  test('oidcc-client-test-invalid-sig-es256', 'rp-id_token-bad-sig-es256', 'reject an ES256 ID token with an invalid signature'),
];

const BASIC = [
  'oidcc-client-test',
  'oidcc-client-test-invalid-iss',
  'oidcc-client-test-missing-sub',
  'oidcc-client-test-invalid-aud',
  'oidcc-client-test-missing-iat',
  'oidcc-client-test-kid-absent-single-jwks',
  'oidcc-client-test-kid-absent-multiple-jwks',
  'oidcc-client-test-idtoken-sig-rs256',
  'oidcc-client-test-idtoken-sig-none',
  'oidcc-client-test-invalid-sig-rs256',
  'oidcc-client-test-userinfo-invalid-sub',
  'oidcc-client-test-nonce-invalid',
  'oidcc-client-test-scope-userinfo-claims',
  'oidcc-client-test-client-secret-basic',
];

export const OFFICIAL_PROFILES: readonly OfficialProfile[] = [
  { name: 'Basic RP', plan: 'oidcc-client-basic-certification-test-plan', modules: BASIC },
  {
    name: 'Config RP',
    plan: 'oidcc-client-config-certification-test-plan',
    modules: [
      'oidcc-client-test-discovery-openid-config',
      'oidcc-client-test-discovery-jwks-uri-keys',
      'oidcc-client-test-discovery-issuer-mismatch',
      'oidcc-client-test-idtoken-sig-none',
      'oidcc-client-test-signing-key-rotation-just-before-signing',
      'oidcc-client-test-signing-key-rotation',
    ],
  },
  {
    name: 'Dynamic RP',
    plan: 'oidcc-client-dynamic-certification-test-plan',
    modules: [
      'oidcc-client-test-discovery-webfinger-acct',
      'oidcc-client-test-discovery-webfinger-url',
      'oidcc-client-test-discovery-openid-config',
      'oidcc-client-test-discovery-jwks-uri-keys',
      'oidcc-client-test-discovery-issuer-mismatch',
      'oidcc-client-test-dynamic-registration',
      'oidcc-client-test-request-uri-signed-rs256',
      'oidcc-client-test-request-uri-signed-none',
      'oidcc-client-test-idtoken-sig-none',
      'oidcc-client-test-signing-key-rotation-just-before-signing',
      'oidcc-client-test-signing-key-rotation',
      'oidcc-client-test-userinfo-signed',
    ],
  },
  { name: 'Form Post RP', plan: 'oidcc-client-formpost-basic-certification-test-plan', formPost: true, modules: BASIC },
  {
    name: 'RP-Initiated RP',
    plan: 'oidcc-client-rp-initiated-logout-rp-basic',
    modules: ['oidcc-client-test-rp-init-logout', 'oidcc-client-test-rp-init-logout-other-state', 'oidcc-client-test-rp-init-logout-no-state'],
  },
  {
    name: 'Back-Channel RP',
    plan: 'oidcc-client-back-channel-logout-rp-basic',
    modules: [
      'oidcc-client-test-rp-backchannel-rpinitlogout',
      'oidcc-client-test-rp-backchannel-rpinitlogout-alg-none',
      'oidcc-client-test-rp-backchannel-rpinitlogout-no-event',
      'oidcc-client-test-rp-backchannel-rpinitlogout-with-nonce',
      'oidcc-client-test-rp-backchannel-rpinitlogout-wrong-alg',
      'oidcc-client-test-rp-backchannel-rpinitlogout-wrong-aud',
      'oidcc-client-test-rp-backchannel-rpinitlogout-wrong-event',
      'oidcc-client-test-rp-backchannel-rpinitlogout-wrong-iss',
    ],
  },
  { name: 'Front-Channel RP', plan: 'oidcc-client-front-channel-logout-rp-basic', modules: ['oidcc-client-test-rp-frontchannel-rpinitlogout'] },
  { name: 'Session RP', plan: 'oidcc-client-rp-session-management-rp-basic', modules: ['oidcc-client-test-session-management'] },
  {
    name: 'Refresh token',
    plan: 'oidcc-client-refreshtoken-test-plan',
    modules: ['oidcc-client-test-refresh-token', 'oidcc-client-test-refresh-token-invalid-issuer', 'oidcc-client-test-refresh-token-invalid-sub'],
  },
  { name: '3rd Party-Init RP', plan: 'oidcc-client-test-3rd-party-init-login-test-plan', modules: ['oidcc-client-test-3rd-party-init-login'] },
  {
    name: 'Other relying-party tests',
    plan: 'in no code-flow certification plan (oidcc-client-test-plan, implicit and hybrid plans)',
    modules: [
      'oidcc-client-test-userinfo-bearer-header',
      'oidcc-client-test-userinfo-bearer-body',
      'oidcc-client-test-aggregated-claims',
      'oidcc-client-test-distributed-claims',
      'oidcc-client-test-missing-aud',
      'oidcc-client-test-invalid-sig-es256',
    ],
  },
];

/** Tests without a scenario, and why. */
export const NOT_COVERED: Readonly<Record<string, string>> = {
  'oidcc-client-test-session-management':
    "not built: oidc-provider 9 has no OpenID Connect Session Management (check_session_iframe, session_state) any more, and judging it needs an OP iframe whose script reads a browser-state cookie and an RP iframe that polls it with postMessage, that is JavaScript in a real browser, which the harness's scripted browser is not; front-channel and back-channel logout, which replace it, are covered",
};

export function officialTest(module: string): OfficialTest | undefined {
  return OFFICIAL_TESTS.find((candidate) => candidate.module === module);
}
