import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { formatPath, yamlPosition, zodProblems } from '../../common/problems.ts';
import { ConfigError, problemsFromZod, type ConfigProblem } from './errors.ts';
import { configSchema, type MockIdpConfig, type MockIdpConfigInput } from './schema.ts';
import { defaultConfig } from './defaults.ts';

// yaml (about 70 modules) loads only when a configuration is read from text: the default configuration starts without it.
const yaml = (): typeof Yaml => createRequire(import.meta.url)('yaml') as typeof Yaml;

/** Validates a config object (already parsed), throwing a ConfigError that names every bad field. */
export function parseConfig(input: unknown, source?: string): MockIdpConfig {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) throw new ConfigError(problemsFromZod(result.error), source);
  return result.data;
}

/** Parses YAML or JSON text, pointing errors at file, line and column. */
export function parseConfigText(text: string, source = 'config'): MockIdpConfig {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        return {
          path: '(syntax)',
          message: (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, ''),
          ...(pos ? { line: pos.line, column: pos.col } : {}),
        };
      }),
      source,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Unresolved aliases and alias bombs ("billion laughs") surface here.
    throw new ConfigError([{ path: '(syntax)', message: `${(error as Error).message}: check the YAML anchors (&name) and aliases (*name)` }], source);
  }
  const result = configSchema.safeParse(data ?? {});
  if (result.success) return result.data;
  const problems = zodProblems(result.error).map(
    (problem): ConfigProblem => ({ path: formatPath(problem.path), message: problem.message, ...yamlPosition(doc, problem.path, lineCounter) }),
  );
  throw new ConfigError(problems, source);
}

export async function loadConfigFile(path: string): Promise<MockIdpConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a .yaml or .json file' : String((error as Error).message);
    throw new ConfigError([{ path: '(file)', message: `cannot read ${path}: ${reason}` }], path);
  }
  if (!['.yaml', '.yml', '.json'].includes(extname(absolute).toLowerCase())) {
    throw new ConfigError([{ path: '(file)', message: `unsupported extension "${extname(absolute)}": use .yaml, .yml or .json` }], path);
  }
  return parseConfigText(text, path);
}

interface EnvOverrides {
  MOCKIDP_CONFIG?: string | undefined;
  MOCKIDP_CONFIG_INLINE?: string | undefined;
  MOCKIDP_HOST?: string | undefined;
  MOCKIDP_PORT?: string | undefined;
  MOCKIDP_ADMIN_TOKEN?: string | undefined;
  MOCKIDP_BASE_URL?: string | undefined;
  MOCKIDP_UNSAFE_ADMIN?: string | undefined;
  MOCKIDP_ALLOWED_HOSTS?: string | undefined;
  MOCKIDP_TLS?: string | undefined;
  MOCKIDP_CA_DIR?: string | undefined;
}

/** TLS flags: any of them turns https on. */
interface TlsOverrides {
  enabled?: boolean | undefined;
  caDir?: string | undefined;
  names?: string[] | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}

export interface ResolveOptions {
  configPath?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  tenants?: string[] | undefined;
  unsafeAdmin?: boolean | undefined;
  tls?: TlsOverrides | undefined;
  env?: EnvOverrides;
}

const INLINE = 'MOCKIDP_CONFIG_INLINE';

/**
 * Where the configuration comes from: the --config flag, else MOCKIDP_CONFIG (a file) or
 * MOCKIDP_CONFIG_INLINE (the YAML or JSON text itself, for Compose and CI files), else the default.
 * Both variables at once are refused: which one wins would be a guess.
 */
async function baseConfig(configPath: string | undefined, env: EnvOverrides): Promise<{ config: MockIdpConfig; source: string }> {
  if (configPath) return { config: await loadConfigFile(configPath), source: configPath };
  const inline = env.MOCKIDP_CONFIG_INLINE;
  const hasInline = inline !== undefined && inline.trim() !== '';
  if (env.MOCKIDP_CONFIG && hasInline) {
    throw new ConfigError([{ path: INLINE, message: 'MOCKIDP_CONFIG (a file) and MOCKIDP_CONFIG_INLINE (the text) are both set: unset one of them' }], INLINE);
  }
  if (env.MOCKIDP_CONFIG) return { config: await loadConfigFile(env.MOCKIDP_CONFIG), source: env.MOCKIDP_CONFIG };
  if (inline !== undefined && !hasInline) {
    throw new ConfigError(
      [{ path: INLINE, message: 'is set but empty: put the YAML or JSON configuration in it, or unset it to serve the default tenant' }],
      INLINE,
    );
  }
  if (hasInline) return { config: parseConfigText(inline, INLINE), source: INLINE };
  return { config: parseConfig(defaultConfig, 'default config'), source: 'default config' };
}

