import { parseArgs } from 'node:util';
import {
  FLAWS,
  DEVICE_CLI_USAGE,
  OptionsError,
  parseMapEntry,
  runDeviceCli,
  startAuthenticator,
  startBearerApi,
  startSts,
  type RunningComponent,
} from '../../components/index.ts';
import type { Command } from './command.ts';
import { untilStopped } from './until-stopped.ts';

/*
 * `mockidp component <name>`: runs a reference component on its own port against any issuer, so
 * that people and other tools (the harness's process launcher, a lakeFS configured with the
 * authenticator's URL) can use it; `--flaw NAME` starts a deliberately flawed variant.
 */

const flawList = (component: string) =>
  FLAWS.filter((flaw) => flaw.component === component)
    .map((flaw) => `    ${flaw.name}: ${flaw.description}`)
    .join('\n');

const usage = `Usage: mockidp component <authenticator | sts | bearer-api | device-cli | flaws> [options]

Runs a reference component (docs/components.md) until Ctrl-C.

  mockidp component authenticator --issuer URL --client-id ID [--client-secret S] [--port 9410]
      lakeFS authentication API: POST /sts/login (also under /api/v1), POST /auth/external/principal/login,
      GET /healthcheck. Configure lakeFS with auth.authentication_api.endpoint = <url>/api/v1.
      --client-secret S        (or env MOCKIDP_CLIENT_SECRET) confidential client; omit for a public client
      --auth-method M          client_secret_basic (default with a secret) | client_secret_post | none
      --discovery-url URL      fetch discovery here instead of <issuer>/.well-known/openid-configuration
      --redirect-uri URI       accepted redirect_uri (repeatable; default: any, checked by the IdP)
      --alg ALG                accepted JWS algorithm (repeatable; default: every asymmetric one)
      --skew SECONDS           clock skew tolerated, 0-300 (default 60)
      --trusted-audience AUD   another audience allowed next to the client id (repeatable)
      --claim OUT=SRC          return claim SRC as OUT (repeatable; then only mapped claims and sub)
      --pkce state|off         the PKCE verifier travels in state (default) or is not used

  mockidp component sts --issuer URL --authenticator URL [--port 9420] [--flavour aws|minio]
      lakeFS STS login at POST /api/v1/sts/login (via the authenticator), AWS query API at / :
      AssumeRoleWithWebIdentity and GetCallerIdentity (SigV4).
      --client-id ID           audience a web identity token must carry (repeatable; default sts)
      --role NAME[:MAXSECONDS] a role that can be assumed (repeatable; default web-identity:43200)
      --map ID=ROLE[:SCOPE]    role mapping: a group (or client id) may assume ROLE (repeatable)
      --mode user|app|converge which tokens the role mapping accepts (default user)
      --claim-name CLAIM       claim carrying the identifier (default groups; client_id in app mode)
      --account-id DIGITS      account in ARNs (default 123456789012)
      --user SUB=NAME          lakeFS user of an IdP sub (repeatable; then unknown subs get 404)
      --token-secret S         (or env MOCKIDP_STS_TOKEN_SECRET) HS256 secret of lakeFS login tokens

  mockidp component bearer-api --issuer URL --audience AUD --map ID=ROLE[:SCOPE]... [--port 9430]
      An API protected by IdP access tokens: GET /whoami, GET /roles/:role.
      --mode user|app|converge (default user)   --claim-name CLAIM   --app-claim CLAIM (default client_id)
      --opaque-tokens userinfo|reject            non-JWT tokens are checked at userinfo (default) or refused
      --dpop allow|require                       DPoP-bound tokens need a proof of their key (allow, default);
                                                 require: only DPoP-bound tokens   --public-url URL (htu behind a proxy)

  mockidp component device-cli <login|token|refresh|status|logout> [options]
      The device-flow login CLI: login --issuer URL --client-id ID [--scope S] prints a code and a URL and
      waits; token prints a valid access token (refreshing it); refresh; status; logout.
      --session FILE  (env MOCKIDP_CLI_SESSION; default $XDG_CONFIG_HOME/mockidp-cli/session.json, mode 0600)

  mockidp component flaws [--component NAME] [--json]
      List the deliberate flaws.

Options of every server:
  --host HOST    address to bind (default 127.0.0.1)   --port PORT   (0 picks a free port)
  --log-level L  silent | info (default) | debug        --flaw NAME   a flawed variant, for conformance tests only
  --ca-file FILE (env MOCKIDP_CA_FILE) trust this CA for an https IdP, e.g. mockidp's ~/.config/mockidp/ca/ca.pem
                 (device-cli takes it too; NODE_EXTRA_CA_CERTS works as well)
  --jwks-refetch-cooldown SECONDS   a kid not in the cached JWKS refetches it at most this often (default 30)

Flaws:
  authenticator:
${flawList('authenticator')}
  sts:
${flawList('sts')}
  bearer-api:
${flawList('bearer-api')}
  device-cli:
${flawList('device-cli')}`;

