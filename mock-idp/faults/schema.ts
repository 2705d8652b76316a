import { z } from 'zod';

/*
 * A fault rule: which requests (match), what goes wrong (action), how often (nth, after, count,
 * probability with a seed). Rules come from the configuration (tenant.faults), the admin API
 * (POST /_admin/tenants/{tenant}/faults) and scenarios; this schema is the one definition, and
 * docs/faults.md is generated from it and from the catalogue.
 */

export const FAULT_ENDPOINTS = [
  'discovery',
  'jwks',
  'authorize',
  'par',
  'token',
  'userinfo',
  'introspection',
  'revocation',
  'device_authorization',
  'device_verification',
  'end_session',
  'interaction',
] as const;
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];

export const OAUTH_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
  'interaction_required',
  'login_required',
  'consent_required',
  'account_selection_required',
  'authorization_pending',
  'slow_down',
  'expired_token',
  'invalid_token',
  'insufficient_scope',
  'unsupported_token_type',
  'unsupported_response_type',
  'invalid_dpop_proof',
] as const;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;
/** Latency is bounded like a hang: five minutes. */
const MAX_LATENCY_MS = 5 * 60_000;

/** Text that ends up in a response header: printable ASCII only (no CR/LF to split the header). */
const headerText = (what: string) =>
  z
    .string()
    .max(1000)
    .regex(/^[\x20-\x7e]*$/, `${what} goes into a response header: printable ASCII only (no line breaks or control characters)`);
const DURATION = /^(\d+)(ms|s|m)$/;

const duration = z
  .union([z.number().int().nonnegative(), z.string().regex(DURATION, 'a duration such as 250ms, 2s or 1m')])
  .transform((value) => {
    if (typeof value === 'number') return value;
    const [, amount, unit] = DURATION.exec(value)!;
    return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  })
  .refine((ms) => ms <= MAX_LATENCY_MS, { message: `at most ${MAX_LATENCY_MS / 60_000} minutes (${MAX_LATENCY_MS} ms)` })
  .describe('Milliseconds, or a duration such as 250ms, 2s, 1m.');

const oneOrMany = <T extends z.ZodType>(schema: T, expected: string) =>
  z
    .union([schema, z.array(schema).min(1)], { error: `expected ${expected}, or a list of them` })
    .transform((value) => (Array.isArray(value) ? value : [value]) as Array<z.output<T>>);

export const matchSchema = z
  .strictObject({
    endpoint: oneOrMany(z.enum(FAULT_ENDPOINTS), `one of ${FAULT_ENDPOINTS.join(', ')}`)
      .optional()
      .describe('Endpoint(s) the rule applies to. Default: every endpoint of the tenant.'),
    client: oneOrMany(z.string().min(1), 'a client_id')
      .optional()
      .describe('client_id(s) of the request (Basic credentials, client_id parameter, or the authenticated client).'),
    user: oneOrMany(z.string().min(1), 'a user name')
      .optional()
      .describe(
        'User name(s) the request is about. Before the IdP handles a request, the user is found from the code, refresh token, device code or access token it carries (requests without one match no user); after it, from what the IdP loaded.',
      ),
    grant: oneOrMany(z.string().min(1), 'a grant_type')
      .optional()
      .describe('grant_type(s) of token requests: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code.'),
    method: z
      .enum(['GET', 'POST', 'OPTIONS'])
      .optional()
      .describe(
        "HTTP method of the request. A browser's CORS preflight (OPTIONS) matches only rules with a cors action or method OPTIONS, so it never uses up a rule meant for the request that follows it.",
      ),
    tag: z.string().min(1).optional().describe('Only requests whose x-mockidp-scenario header equals this tag (the harness tags its own requests).'),
  })
  .default({})
  .describe('Which requests the rule applies to; every field given must match.');

const tokenKind = z.enum(['id_token', 'access_token', 'all', 'logout_token']);

