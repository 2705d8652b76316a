import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, parseConfigText, resolveConfig, startMockIdp } from '../../mock-idp/index.ts';

const dir = await mkdtemp(join(tmpdir(), 'mockidp-config-'));
async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('loads the sample two-tenant YAML and serves both issuers', async () => {
    const config = await loadConfigFile('fixtures/config/two-tenants.yaml');
    const idp = await startMockIdp({ ...config, server: { ...config.server, logLevel: 'silent' } });
    try {
      expect(idp.tenants()).toEqual(['acme', 'partner']);
      const acme = (await (await fetch(`${idp.issuer('acme')}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
        id_token_signing_alg_values_supported: string[];
      };
      expect(acme).toMatchObject({ issuer: `${idp.url}/acme`, id_token_signing_alg_values_supported: ['ES256'] });
    } finally {
      await idp.close();
    }
  });

  it('points a YAML mistake at file, line and column with the path of the field', () => {
    const text = [
      'tenants:',
      '  default:',
      '    clients:',
      '      web:',
      '        grants: [authorization_code, implicit]',
      '        redirectUris: [http://127.0.0.1/cb]',
    ].join('\n');
    const message = problemsOf(() => parseConfigText(text, 'idp.yaml'));
    expect(message).toContain('idp.yaml:5:');
    expect(message).toContain('tenants.default.clients.web.grants[1]: must be one of');
  });

  it('names an unknown field and suggests checking its spelling', () => {
    const message = problemsOf(() => parseConfigText('tenants:\n  default:\n    users:\n      alice: { gropus: [a] }\n', 'idp.yaml'));
    expect(message).toMatch(/idp\.yaml:4:\d+ tenants\.default\.users\.alice\.gropus: unknown field "gropus": remove it or check its spelling/);
  });

  it('reports a YAML syntax error with its line', () => {
    const message = problemsOf(() => parseConfigText('tenants:\n  default: {users: [\n', 'broken.yaml'));
    expect(message).toMatch(/broken\.yaml:\d+:\d+ \(syntax\)/);
  });

  it('explains a client that cannot work: a secret-based auth method without a secret', () => {
    const message = problemsOf(() =>
      parseConfigText('tenants:\n  t:\n    clients:\n      c: { authMethod: client_secret_basic, grants: [client_credentials] }\n', 'c.yaml'),
    );
    expect(message).toContain('tenants.t.clients.c.secret: authMethod client_secret_basic needs a secret');
  });

  it('accepts JSON configuration files', async () => {
    const path = await file('idp.json', JSON.stringify({ tenants: { j: { users: { jay: {} } } } }));
    expect(Object.keys((await loadConfigFile(path)).tenants)).toEqual(['j']);
  });

  it('refuses a missing file and an unsupported extension with clear messages', async () => {
    await expect(loadConfigFile(join(dir, 'absent.yaml'))).rejects.toThrow(/cannot read .*absent\.yaml: no such file/);
    await expect(loadConfigFile(await file('idp.toml', 'x = 1'))).rejects.toThrow(/unsupported extension "\.toml": use \.yaml, \.yml or \.json/);
  });

  it('applies environment overrides for host, port and config path, and flags over them', async () => {
    const path = await file('env.yaml', 'tenants:\n  e: {}\n');
    const config = await resolveConfig({ env: { MOCKIDP_CONFIG: path, MOCKIDP_PORT: '9555', MOCKIDP_HOST: '127.0.0.2' } });
    expect(config.server).toMatchObject({ port: 9555, host: '127.0.0.2' });
    expect(Object.keys(config.tenants)).toEqual(['e']);
    expect((await resolveConfig({ env: { MOCKIDP_PORT: '9555' }, port: 9666 })).server.port).toBe(9666);
  });

  it('takes the whole configuration from the YAML text of MOCKIDP_CONFIG_INLINE', async () => {
    const config = await resolveConfig({ env: { MOCKIDP_CONFIG_INLINE: 'tenants:\n  shop:\n    users: { carla: {} }\n' } });
    expect(Object.keys(config.tenants)).toEqual(['shop']);
    expect(Object.keys(config.tenants.shop!.users)).toEqual(['carla']);
  });

  it('takes JSON text from MOCKIDP_CONFIG_INLINE too', async () => {
    const config = await resolveConfig({ env: { MOCKIDP_CONFIG_INLINE: JSON.stringify({ tenants: { j: {} } }), MOCKIDP_PORT: '0' } });
    expect(Object.keys(config.tenants)).toEqual(['j']);
    expect(config.server.port).toBe(0);
  });

  it('names MOCKIDP_CONFIG_INLINE, the line and the field when its text is invalid', async () => {
    await expect(resolveConfig({ env: { MOCKIDP_CONFIG_INLINE: 'tenants:\n  shop:\n    users: { carla: { gropus: [a] } }\n' } })).rejects.toThrow(
      /invalid configuration in MOCKIDP_CONFIG_INLINE[\s\S]*MOCKIDP_CONFIG_INLINE:3:\d+ tenants\.shop\.users\.carla\.gropus: unknown field "gropus"/,
    );
    await expect(resolveConfig({ env: { MOCKIDP_CONFIG_INLINE: '{"tenants": {' } })).rejects.toThrow(/MOCKIDP_CONFIG_INLINE:\d+:\d+ \(syntax\)/);
  });

  it('refuses MOCKIDP_CONFIG_INLINE set but empty, and set together with MOCKIDP_CONFIG', async () => {
    await expect(resolveConfig({ env: { MOCKIDP_CONFIG_INLINE: '  ' } })).rejects.toThrow(/MOCKIDP_CONFIG_INLINE: is set but empty/);
    await expect(resolveConfig({ env: { MOCKIDP_CONFIG: 'fixtures/config/two-tenants.yaml', MOCKIDP_CONFIG_INLINE: 'tenants: {a: {}}' } })).rejects.toThrow(
      /MOCKIDP_CONFIG \(a file\) and MOCKIDP_CONFIG_INLINE \(the text\) are both set: unset one of them/,
    );
  });

  it('lets --config win over MOCKIDP_CONFIG_INLINE', async () => {
    const config = await resolveConfig({ configPath: 'fixtures/config/two-tenants.yaml', env: { MOCKIDP_CONFIG_INLINE: 'tenants: {a: {}}' } });
    expect(Object.keys(config.tenants)).toEqual(['acme', 'partner']);
  });

  it('refuses a port that is not a number', async () => {
    await expect(resolveConfig({ env: { MOCKIDP_PORT: 'ninety' } })).rejects.toThrow(/MOCKIDP_PORT: "ninety" is not a port/);
  });

  it('restricts serving to the named tenants and refuses an unknown one', async () => {
    const path = 'fixtures/config/two-tenants.yaml';
    expect(Object.keys((await resolveConfig({ configPath: path, tenants: ['partner'], env: {} })).tenants)).toEqual(['partner']);
    await expect(resolveConfig({ configPath: path, tenants: ['nope'], env: {} })).rejects.toThrow(
      /no tenant "nope" in the configuration; known tenants: acme, partner/,
    );
  });

  it('refuses a port that is already in use, saying how to fix it', async () => {
    const first = await startMockIdp({ server: { logLevel: 'silent' }, tenants: { a: {} } });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startMockIdp({ server: { port, logLevel: 'silent' }, tenants: { a: {} } })).rejects.toThrow(/port \d+ on 127\.0\.0\.1 is already in use/);
    } finally {
      await first.close();
    }
  });
});
