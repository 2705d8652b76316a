import { randomBytes } from 'node:crypto';
import {
  ConfigError,
  formatTrustHints,
  isLoopback,
  profileSchema,
  problemsFromZod,
  resolveConfig,
  startMockIdp,
  portFrom,
  trustHints,
  type MockIdp,
} from '../../mock-idp/index.ts';
import { parseFlags, UsageError } from './args.ts';
import type { Command } from './command.ts';
import { untilStopped } from './until-stopped.ts';

const usage = `Usage: mockidp serve [options]

Serves the mock IdP until Ctrl-C.

Options:
  --config FILE     YAML or JSON configuration (env MOCKIDP_CONFIG, or the text itself in
                    MOCKIDP_CONFIG_INLINE); default: tenant "default" with users alice and bob
                    and clients demo and service
  --host HOST       address to bind (env MOCKIDP_HOST), default 127.0.0.1
  --port PORT       port to bind (env MOCKIDP_PORT), default 9400; 0 picks a free port
  --tenant NAME     serve only this tenant of the configuration (repeatable)
  --profile P       behave like a real provider in every tenant: google, entra, adfs, auth0, okta,
                    keycloak, or JSON with options: '{"name":"entra","audience":"common"}' (docs/profiles/)
  --admin-token T   require "Authorization: Bearer T" on /_admin (env MOCKIDP_ADMIN_TOKEN); on an
                    address other than loopback, one is generated and printed when none is given
  --unsafe-admin    allow an unprotected admin API on a non-loopback address
  --log-level L     silent | info | debug (debug logs each request, secrets masked)

https (env MOCKIDP_TLS=true):
  --tls             serve https with a certificate for 127.0.0.1, ::1 and localhost from a local CA
                    that mockidp creates once and keeps; prints how to trust it
  --tls-name NAME   also a DNS name or IP address in the certificate (repeatable)
  --ca-dir DIR      where the local CA is kept (env MOCKIDP_CA_DIR; default ~/.config/mockidp/ca)
  --tls-cert FILE   serve your own certificate (PEM, chain after it) ...
  --tls-key FILE    ... with its private key (PEM) instead of one from the local CA`;

function parseProfileFlag(value: string) {
  let input: unknown = value;
  if (value.trim().startsWith('{')) {
    try {
      input = JSON.parse(value);
    } catch {
      throw new ConfigError([{ path: '--profile', message: `not valid JSON: ${value}` }]);
    }
  }
  const parsed = profileSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(problemsFromZod(parsed.error, []), '--profile');
  return parsed.data;
}

function tlsLines(idp: MockIdp): string[] {
  if (!idp.config.server.tls) return [];
  if (!idp.ca) return [`  https with your certificate ${idp.config.server.tls.cert}`];
  const tenant = idp.tenants()[0];
  const discovery = tenant ? `${idp.issuer(tenant).replace(/\/$/, '')}/.well-known/openid-configuration` : `${idp.url}/health`;
  return [
    `  https: certificate for ${idp.certificateNames.join(', ')}, signed by the local CA ${idp.ca.path}`,
    '  Trust that CA in the programs that call the IdP:',
    ...formatTrustHints(trustHints(idp.ca, discovery)),
  ];
}

function serveFlags(args: string[]) {
  return parseFlags(args, {
    config: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    tenant: { type: 'string', multiple: true },
    profile: { type: 'string' },
    'admin-token': { type: 'string' },
    'unsafe-admin': { type: 'boolean' },
    'log-level': { type: 'string' },
    tls: { type: 'boolean' },
    'tls-name': { type: 'string', multiple: true },
    'ca-dir': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the mock IdP (tenants, users, clients from a config file)',
  usage,
  async run(args) {
    let values: ReturnType<typeof serveFlags>['values'];
    try {
      ({ values } = serveFlags(args));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`mockidp serve: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    let idp: MockIdp;
    try {
      const config = await resolveConfig({
        configPath: values.config,
        host: values.host,
        port: values.port === undefined ? undefined : portFrom(values.port, '--port'),
        tenants: values.tenant,
        unsafeAdmin: values['unsafe-admin'],
        tls: { enabled: values.tls, names: values['tls-name'], caDir: values['ca-dir'], cert: values['tls-cert'], key: values['tls-key'] },
      });
      if (values['admin-token']) config.server.adminToken = values['admin-token'];
      if (values.profile !== undefined) {
        const profile = parseProfileFlag(values.profile);
        for (const tenant of Object.values(config.tenants)) tenant.profile = profile;
      }
      const generatedAdminToken = !isLoopback(config.server.host) && !config.server.adminToken && !config.server.unsafeAdmin;
      if (generatedAdminToken) config.server.adminToken = randomBytes(24).toString('base64url');
      if (values['log-level']) {
        if (!['silent', 'info', 'debug'].includes(values['log-level']))
          throw new ConfigError([{ path: '--log-level', message: `"${values['log-level']}" is not a log level: use silent, info or debug` }]);
        config.server.logLevel = values['log-level'] as 'silent' | 'info' | 'debug';
      }
      idp = await startMockIdp(config);
      // Reachable by strangers and no token chosen: the admin API is closed with a token only the owner of this console sees.
      if (generatedAdminToken)
        process.stdout.write(
          `admin API token (generated, as none was set): ${config.server.adminToken}\n  use it as "Authorization: Bearer <token>"; set MOCKIDP_ADMIN_TOKEN or --admin-token to choose it\n`,
        );
    } catch (error) {
      process.stderr.write(`mockidp serve: ${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
      return 1;
    }
    if (idp.config.server.logLevel !== 'silent') {
      const lines = [
        `mock IdP listening on ${idp.url}`,
        ...idp.tenants().map((tenant) => `  tenant ${tenant}: issuer ${idp.issuer(tenant)}`),
        `  admin API: ${idp.url}/_admin${idp.config.server.adminToken ? ' (bearer token required)' : ''}`,
        ...tlsLines(idp),
        'Press Ctrl-C to stop.',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return untilStopped(() => idp.close());
  },
};