export const tokenActionSchema = z
  .strictObject({
    of: tokenKind
      .default('id_token')
      .describe(
        "Which tokens: id_token, access_token (JWT), all (both, in token responses), or logout_token (OpenID Back-Channel Logout, sent to the client's backchannelLogoutUri during end_session).",
      ),
    claims: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Claims to set (a number where a string is due, groups as a string, extras); null removes the claim.'),
    remove: z.array(z.string()).optional().describe('Claims to remove (missing iss, aud, sub, nonce, at_hash, ...).'),
    wrong: z
      .array(z.enum(['iss', 'aud', 'azp', 'sub', 'nonce', 'at_hash', 'c_hash', 'sid', 'jti']))
      .optional()
      .describe('Claims to replace with a plausible wrong value.'),
    expiresIn: z.number().int().optional().describe('exp = now + this many seconds (negative: already expired; 31536000: a year).'),
    issuedIn: z.number().int().optional().describe('iat = now + this many seconds (positive: issued in the future).'),
    notBeforeIn: z.number().int().optional().describe('nbf = now + this many seconds (positive: not valid yet).'),
    groupsOverage: z.boolean().optional().describe('Entra-style groups overage: groups removed, _claim_names/_claim_sources point to a Graph endpoint.'),
    oversize: z.number().int().min(1).max(1_000_000).optional().describe('Pad the token with a filler claim until it is at least this many bytes.'),
    header: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Header fields to set (typ, kid, ...); null removes one (kid: null = kid missing); "${kid}" stands for the token\'s kid.'),
    sign: z
      .enum(['valid', 'bad-signature', 'none', 'hs256-public-key', 'unpublished-key', 'reused-kid', 'unknown-kid', 'other-published-alg'])
      .default('valid')
      .describe(
        'valid: re-signed with the tenant key; bad-signature: one signature byte flipped; none: alg none, no signature; hs256-public-key: HS256 keyed with the RSA public key PEM; unpublished-key: a key not in the JWKS (own kid); reused-kid: a new key under the published kid; unknown-kid: the right key, a kid not in the JWKS; other-published-alg: a published key of another algorithm (ES256 for an RS256 token, and back), a valid signature with an algorithm the client did not register.',
      ),
  })
  .describe('Rewrites the JWTs of the response and signs them again with jose (or deliberately not).');

export const jwksActionSchema = z
  .strictObject({
    dropSigningKeys: z.boolean().optional().describe('Leave the active signing keys out of the JWKS (tokens carry a kid the JWKS lacks).'),
    addBadKey: z.boolean().optional().describe('Add a malformed key (an RSA key with an invalid modulus) next to the good ones.'),
    removeKids: z
      .boolean()
      .optional()
      .describe('Publish the keys without their kid (OpenID certification rp-id_token-kid-absent-*: combine with a token whose header has kid: null).'),
    cacheControl: headerText('cacheControl').optional().describe('Cache-Control header of the JWKS response (e.g. "max-age=86400" or "no-store").'),
  })
  .describe('Changes the JWKS response.');

export const authorizationActionSchema = z
  .strictObject({
    code: z.enum(['drop', 'wrong']).optional().describe('The authorization response carries no code, or a code the IdP never issued.'),
    state: z.enum(['drop', 'wrong']).optional().describe('The authorization response carries no state, or another one.'),
    iss: z.enum(['drop', 'wrong']).optional().describe('RFC 9207: the iss parameter is missing, or names another issuer.'),
  })
  .describe('Changes the redirect that brings the authorization response to the client.');

export const logoutRedirectActionSchema = z
  .strictObject({
    state: z
      .enum(['drop', 'wrong'])
      .optional()
      .describe('The redirect to post_logout_redirect_uri carries no state, or another one (OpenID rp-init-logout-no-state, -other-state).'),
  })
  .describe('Changes the redirect that brings the browser back to the client after RP-initiated logout (match endpoint end_session).');

