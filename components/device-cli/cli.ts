import { parseArgs } from 'node:util';
import type { JWTPayload } from 'jose';
import { ComponentError } from '../errors.ts';
import { checkFlaw, type FlawName } from '../flaws.ts';
import { Discovery } from '../oidc/discovery.ts';
import { TokenError, UpstreamError } from '../oidc/errors.ts';
import { ID_TOKEN_STEPS } from '../oidc/token-checks.ts';
import { TokenValidator } from '../oidc/token-validator.ts';
import { ASYMMETRIC_ALGS } from '../server/options.ts';
import { pollForTokens, refreshTokens, requestDeviceCode, revokeToken, type TokenResponse } from './device-flow.ts';
import { SESSION_FILE_MODE, SessionFileError, defaultSessionPath, readSession, removeSession, writeSession, type Session } from './session-file.ts';
import { trustCaFile } from '../server/trust.ts';

/*
 * A command-line login with the device flow (RFC 8628), the way Lightbits' CLI or `gh auth login`
 * do it: `login` prints a code and a URL and waits for the user, `token` prints a valid access
 * token (refreshing it when it is about to expire), `refresh`, `status`, `logout`.
 */

export interface DeviceCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env?: Record<string, string | undefined>;
  /** Waits between polls (default: a timer). Tests move clocks instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** The CLI's clock, epoch ms (default: Date.now). */
  now?: () => number;
  /** A deliberate flaw (also selectable with --flaw). */
  flaw?: FlawName;
}

export const DEVICE_CLI_USAGE = `Usage: mockidp component device-cli <command> [options]

Logs in with the OAuth 2.0 device flow (RFC 8628) and keeps the session in a file (mode 0600).

Commands:
  login     --issuer URL --client-id ID [--scope S]   print a code and a URL, wait for approval, save the session
  token     print a valid access token (refreshed when it expires within 60 s)
  refresh   refresh the session now
  status    show who is logged in and until when
  logout    revoke the refresh token (best effort) and remove the session file

Options:
  --session FILE   session file (env MOCKIDP_CLI_SESSION; default $XDG_CONFIG_HOME/mockidp-cli/session.json)
  --scope S        scopes to ask for at login (default "openid profile email groups offline_access")
  --ca-file FILE   trust this CA for an https IdP (env MOCKIDP_CA_FILE), e.g. mockidp's ~/.config/mockidp/ca/ca.pem
  --flaw NAME      a deliberate flaw, for conformance tests: ignore-slow-down, world-readable-session`;

const REFRESH_MARGIN_SECONDS = 60;

class UsageError extends ComponentError {}

interface Context {
  io: Required<Pick<DeviceCliIo, 'stdout' | 'stderr'>> & { sleep: (ms: number) => Promise<void>; now: () => number };
  sessionPath: string;
  flaw: FlawName | undefined;
  timeoutMs: number;
}

function nowSeconds(ctx: Context): number {
  return Math.floor(ctx.io.now() / 1000);
}

async function validateIdToken(ctx: Context, issuer: string, clientId: string, idToken: string): Promise<JWTPayload> {
  const validator = new TokenValidator({
    policy: {
      issuer,
      audiences: [clientId],
      trustedAudiences: [],
      allowUntrustedAudiences: false,
      algorithms: [...ASYMMETRIC_ALGS],
      clockSkewSeconds: 60,
      forbiddenTypes: ['at+jwt'],
      maxLength: 16_384,
      now: ctx.io.now,
    },
    steps: ID_TOKEN_STEPS.filter((step) => step.name !== 'checkNonce'),
    discovery: new Discovery(issuer, { timeoutMs: ctx.timeoutMs }),
    jwks: { maxAgeSeconds: 600, refetchCooldownSeconds: 30 },
    timeoutMs: ctx.timeoutMs,
  });
  return validator.validate(idToken);
}