/**
 * The configuration the CLI serves: a file (flag, else MOCKIDP_CONFIG), the text of
 * MOCKIDP_CONFIG_INLINE, or the default; then env overrides, then flags. `tenants` restricts serving
 * to the named tenants.
 */
export async function resolveConfig(options: ResolveOptions = {}): Promise<MockIdpConfig> {
  const env = options.env ?? (process.env as EnvOverrides);
  const { config, source: path } = await baseConfig(options.configPath, env);
  const overrides: Partial<MockIdpConfig['server']> = {};
  if (env.MOCKIDP_HOST) overrides.host = env.MOCKIDP_HOST;
  if (env.MOCKIDP_PORT) overrides.port = portFrom(env.MOCKIDP_PORT, 'MOCKIDP_PORT');
  if (env.MOCKIDP_ADMIN_TOKEN) overrides.adminToken = env.MOCKIDP_ADMIN_TOKEN;
  if (env.MOCKIDP_BASE_URL) overrides.baseUrl = env.MOCKIDP_BASE_URL;
  if (env.MOCKIDP_ALLOWED_HOSTS)
    overrides.allowedHosts = env.MOCKIDP_ALLOWED_HOSTS.split(',')
      .map((name) => name.trim())
      .filter(Boolean);
  if (env.MOCKIDP_UNSAFE_ADMIN !== undefined && env.MOCKIDP_UNSAFE_ADMIN !== '')
    overrides.unsafeAdmin = booleanFrom(env.MOCKIDP_UNSAFE_ADMIN, 'MOCKIDP_UNSAFE_ADMIN');
  if (options.host) overrides.host = options.host;
  if (options.port !== undefined) overrides.port = options.port;
  if (options.unsafeAdmin) overrides.unsafeAdmin = true;
  const tls = tlsOverrides(config.server.tls, env, options.tls);
  if (tls) overrides.tls = tls.value;
  const merged = parseConfig({ ...config, server: { ...config.server, ...overrides } } satisfies MockIdpConfigInput, path);
  if (options.tenants && options.tenants.length > 0) {
    const unknown = options.tenants.filter((name) => !(name in merged.tenants));
    if (unknown.length > 0) {
      throw new ConfigError(
        unknown.map((name) => ({
          path: `tenants.${name}`,
          message: `no tenant "${name}" in the configuration; known tenants: ${Object.keys(merged.tenants).join(', ') || '(none)'}`,
        })),
        path,
      );
    }
    merged.tenants = Object.fromEntries(Object.entries(merged.tenants).filter(([name]) => options.tenants!.includes(name)));
  }
  return merged;
}

/** server.tls after MOCKIDP_TLS / MOCKIDP_CA_DIR and the flags; undefined leaves the file's setting. */
function tlsOverrides(
  fromFile: MockIdpConfig['server']['tls'],
  env: EnvOverrides,
  flags: TlsOverrides = {},
): { value: MockIdpConfig['server']['tls'] } | undefined {
  const envOn = env.MOCKIDP_TLS !== undefined && env.MOCKIDP_TLS !== '' ? booleanFrom(env.MOCKIDP_TLS, 'MOCKIDP_TLS') : undefined;
  const ownCertificate = flags.cert !== undefined || flags.key !== undefined;
  const flagged = flags.enabled === true || flags.caDir !== undefined || (flags.names?.length ?? 0) > 0 || ownCertificate;
  const on = flagged || (envOn ?? fromFile !== undefined);
  if (!on) return envOn === false ? { value: undefined } : undefined;
  const base: NonNullable<MockIdpConfig['server']['tls']> = ownCertificate ? { names: [] } : (fromFile ?? { names: [] });
  const caDir = flags.caDir ?? (env.MOCKIDP_CA_DIR || undefined);
  return {
    value: {
      ...base,
      ...(caDir !== undefined && !ownCertificate && base.cert === undefined ? { caDir } : {}),
      ...(flags.names?.length ? { names: [...base.names, ...flags.names] } : {}),
      ...(ownCertificate ? { cert: flags.cert, key: flags.key } : {}),
    },
  };
}

function booleanFrom(value: string, field: string): boolean {
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new ConfigError([{ path: field, message: `"${value}" is not a boolean: use true or false` }]);
}

export function portFrom(value: string, field: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new ConfigError([{ path: field, message: `"${value}" is not a port: use a number from 0 to 65535 (0 picks a free port)` }]);
  }
  return port;
}