export const actionSchema = z
  .strictObject({
    latency: duration.optional().describe('Wait this long before answering.'),
    hang: z.boolean().optional().describe('Never answer: the connection stays open until the client gives up (closed after 5 minutes).'),
    reset: z.boolean().optional().describe('Close the connection without an answer (connection reset).'),
    status: z
      .number()
      .int()
      .min(400)
      .max(599)
      .optional()
      .describe('Answer this status with a short JSON body instead of handling the request (500, 502, 503, 429...).'),
    retryAfter: z.number().int().nonnegative().optional().describe('Retry-After header (seconds), with status 429 or 503.'),
    html: z.boolean().optional().describe('Answer 200 with an HTML error page (a proxy or login wall), not the protocol response.'),
    redirectLoop: z.boolean().optional().describe('Answer 302 to the same URL, forever.'),
    oauthError: z
      .enum(OAUTH_ERRORS)
      .optional()
      .describe(
        "Answer this OAuth error with the status the specs give it: 400; invalid_client and invalid_token 401 (with WWW-Authenticate); insufficient_scope 403; server_error 500; temporarily_unavailable 503. Authorization errors go to the registered redirect URI; errors at userinfo carry WWW-Authenticate: Bearer (RFC 6750); slow_down to a device code's poll holds the client to a 5 s longer interval from then on, as the IdP's own slow_down does.",
      ),
    description: z
      .string()
      .max(1000)
      .regex(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
        /^[^\u0000-\u001f\u007f]*$/,
        'no line breaks or control characters: the description also goes into the WWW-Authenticate header',
      )
      .optional()
      .describe('error_description of oauthError.'),
    contentType: headerText('contentType').optional().describe('Send the real response with this Content-Type.'),
    body: z.enum(['truncated', 'invalid-json', 'empty']).optional().describe('Send the real response cut in half, as broken JSON, or empty.'),
    json: z
      .strictObject({ set: z.record(z.string(), z.unknown()).optional(), remove: z.array(z.string()).optional() })
      .optional()
      .describe('Change fields of a JSON response: discovery issuer, userinfo sub, token_type, expires_in...'),
    token: tokenActionSchema.optional(),
    jwks: jwksActionSchema.optional(),
    authorization: authorizationActionSchema.optional(),
    dpop: z
      .strictObject({
        requireNonce: z
          .literal(true)
          .describe(
            'Demand a server nonce in the DPoP proof: a proof without a fresh nonce gets 400 use_dpop_nonce (401 with WWW-Authenticate: DPoP at userinfo) and a DPoP-Nonce header, and the client must try again with it.',
          ),
      })
      .optional()
      .describe('DPoP (RFC 9449) at the token, userinfo and PAR endpoints.'),
    cors: z
      .enum(['drop', 'other-origin'])
      .optional()
      .describe(
        "CORS headers of the response (preflights included): drop removes every Access-Control-* header (a proxy that strips them, a CORS set-up that forgot this origin); other-origin allows another origin instead of the caller's. Browsers then refuse to hand the response to the app.",
      ),
    logoutRedirect: logoutRedirectActionSchema.optional(),
    rotateKeys: z.boolean().optional().describe('Rotate the tenant signing keys when the rule fires (mid-flow), then handle the request.'),
    revokeGrant: z
      .boolean()
      .optional()
      .describe(
        'Revoke the grant of the code, refresh token, device code or access token the request carries (and every token issued from it) when the rule fires, then handle the request: the IdP itself refuses it (invalid_grant, invalid_token), and so it does every later use of that grant. A request that carries no grant is not counted.',
      ),
  })
  .superRefine((action, ctx) => {
    const answers = (['hang', 'reset', 'status', 'html', 'redirectLoop', 'oauthError'] as const).filter(
      (key) => action[key] !== undefined && action[key] !== false,
    );
    if (answers.length > 1)
      ctx.addIssue({ code: 'custom', message: `${answers.join(' and ')} each answer the request on their own: keep one (use two rules for two behaviours)` });
    const rewrites = (['contentType', 'body', 'json', 'token', 'jwks', 'authorization', 'cors', 'logoutRedirect'] as const).filter(
      (key) => action[key] !== undefined,
    );
    if (answers.length > 0 && rewrites.length > 0)
      ctx.addIssue({
        code: 'custom',
        message: `${answers[0]} answers instead of the IdP, so there is no response for ${rewrites.join(', ')} to change: use two rules`,
      });
    if (Object.values(action).every((value) => value === undefined || value === false))
      ctx.addIssue({
        code: 'custom',
        message:
          'the action does nothing: give one of latency, hang, reset, status, html, redirectLoop, oauthError, contentType, body, json, token, jwks, authorization, cors, logoutRedirect, dpop, rotateKeys, revokeGrant',
      });
    if (action.retryAfter !== undefined && action.status === undefined && action.oauthError === undefined)
      ctx.addIssue({ code: 'custom', path: ['retryAfter'], message: 'retryAfter goes with status (429, 503) or oauthError (temporarily_unavailable)' });
    if (action.dpop && answers.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['dpop'],
        message: `dpop changes how the IdP judges the request, but ${answers[0]} answers instead of it: use two rules`,
      });
    for (const early of ['rotateKeys', 'revokeGrant', 'dpop'] as const) {
      if (action[early] && rewrites.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: [early],
          message: `${early} acts before the IdP handles the request, ${rewrites.join(', ')} after it: use two rules`,
        });
    }
    if (action.description !== undefined && action.oauthError === undefined)
      ctx.addIssue({ code: 'custom', path: ['description'], message: 'description is the error_description of oauthError: add oauthError' });
  })
  .describe(
    'What goes wrong. Actions that answer instead of the IdP (hang, reset, status, html, redirectLoop, oauthError) exclude those that change its response (contentType, body, json, token, jwks, authorization, cors).',
  );