function sessionFrom(
  ctx: Context,
  base: Pick<Session, 'issuer' | 'client_id' | 'token_endpoint' | 'revocation_endpoint'>,
  tokens: TokenResponse,
  claims: JWTPayload | undefined,
  previous?: Session,
): Session {
  return {
    version: 1,
    ...base,
    scope: tokens.scope ?? previous?.scope,
    token_type: tokens.token_type ?? 'Bearer',
    access_token: tokens.access_token,
    expires_at: nowSeconds(ctx) + (typeof tokens.expires_in === 'number' ? tokens.expires_in : 3600),
    refresh_token: tokens.refresh_token ?? previous?.refresh_token,
    id_token: tokens.id_token ?? previous?.id_token,
    subject: claims?.sub ?? previous?.subject,
    display_name: claims ? String(claims['preferred_username'] ?? claims['email'] ?? claims.sub) : previous?.display_name,
  };
}

async function save(ctx: Context, session: Session): Promise<void> {
  await writeSession(ctx.sessionPath, session, ctx.flaw === 'world-readable-session' ? 0o644 : SESSION_FILE_MODE);
}

async function login(ctx: Context, args: { issuer?: string | undefined; clientId?: string | undefined; scope?: string | undefined }): Promise<number> {
  if (!args.issuer) throw new UsageError("login needs --issuer URL (the IdP's issuer)");
  if (!args.clientId) throw new UsageError('login needs --client-id ID (a public client allowed to use the device flow)');
  const discovery = new Discovery(args.issuer, { timeoutMs: ctx.timeoutMs });
  const metadata = await discovery.get();
  if (!metadata.token_endpoint) throw new UpstreamError(`the IdP ${args.issuer} has no token_endpoint`);
  const device = await requestDeviceCode(metadata, args.clientId, args.scope ?? 'openid profile email groups offline_access', ctx.timeoutMs);
  ctx.io.stdout.write(`To sign in, open ${device.verification_uri} and enter the code: ${device.user_code}\n`);
  if (device.verification_uri_complete) ctx.io.stdout.write(`Or open ${device.verification_uri_complete}\n`);
  ctx.io.stdout.write(`Waiting for approval (the code expires in ${Math.round(device.expires_in / 60)} min)...\n`);
  const tokens = await pollForTokens(metadata.token_endpoint, args.clientId, device, {
    sleep: ctx.io.sleep,
    now: ctx.io.now,
    timeoutMs: ctx.timeoutMs,
    honourSlowDown: ctx.flaw !== 'ignore-slow-down',
    onWait: (seconds, reason) => {
      if (reason === 'slow_down') ctx.io.stderr.write(`The IdP asked to slow down: polling every ${seconds} s\n`);
    },
  });
  const claims = tokens.id_token ? await validateIdToken(ctx, args.issuer, args.clientId, tokens.id_token) : undefined;
  const session = sessionFrom(
    ctx,
    { issuer: args.issuer, client_id: args.clientId, token_endpoint: metadata.token_endpoint, revocation_endpoint: metadata.revocation_endpoint },
    tokens,
    claims,
  );
  await save(ctx, session);
  ctx.io.stdout.write(`Logged in${session.display_name ? ` as ${session.display_name}` : ''}. Session saved to ${ctx.sessionPath}\n`);
  return 0;
}

async function requireSession(ctx: Context): Promise<Session> {
  const session = await readSession(ctx.sessionPath);
  if (!session) throw new SessionFileError(`not logged in (no session at ${ctx.sessionPath}): run login first`);
  return session;
}

async function refreshed(ctx: Context, session: Session): Promise<Session> {
  if (!session.refresh_token) throw new SessionFileError('the session has no refresh token (the IdP issued none; ask for offline_access): run login again');
  const tokens = await refreshTokens(session.token_endpoint, session.client_id, session.refresh_token, ctx.timeoutMs);
  const claims = tokens.id_token ? await validateIdToken(ctx, session.issuer, session.client_id, tokens.id_token) : undefined;
  // OIDC Core §12.2: an ID token from a refresh is about the same user (its iss is checked above).
  if (claims && session.subject !== undefined && claims.sub !== session.subject) {
    throw new TokenError(
      'subject',
      `the ID token of the refresh is about ${JSON.stringify(claims.sub)}, not ${JSON.stringify(session.subject)} who logged in; the session is kept as it was`,
    );
  }
  const next = sessionFrom(ctx, session, tokens, claims, session);
  await save(ctx, next);
  return next;
}

async function token(ctx: Context): Promise<number> {
  let session = await requireSession(ctx);
  if (session.expires_at - REFRESH_MARGIN_SECONDS <= nowSeconds(ctx)) session = await refreshed(ctx, session);
  ctx.io.stdout.write(`${session.access_token}\n`);
  return 0;
}

