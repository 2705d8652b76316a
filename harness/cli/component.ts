import {
  DEVICE_CLI_USAGE,
  FLAWS,
  OptionsError,
  type RunningComponent,
  runDeviceCli,
  startAuthenticator,
  startBearerApi,
  startSts,
} from '../../components/index.ts';
import { HarnessError } from '../errors.ts';
import { parseFlags, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { authenticatorFlags, bearerApiFlags, stsFlags } from './component-flags.ts';
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

async function authenticator(args: string[]): Promise<RunningComponent> {
  const { values } = parseFlags(args, authenticatorFlags.parseArgsOptions);
  return startAuthenticator(authenticatorFlags.options(values));
}

async function sts(args: string[]): Promise<RunningComponent> {
  const { values } = parseFlags(args, stsFlags.parseArgsOptions);
  if (!values['issuer'] && !values['authenticator'])
    throw new UsageError('give --issuer URL (for AssumeRoleWithWebIdentity) and/or --authenticator URL (for the lakeFS login)');
  return startSts(stsFlags.options(values));
}

async function bearerApi(args: string[]): Promise<RunningComponent> {
  const { values } = parseFlags(args, bearerApiFlags.parseArgsOptions);
  if (!values['audience']) throw new UsageError("--audience is required (the aud of the API's access tokens, e.g. api://storage)");
  if (!values['map']) throw new UsageError('give at least one --map ID=ROLE[:SCOPE] (e.g. --map admins=admin:cluster)');
  return startBearerApi(bearerApiFlags.options(values));
}

function listFlaws(args: string[]): number {
  const { values } = parseFlags(args, { component: { type: 'string' }, json: { type: 'boolean' } });
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
      if (error instanceof HarnessError) throw error;
      // The component refused its options (exit 2) or could not start, e.g. a port in use (exit 1).
      process.stderr.write(`mockidp component: ${(error as Error).message}\n`);
      return error instanceof OptionsError ? 2 : 1;
    }
  },
};
