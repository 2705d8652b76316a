/*
 * What each profile emulates, with its public source (the provider's documentation, an SDK, an issue),
 * and what it does not: the text of docs/profiles/<name>.md. Kept next to the profiles so that a
 * change to one is a change to the other.
 */

export interface ProfileNotes {
  title: string;
  emulated: Array<[behaviour: string, source: string]>;
  notEmulated: string[];
}

export const PROFILE_NOTES: Record<string, ProfileNotes> = {
  google: {
    title: 'Google',
    emulated: [
      [
        'Discovery: RS256 only, `client_secret_post` and `client_secret_basic`, `plain` and `S256`, `public` subjects, no `end_session_endpoint`',
        'Google "OpenID Connect" reference (developers.google.com/identity/openid-connect/reference), live discovery copy',
      ],
      [
        'Endpoint paths: `/o/oauth2/v2/auth`, `/token`, `/v1/userinfo`, `/oauth2/v3/certs`, `/revoke`, `/device/code`',
        'Google "OpenID Connect" reference (developers.google.com/identity/openid-connect/reference)',
      ],
      [
        'No RP-initiated logout: the logout endpoint answers 404',
        'absence in Google "OpenID Connect" reference (developers.google.com/identity/openid-connect/reference)',
      ],
      ['`sub` is a 21-digit numeric string, stable per user', 'TokenPayload doc'],
      [
        '`email_verified` is a JSON boolean; `hd` only for users whose e-mail is in the hosted domain',
        'Google "OpenID Connect" reference (developers.google.com/identity/openid-connect/reference)',
      ],
      ['Refresh tokens only with `access_type=offline`; `offline_access` as a scope is ignored; no rotation', 'google-api-php-client #2591'],
      [
        'The first offline authorization of a user for a client gets a refresh token; later ones get none unless the client sends `prompt=consent`',
        'google-api-php-client #2591; pdobsan/oama #36',
      ],
      ['A dead refresh token answers 400 `invalid_grant` "Token has been expired or revoked."', 'Google Ads API errors'],
      ['Access tokens live 3599 s', 'Google "OpenID Connect" reference (developers.google.com/identity/openid-connect/reference)'],
      [
        'Device authorization answers `verification_url` (not `verification_uri`), without `verification_uri_complete`',
        'Google "OpenID Connect" reference (developers.google.com/identity/openid-connect/reference)',
      ],
      ['Option `issuer: scheme-less`: discovery and ID tokens carry the legacy scheme-less issuer', '2014 discovery snapshot'],
      [
        '`/oauth2/v1/certs`: the signing keys as a map of kid to PEM certificate (self-signed, CN=federated-signon.system.gserviceaccount.com), beside the `/oauth2/v3/certs` JWKS',
        'Google "OpenID Connect" reference (developers.google.com/identity/openid-connect/reference); google-auth-library (verifyIdToken reads the PEM form)',
      ],
      [
        '`/tokeninfo` (GET or POST; `access_token`, a bearer header, or `id_token`): what the token stands for, every scalar as a string; `invalid_token` "Invalid Value" otherwise',
        'google-auth-library (getTokenInfo)',
      ],
      ['`/revoke` takes the token alone (query or form, no client authentication) and ends the whole grant', 'google-auth-library (revokeToken)'],
    ],
    notEmulated: [
      '`at_hash` in code-flow ID tokens',
      'revoking a grant does not make the next offline login a first consent again (send `prompt=consent`)',
      'the 100-refresh-tokens-per-user cap and 6-month idle expiry',
      'the device-flow scope allow-list',
      'faults on the JWKS (outages, missing keys) do not reach `/oauth2/v1/certs`',
      'daily key rotation (use `keys/rotate` or a `rotateKeys` fault)',
      'opaque `ya29.` access-token prefixes',
    ],
  },
  entra: {
    title: 'Microsoft Entra ID',
    emulated: [
      [
        'Issuer `<mount>/{tid}/v2.0` (v2) or `<mount>/{tid}/` with a trailing slash (v1); discovery also under `/v2.0`, `/{tid}/v2.0` and `/<authority>/v2.0` (`common`, `organizations`, `consumers`: where MSAL looks, for v1 tenants too)',
        'Microsoft Learn "Access tokens in the Microsoft identity platform", Microsoft Learn "ID token claims reference"; @azure/msal-node',
      ],
      [
        '`common` and `organizations` discovery names the literal `{tenantid}` placeholder as issuer; tokens carry the real tenant',
        'Microsoft Learn "Access tokens in the Microsoft identity platform"',
      ],
      [
        '`consumers` uses the Microsoft account tenant `9188040d-6c67-4c5b-b112-36a304b66dad`',
        'Microsoft Learn "OpenID Connect on the Microsoft identity platform"',
      ],
      [
        'Endpoints `/oauth2/v2.0/{authorize,token,devicecode,logout}` (v1: `/oauth2/...`), JWKS `/discovery/v2.0/keys`, userinfo `/oidc/userinfo`',
        'Microsoft identity platform documentation (learn.microsoft.com/entra/identity-platform)',
      ],
      [
        'Claims `oid` (stable GUID per user and tenant), `tid`, `ver`, `uti`, `aio`, `rh`; v2 `preferred_username`, v1 `unique_name` and `upn`',
        'Microsoft Learn "ID token claims reference"',
      ],
      [
        '`groups` as object GUIDs; above `groupsOverageLimit` (200) they become `_claim_names`/`_claim_sources`',
        'Microsoft Learn "Access token claims reference"',
      ],
      ['No `at_hash` or `c_hash` in ID tokens from the token endpoint', 'Microsoft Learn "ID token claims reference"'],
      ['v1 tokens carry `x5t` (equal to `kid`) in the header', 'Microsoft identity platform documentation (learn.microsoft.com/entra/identity-platform)'],
      [
        'Access tokens: v2 `azp`/`azpacr`, v1 `appid`/`appidacr`; lifetime 75 min',
        'Microsoft Learn "Access token claims reference", "Access tokens in the Microsoft identity platform"',
      ],
      [
        'JWKS keys carry `issuer` (templated for common/organizations), `x5c` (a self-signed certificate, CN=accounts.accesscontrol.windows.net) and `x5t`, its SHA-1 thumbprint; `kid` equals `x5t`',
        'Microsoft Learn "Access tokens in the Microsoft identity platform"',
      ],
      [
        'Errors in the AADSTS envelope: `AADSTSnnnn:` descriptions with Trace ID, Correlation ID and Timestamp lines, `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`',
        'Microsoft Learn "Microsoft Entra authentication and authorization error codes"',
      ],
      [
        'Device flow: `message`, `expires_in` 900, no `verification_uri_complete`, `authorization_declined` instead of `access_denied`',
        'Microsoft Learn "OAuth 2.0 device authorization grant"',
      ],
      [
        'Refresh tokens only with `offline_access` (no `prompt=consent` needed); they rotate; 90-day lifetime',
        'Microsoft Learn "Refresh tokens in the Microsoft identity platform"',
      ],
      [
        "The token endpoint takes `grant_type=device_code` (MSAL's) besides the RFC 8628 URN; with `client_info=1` a response with an ID token carries `client_info` (base64url `{uid: oid, utid: tid}`, MSAL's home account id)",
        '@azure/msal-node (DeviceCodeClient, ResponseHandler)',
      ],
      [
        'Refreshes that repeat scopes the IdP does not know (`User.Read`) ignore them, as the authorization endpoint does',
        '@azure/msal-node (acquireTokenSilent)',
      ],
      [
        "On-behalf-of: `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with `requested_token_use=on_behalf_of`, the user's access token for the calling app as `assertion` and `scope=<resource>/.default`; answers `token_type`, `scope`, `expires_in`, `ext_expires_in`, `access_token` (aud the resource, `azp` the caller, `scp`, `oid`, `tid`); an assertion for another app is AADSTS50013, a resource the caller may not call (`exchangeAudiences`) AADSTS500011",
        'Microsoft identity platform docs: "OAuth 2.0 On-Behalf-Of flow"',
      ],
    ],
    notEmulated: [
      'on-behalf-of refresh tokens (offline_access) and consent errors (AADSTS65001)',
      'pairwise `sub` per application',
      'the Graph `nonce` header on first-party access tokens',
      'the 24-hour SPA refresh-token deadline (AADSTS700084)',
      'random 60-90 minute access-token lifetimes (fixed at 75)',
      "`kid` = `x5t` for keys added later by rotation (their `kid` is the JWK thumbprint; `x5t` stays the certificate's)",
      '`?appid=` custom signing keys',
      '`hasgroups` in implicit flows (the IdP has no implicit flow)',
      "a v1 tenant answers MSAL's v2 discovery with its v1 endpoints and tokens (real Entra serves both endpoint families per tenant, and a v2 endpoint always gives v2 ID tokens)",
      'endpoint paths with the tenant segment (`/{tenant}/oauth2/v2.0/token`): paths are relative to the mount',
    ],
  },
  adfs: {
    title: 'AD FS 2016 / 2019',
    emulated: [
      [
        'Issuer `<mount>/adfs`; access tokens issued by `<mount>/adfs/services/trust`, advertised as `access_token_issuer`',
        '[MS-OIDCE] OpenID Connect 1.0 Protocol Extensions, windowsserverdocs #551',
      ],
      [
        'Discovery extras `microsoft_multi_refresh_token`, `capabilities`, front-channel logout flags',
        '[MS-OIDCE] OpenID Connect 1.0 Protocol Extensions §2.2.3.2',
      ],
      [
        'Endpoints `/adfs/oauth2/{authorize,token,devicecode,logout}`, `/adfs/userinfo`, `/adfs/discovery/keys`',
        'Microsoft Learn "AD FS OpenID Connect/OAuth concepts"',
      ],
      ['`unique_name` (`DOMAIN\\user`) and `upn` in ID tokens; `group` as a string or a list', '[MS-OIDCE] OpenID Connect 1.0 Protocol Extensions §2.2.3.1'],
      ['Userinfo returns `sub` only', 'Microsoft Learn "AD FS OpenID Connect/OAuth concepts"'],
      [
        'JWKS keys carry the token-signing certificate (`x5c`, CN=ADFS Signing - host) and its thumbprint as `x5t` and `kid`',
        'token-signing certificate, Set-AdfsProperties',
      ],
      [
        'No refresh-token rotation (no KMSI); 8-hour refresh tokens; 1-hour access and ID tokens',
        'Microsoft Learn "AD FS FAQ", Microsoft Learn "AD FS OpenID Connect/OAuth concepts"',
      ],
      [
        'MSIS errors with escaped quotes and a trailing space: `MSIS9612: The authorization code received in \\u0027code\\u0027 parameter is invalid. `',
        'argo-cd #12637',
      ],
      ['Version 2016 has no device authorization endpoint', 'Microsoft Learn "AD FS OpenID Connect/OAuth flows and application scenarios"'],
      [
        "2019: the token endpoint takes `grant_type=device_code` (MSAL's) besides the RFC 8628 URN",
        '@azure/msal-node (DeviceCodeClient); MSAL supports AD FS 2019 and later',
      ],
    ],
    notEmulated: [
      'the `resource` parameter and `urn:microsoft:userinfo` default resource',
      'KMSI and registered-device refresh lifetimes',
      '`allatclaims`',
      'PKCE refusal on 2016',
      '`pwd_exp`/`pwd_url`',
    ],
  },
  auth0: {
    title: 'Auth0',
    emulated: [
      ['Issuer with a mandatory trailing slash (`<mount>/`)', 'auth0/docs #5199'],
      [
        'Endpoints `/authorize`, `/oauth/token`, `/userinfo`, `/.well-known/jwks.json`, `/oauth/revoke`, `/oauth/device/code`, `/oidc/logout`',
        'Auth0 docs (auth0.com/docs)',
      ],
      ['Custom claims under a namespace (`https://example.com/groups`, `/roles`); `auth0|` subjects', 'Auth0 docs "Create Custom Claims"'],
      ['`end_session_endpoint` in discovery only with `endSessionDiscovery`', 'Auth0 docs (auth0.com/docs)'],
      ['Access tokens live 24 h; refresh tokens need `offline_access` and rotate with reuse detection', 'Auth0 docs "Configure Refresh Token Rotation"'],
      ["Without an API audience a login's access token is opaque and works only at `/userinfo`", 'auth0.com/docs "Access Tokens"'],
      [
        "A user's access token for an API (client `audience`) with `openid` in the scope has `aud: [API, <mount>/userinfo]`",
        'Auth0 docs "Create Custom Claims"; access tokens with `audience` are JWTs',
      ],
      ['Device flow with `verification_uri_complete`', 'Auth0 docs (auth0.com/docs)'],
      ['JWKS keys with their certificate (`x5c`, `x5t`)', 'Auth0 "JSON Web Key Sets"'],
      [
        'Machine-to-machine (client credentials) access tokens: `sub` `<client_id>@clients`, `azp`, `gty: client-credentials`',
        "express-oauth2-jwt-bearer users' checks; auth0.com/docs client-credentials token samples",
      ],
      ["`/oauth/token` and `/oauth/revoke` take JSON bodies as well as forms (Auth0's documented requests are JSON)", 'auth0.com/docs "Get Access Tokens"'],
    ],
    notEmulated: [
      'the API access token (`aud` array) is not accepted at `/userinfo` (the IdP takes only its own opaque tokens there; a login without an audience gets one)',
      'the reuse leeway (overlap period)',
      '`expired_token` once then `invalid_grant`',
      'silently dropped restricted claim names',
      '`/v2/logout`',
    ],
  },
  okta: {
    title: 'Okta',
    emulated: [
      [
        'Custom authorization server: issuer `<mount>/oauth2/{authServerId}` and endpoints `/oauth2/{id}/v1/*`; org server: issuer `<mount>` and `/oauth2/v1/*`',
        'Okta developer docs (developer.okta.com/docs)',
      ],
      ['Access tokens with `ver: 1`, `cid`, `uid`, `scp` as an array', 'unconfirmed shapes, editable with client claims'],
      ['`00u…` user ids as `sub`', 'Okta developer docs (developer.okta.com/docs)'],
      ['Refresh tokens rotate; 90-day lifetime; 1-hour access and ID tokens', 'Okta developer docs "Refresh token rotation"'],
      [
        "Access tokens list the scopes the user granted in `scp` (openid, profile, email...), not only the API's",
        '@okta/jwt-verifier, okta-auth-js (Okta access tokens as they verify them)',
      ],
      [
        "On-Behalf-Of token exchange at `/v1/token` (RFC 8693: a user's access token as `subject_token`, an `audience`, a narrower `scope`): the issued access token has Okta's shape (`ver`, `cid` of the requesting service, `scp`), for clients with the `token_exchange` grant",
        'Okta developer docs "Set up OAuth 2.0 On-Behalf-Of Token Exchange"',
      ],
    ],
    notEmulated: [
      'the 30-second rotation grace period',
      'ID-token claims only from userinfo',
      'access policies and "no rule matched" errors',
      'quarterly key rotation with pre-published keys',
      'dynamic issuer mode',
    ],
  },
  keycloak: {
    title: 'Keycloak',
    emulated: [
      ['Issuer `<mount>/realms/{realm}`, or `<mount>/auth/realms/{realm}` with `legacyAuthPath`', 'keycloak #10464'],
      [
        'Endpoints under `/protocol/openid-connect/` (`auth`, `token`, `token/introspect`, `userinfo`, `logout`, `certs`, `auth/device`); device page `/realms/{realm}/device`',
        'Keycloak Server Administration Guide (keycloak.org/docs)',
      ],
      [
        'ID tokens `typ: ID`; access tokens `typ: Bearer`, `azp`, `realm_access.roles`, `resource_access.{client}.roles`, `allowed-origins`',
        'AccessToken javadoc',
      ],
      ['Access tokens live 300 s; codes 60 s; no refresh rotation by default', 'realm export defaults'],
      [
        'The other generation\'s path style (`/auth/realms/...` on 17+, `/realms/...` with `legacyAuthPath`) answers 404 `{"error": "RESTEASY003210: Could not find resource for full path: <url>"}`; another realm answers `Realm does not exist`',
        'keycloak #10464, #10615',
      ],
      ['`certs` keys carry a self-signed certificate named after the realm (`x5c`), `x5t` and `x5t#S256`', 'realm key providers'],
      [
        'Access tokens are always JWTs: clients without an audience get `aud: account`; they carry `sid` (the browser session)',
        'Keycloak Server Administration Guide (keycloak.org/docs); keycloak-js (decodes the token, session id from `sid`)',
      ],
      [
        "Refresh tokens are JWTs (`typ` Refresh, or Offline with offline_access; HS512 with a realm secret, `exp` the 30-minute SSO idle) that stand for the IdP's own; the token, revocation and introspection endpoints take them back",
        'Keycloak Server Administration Guide (keycloak.org/docs); keycloak-js (refreshTokenParsed)',
      ],
      [
        "keycloak-js's helpers: `/protocol/openid-connect/3p-cookies/step1.html` and `step2.html` (third-party-cookie check), `login-status-iframe.html` (answers `unchanged`/`changed`/`error` from the `KEYCLOAK_SESSION` cookie, realm/user/session, set at login and cleared at logout) and its `/init` (204 for an origin of the client's redirect URIs)",
        'keycloak-js (checkLoginIframe, on by default)',
      ],
      ["CORS answers to an app's origin allow credentials (keycloak-js sends token requests with `credentials: include`)", 'keycloak-js'],
      [
        'Standard token exchange (v2): only this realm\'s access tokens as subject tokens, presented by the client they were issued to or one in their `aud` ("Client is not within the token audience"), for an `audience` that is a client of the realm (default: the requester)',
        'Keycloak docs: "Using token exchange" (standard token exchange)',
      ],
    ],
    notEmulated: [
      'issuer derived from the request host',
      'JWT refresh tokens and offline-token rules',
      'session-bound refresh tokens',
      'legacy token exchange (v1: external tokens, impersonation) and exchanged refresh tokens',
    ],
  },
};