export const faultRuleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, ".", "_" and "-" (at most 64)')
      .optional()
      .describe('Name of the rule (default: generated). Adding a rule with an existing id replaces it.'),
    note: z.string().optional().describe('Why the rule is there (shown in the journal and the dashboard).'),
    match: matchSchema,
    action: actionSchema,
    nth: z.number().int().min(1).optional().describe('Fire only on the nth matching request (1 = the first).'),
    after: z.number().int().min(0).optional().describe('Let this many matching requests through first.'),
    count: z.number().int().min(1).optional().describe('Fire at most this many times (default: every time; 1 with nth).'),
    probability: z.number().gt(0).max(1).optional().describe('Fire on this share of matching requests, drawn from a seeded generator.'),
    seed: z.number().int().optional().describe('Seed of the probability draws (same seed, same sequence).'),
  })
  .superRefine((rule, ctx) => {
    if (rule.nth !== undefined && rule.after !== undefined)
      ctx.addIssue({ code: 'custom', path: ['after'], message: 'nth already says which request fires: use nth or after, not both' });
    const endpoints = rule.match.endpoint as string[] | undefined;
    if (rule.action.token?.of === 'logout_token' && endpoints !== undefined && !endpoints.includes('end_session')) {
      ctx.addIssue({
        code: 'custom',
        path: ['match', 'endpoint'],
        message: 'logout tokens are sent while the IdP handles end_session: match endpoint end_session (or leave endpoint out)',
      });
    }
  })
  .describe('A fault rule: match + action + how often.');

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.output<typeof faultRuleSchema> & { id: string };
export type FaultAction = z.output<typeof actionSchema>;
export type TokenAction = z.output<typeof tokenActionSchema>;

/** Actions that answer instead of the IdP (decided before the request is handled). */
export function answersInstead(action: FaultAction): boolean {
  return Boolean(action.hang || action.reset || action.status !== undefined || action.html || action.redirectLoop || action.oauthError !== undefined);
}