async function refresh(ctx: Context): Promise<number> {
  const session = await refreshed(ctx, await requireSession(ctx));
  ctx.io.stdout.write(`Refreshed; the access token expires in ${session.expires_at - nowSeconds(ctx)} s\n`);
  return 0;
}

async function status(ctx: Context): Promise<number> {
  const session = await readSession(ctx.sessionPath);
  if (!session) {
    ctx.io.stdout.write(`Not logged in (no session at ${ctx.sessionPath})\n`);
    return 1;
  }
  const left = session.expires_at - nowSeconds(ctx);
  const lines = [
    `Logged in as ${session.display_name ?? session.subject ?? 'an unknown user'} at ${session.issuer} (client ${session.client_id})`,
    `Access token: ${left > 0 ? `expires in ${left} s` : `expired ${-left} s ago`}; refresh token: ${session.refresh_token ? 'yes' : 'no'}`,
    `Session file: ${ctx.sessionPath}`,
  ];
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function logout(ctx: Context): Promise<number> {
  let session: Session | undefined;
  try {
    session = await readSession(ctx.sessionPath);
  } catch (error) {
    if (!(error instanceof SessionFileError)) throw error;
  }
  if (session?.refresh_token && session.revocation_endpoint)
    await revokeToken(session.revocation_endpoint, session.client_id, session.refresh_token, ctx.timeoutMs);
  const removed = await removeSession(ctx.sessionPath);
  ctx.io.stdout.write(removed ? `Logged out; removed ${ctx.sessionPath}\n` : `Not logged in (no session at ${ctx.sessionPath})\n`);
  return 0;
}

const CLI_OPTIONS = {
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  scope: { type: 'string' },
  session: { type: 'string' },
  flaw: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'ca-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parseCliArgs = (argv: string[]) => parseArgs({ args: argv, options: CLI_OPTIONS, allowPositionals: true, strict: true });

/** Runs the device-flow CLI; resolves to the exit code (0 ok, 1 failed, 2 usage). */
export async function runDeviceCli(argv: string[], io: DeviceCliIo): Promise<number> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`device-cli: ${(error as Error).message}\n\n${DEVICE_CLI_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') {
    io.stdout.write(`${DEVICE_CLI_USAGE}\n`);
    return 0;
  }
  const timeoutMs = values['timeout-ms'] === undefined ? 10_000 : Number(values['timeout-ms']);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    io.stderr.write(`device-cli: --timeout-ms ${values['timeout-ms']} is not a positive whole number of milliseconds\n`);
    return 2;
  }
  const flaw = (values.flaw ?? io.flaw) as FlawName | undefined;
  try {
    checkFlaw('device-cli', flaw);
  } catch (error) {
    io.stderr.write(`device-cli: ${(error as Error).message}\n`);
    return 2;
  }
  const caFile = values['ca-file'] ?? ((io.env ?? process.env)['MOCKIDP_CA_FILE'] || undefined);
  try {
    if (caFile) trustCaFile(caFile, '--ca-file');
  } catch (error) {
    io.stderr.write(`device-cli: ${(error as Error).message}\n`);
    return 2;
  }
  const ctx: Context = {
    io: {
      stdout: io.stdout,
      stderr: io.stderr,
      sleep: io.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now: io.now ?? (() => Date.now()),
    },
    sessionPath: values.session ?? defaultSessionPath(io.env ?? process.env),
    flaw,
    timeoutMs,
  };
  const commands: Record<string, () => Promise<number>> = {
    login: () => login(ctx, { issuer: values.issuer, clientId: values['client-id'], scope: values.scope }),
    token: () => token(ctx),
    refresh: () => refresh(ctx),
    status: () => status(ctx),
    logout: () => logout(ctx),
  };
  try {
    if (!command || !Object.hasOwn(commands, command)) throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    return await commands[command]!();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`device-cli: ${error.message}\n\n${DEVICE_CLI_USAGE}\n`);
      return 2;
    }
    if (error instanceof ComponentError) {
      io.stderr.write(`device-cli: ${error instanceof TokenError ? `the IdP's ID token is not valid: ${error.message}` : error.message}\n`);
      return 1;
    }
    throw error;
  }
}
