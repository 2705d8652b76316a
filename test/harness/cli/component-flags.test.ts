import { afterEach, describe, expect, it } from 'vitest';
import { authenticatorFlags, bearerApiFlags, stsFlags } from '../../../harness/cli/component-flags.ts';

/*
 * The flags of `mockidp component <name>` come from the component's option schema: the option a flag
 * sets says how the flag is read, and the options are parsed with the schema, so a bad value is
 * refused before the component starts, naming the flag.
 */

const issuer = 'http://127.0.0.1:9/default';

describe('mockidp component flags', () => {
  afterEach(() => {
    delete process.env['MOCKIDP_CLIENT_SECRET'];
  });

  it('makes the flags of list and map options repeatable, and the others single', () => {
    expect(authenticatorFlags.parseArgsOptions['alg']).toEqual({ type: 'string', multiple: true });
    expect(authenticatorFlags.parseArgsOptions['claim']).toEqual({ type: 'string', multiple: true });
    expect(authenticatorFlags.parseArgsOptions['skew']).toEqual({ type: 'string' });
    expect(stsFlags.parseArgsOptions['client-id']).toEqual({ type: 'string', multiple: true });
    expect(authenticatorFlags.parseArgsOptions['client-id']).toEqual({ type: 'string' });
  });

  it("reads each flag as its option's type and fills the rest from the command's and the component's defaults", () => {
    const options = authenticatorFlags.options({ issuer, 'client-id': 'lakefs', skew: '30', alg: ['ES256'], claim: ['user=preferred_username'] });
    expect(options).toMatchObject({
      issuer,
      clientId: 'lakefs',
      clockSkewSeconds: 30,
      allowedAlgs: ['ES256'],
      claimMapping: { user: 'preferred_username' },
      port: 9410,
      logLevel: 'info',
      pkce: 'state',
    });
  });

  it('names the flag of each value the schema refuses', () => {
    expect(() => authenticatorFlags.options({ issuer, 'client-id': 'lakefs', 'auth-method': 'magic' })).toThrow(
      /--auth-method: must be one of "client_secret_basic", "client_secret_post", "none"/,
    );
    expect(() => authenticatorFlags.options({ issuer, 'client-id': 'lakefs', skew: '900' })).toThrow(/--skew: .*300/);
    expect(() => authenticatorFlags.options({ issuer, 'client-id': 'lakefs', skew: 'a minute' })).toThrow(/--skew "a minute": expected a whole number/);
    expect(() => authenticatorFlags.options({ issuer })).toThrow('--client-id is required');
    expect(() => authenticatorFlags.options({ issuer, 'client-id': 'lakefs', flaw: 'ignore-slow-down' })).toThrow(
      /--flaw: flaw "ignore-slow-down" belongs to the device-cli/,
    );
  });

  it('takes a secret from the environment when its flag is absent, and the flag over the environment', () => {
    process.env['MOCKIDP_CLIENT_SECRET'] = 'from-the-environment';
    expect(authenticatorFlags.options({ issuer, 'client-id': 'lakefs' }).clientSecret).toBe('from-the-environment');
    expect(authenticatorFlags.options({ issuer, 'client-id': 'lakefs', 'client-secret': 'from-the-flag' }).clientSecret).toBe('from-the-flag');
  });

  it('builds the role mapping from --map, --mode and --claim-name, which names the app claim in app mode', () => {
    const options = bearerApiFlags.options({ issuer, audience: ['api://storage'], map: ['service=reader:bucket'], mode: 'app', 'claim-name': 'azp' });
    expect(options.roleMapping).toEqual({ mode: 'app', map: { service: { role: 'reader', scope: 'bucket' } }, appClaim: 'azp', userClaim: 'groups' });
    const users = stsFlags.options({ issuer, map: ['admins=admin'], 'claim-name': 'roles' });
    expect(users.roleMapping).toMatchObject({ mode: 'user', userClaim: 'roles' });
  });

  it('reads roles as NAME[:MAXSECONDS] and refuses a --mode without a --map', () => {
    expect(stsFlags.options({ issuer, role: ['admin:3600', 'reader'] }).roles).toEqual([
      { name: 'admin', maxSessionSeconds: 3600 },
      { name: 'reader', maxSessionSeconds: 43200 },
    ]);
    expect(() => stsFlags.options({ issuer, mode: 'app' })).toThrow('--map is required');
  });
});