class UsageError extends Error {}

const common = {
  host: { type: 'string' },
  port: { type: 'string' },
  'log-level': { type: 'string' },
  flaw: { type: 'string' },
  issuer: { type: 'string' },
  'discovery-url': { type: 'string' },
  alg: { type: 'string', multiple: true },
  skew: { type: 'string' },
  'ca-file': { type: 'string' },
  'jwks-refetch-cooldown': { type: 'string' },
} as const;

function portOf(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port ${value} is not a port: use 0-65535 (0 picks a free port)`);
  return Number(value);
}

function secondsOf(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} ${value} is not a whole number of seconds`);
  return Number(value);
}

function pairs(values: string[] | undefined, flag: string): Record<string, string> | undefined {
  if (!values) return undefined;
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at < 1 || at === value.length - 1) throw new UsageError(`${flag} ${value}: use NAME=VALUE`);
    out[value.slice(0, at)] = value.slice(at + 1);
  }
  return out;
}

function roleMap(values: string[] | undefined): Record<string, { role: string; scope: string }> | undefined {
  if (!values) return undefined;
  const map: Record<string, { role: string; scope: string }> = {};
  for (const value of values) {
    try {
      const [id, grant] = parseMapEntry(value);
      map[id] = grant;
    } catch (error) {
      throw new UsageError(`--map ${(error as Error).message}`);
    }
  }
  return map;
}

function commonOptions(values: Record<string, unknown>, defaultPort: number) {
  const logLevel = (values['log-level'] as string | undefined) ?? 'info';
  if (!['silent', 'info', 'debug'].includes(logLevel)) throw new UsageError(`--log-level ${logLevel}: use silent, info or debug`);
  return {
    host: (values['host'] as string | undefined) ?? '127.0.0.1',
    port: portOf(values['port'] as string | undefined, defaultPort),
    logLevel: logLevel as 'silent' | 'info' | 'debug',
    ...(values['flaw'] === undefined ? {} : { flaw: values['flaw'] as never }),
    ...(values['discovery-url'] === undefined ? {} : { discoveryUrl: values['discovery-url'] as string }),
    ...(values['alg'] === undefined ? {} : { allowedAlgs: values['alg'] as string[] }),
    ...(values['skew'] === undefined ? {} : { clockSkewSeconds: secondsOf(values['skew'] as string, '--skew') }),
    ...caFileOf(values),
    ...(values['jwks-refetch-cooldown'] === undefined
      ? {}
      : { jwksRefetchCooldownSeconds: secondsOf(values['jwks-refetch-cooldown'] as string, '--jwks-refetch-cooldown') }),
  };
}

/** --ca-file, else MOCKIDP_CA_FILE (the process launcher sets it for an https IdP). */
function caFileOf(values: Record<string, unknown>): { caFile?: string } {
  const caFile = (values['ca-file'] as string | undefined) ?? (process.env['MOCKIDP_CA_FILE'] || undefined);
  return caFile === undefined ? {} : { caFile };
}

function required(values: Record<string, unknown>, flag: string): string {
  const value = values[flag];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

async function authenticator(args: string[]): Promise<RunningComponent> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...common,
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'auth-method': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'trusted-audience': { type: 'string', multiple: true },
      claim: { type: 'string', multiple: true },
      pkce: { type: 'string' },
    },
  });
  const secret = values['client-secret'] ?? process.env['MOCKIDP_CLIENT_SECRET'];
  return startAuthenticator({
    ...commonOptions(values, 9410),
    issuer: required(values, 'issuer'),
    clientId: required(values, 'client-id'),
    ...(secret ? { clientSecret: secret } : {}),
    ...(values['auth-method'] ? { tokenEndpointAuthMethod: values['auth-method'] as never } : {}),
    ...(values['redirect-uri'] ? { redirectUris: values['redirect-uri'] } : {}),
    ...(values['trusted-audience'] ? { trustedAudiences: values['trusted-audience'] } : {}),
    ...(values.claim ? { claimMapping: pairs(values.claim, '--claim') } : {}),
    ...(values.pkce ? { pkce: values.pkce as never } : {}),
  });
}

function roleMapping(values: { mode?: string | undefined; 'claim-name'?: string | undefined; 'app-claim'?: string | undefined; map?: string[] | undefined }) {
  const map = roleMap(values.map);
  if (!map) return undefined;
  const mode = (values.mode ?? 'user') as 'user' | 'app' | 'converge';
  const claimName = values['claim-name'];
  return {
    mode,
    map,
    ...(claimName && mode === 'app' ? { appClaim: claimName } : claimName ? { userClaim: claimName } : {}),
    ...(values['app-claim'] ? { appClaim: values['app-claim'] } : {}),
  };
}

async function sts(args: string[]): Promise<RunningComponent> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...common,
      authenticator: { type: 'string' },
      flavour: { type: 'string' },
      'client-id': { type: 'string', multiple: true },
      role: { type: 'string', multiple: true },
      map: { type: 'string', multiple: true },
      mode: { type: 'string' },
      'claim-name': { type: 'string' },
      'account-id': { type: 'string' },
      user: { type: 'string', multiple: true },
      'token-secret': { type: 'string' },
    },
  });
  if (!values.issuer && !values.authenticator)
    throw new UsageError('give --issuer URL (for AssumeRoleWithWebIdentity) and/or --authenticator URL (for the lakeFS login)');
  const roles = values.role?.map((text) => {
    const [name, max] = text.split(':');
    return { name: name!, ...(max === undefined ? {} : { maxSessionSeconds: secondsOf(max, '--role') }) };
  });
  const tokenSecret = values['token-secret'] ?? process.env['MOCKIDP_STS_TOKEN_SECRET'];
  const mapping = roleMapping(values);
  return startSts({
    ...commonOptions(values, 9420),
    ...(values.issuer ? { issuer: values.issuer } : {}),
    ...(values.authenticator ? { authenticatorUrl: values.authenticator } : {}),
    ...(values.flavour ? { flavour: values.flavour as never } : {}),
    ...(values['client-id'] ? { clientIds: values['client-id'] } : {}),
    ...(roles ? { roles } : {}),
    ...(mapping ? { roleMapping: mapping } : {}),
    ...(values['account-id'] ? { accountId: values['account-id'] } : {}),
    ...(values.user ? { lakefsUsers: pairs(values.user, '--user') } : {}),
    ...(tokenSecret ? { tokenSecret } : {}),
  });
}

async function bearerApi(args: string[]): Promise<RunningComponent> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...common,
      audience: { type: 'string', multiple: true },
      map: { type: 'string', multiple: true },
      mode: { type: 'string' },
      'claim-name': { type: 'string' },
      'app-claim': { type: 'string' },
      'opaque-tokens': { type: 'string' },
      dpop: { type: 'string' },
      'public-url': { type: 'string' },
    },
  });
  if (!values.audience) throw new UsageError("--audience is required (the aud of the API's access tokens, e.g. api://storage)");
  const mapping = roleMapping(values);
  if (!mapping) throw new UsageError('give at least one --map ID=ROLE[:SCOPE] (e.g. --map admins=admin:cluster)');
  return startBearerApi({
    ...commonOptions(values, 9430),
    issuer: required(values, 'issuer'),
    audiences: values.audience,
    roleMapping: mapping,
    ...(values['opaque-tokens'] ? { opaqueTokens: values['opaque-tokens'] as never } : {}),
    ...(values.dpop ? { dpop: values.dpop as never } : {}),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
  });
}

function listFlaws(args: string[]): number {
  const { values } = parseArgs({ args, strict: true, options: { component: { type: 'string' }, json: { type: 'boolean' } } });
  const flaws = FLAWS.filter((flaw) => values.component === undefined || flaw.component === values.component);
  if (values.component !== undefined && flaws.length === 0)
    throw new UsageError(`--component ${values.component}: use authenticator, sts, bearer-api or device-cli`);
  process.stdout.write(
    values.json
      ? `${JSON.stringify(flaws, null, 2)}\n`
      : `${flaws.map((flaw) => `${flaw.component.padEnd(13)} ${flaw.name.padEnd(28)} ${flaw.description}`).join('\n')}\n`,
  );
  return 0;
}

const servers: Record<string, (args: string[]) => Promise<RunningComponent>> = { authenticator, sts, 'bearer-api': bearerApi };

export const componentCommand: Command = {
  name: 'component',
  summary: 'run a reference component (authenticator, sts, bearer-api, device-cli), optionally flawed',
  usage,
  async run(args) {
    const [name, ...rest] = args;
    try {
      if (name === 'device-cli') {
        if (rest.length === 0) {
          process.stderr.write(`${DEVICE_CLI_USAGE}\n`);
          return 2;
        }
        return await runDeviceCli(rest, { stdout: process.stdout, stderr: process.stderr, env: process.env });
      }
      if (name === 'flaws') return listFlaws(rest);
      const start = name === undefined ? undefined : servers[name];
      if (!start) throw new UsageError(name === undefined ? 'name a component' : `unknown component "${name}"`);
      const running = await start(rest);
      process.stdout.write('Press Ctrl-C to stop.\n');
      return await untilStopped(() => running.close());
    } catch (error) {
      if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`mockidp component: ${(error as Error).message}\n\nRun "mockidp component --help" for the options.\n`);
        return 2;
      }
      if (error instanceof OptionsError) {
        process.stderr.write(`mockidp component: ${error.message}\n`);
        return 2;
      }
      process.stderr.write(`mockidp component: ${(error as Error).message}\n`);
      return 1;
    }
  },
};
