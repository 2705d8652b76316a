import { z } from 'zod';
import { formatPath, zodProblems } from '../../common/problems.ts';
import { authenticatorOptionsSchema, bearerApiOptionsSchema, parseMapEntry, stsOptionsSchema } from '../../components/index.ts';
import { pairs, port, UsageError, wholeNumber } from './args.ts';

/*
 * The flags of `mockidp component <name>`, derived from the component's zod option schema
 * (components/index.ts): each flag names the option it sets, and the option's type says how the flag
 * is read (repeatable for a list, NAME=VALUE pairs for a map, a whole number for a number). The
 * options are then parsed with that schema, so a bad value is refused here, naming its flag.
 */

type FlagValue = string | boolean | Array<string | boolean> | undefined;
type FlagValues = Record<string, FlagValue>;

/** How one flag sets an option of a component. */
interface Flag {
  /** The option it sets ("roleMapping.mode" for a field of an object option), or which one, from the other flags. */
  option: string | ((values: FlagValues) => string);
  /** Where the option is read from when the flag is absent. */
  env?: string;
  /** The command's default, where it differs from the component's. */
  default?: unknown;
  /** The flag's own form, where the option's type does not say how to read it. */
  read?: (texts: string[], flag: string) => unknown;
}

type Form = 'list' | 'map' | 'number' | 'text';

/** The schema of an option (a dotted path into the component's options), without optional and default. */
function fieldAt(schema: z.ZodObject, option: string): z.ZodType {
  let field: z.ZodType = schema;
  for (const key of option.split('.')) {
    field = bare(field);
    if (!(field instanceof z.ZodObject)) throw new Error(`${option}: not an option of the component`);
    const next: z.ZodType | undefined = field.shape[key];
    if (!next) throw new Error(`${option}: not an option of the component`);
    field = next;
  }
  return bare(field);
}

function bare(field: z.ZodType): z.ZodType {
  let inner = field;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
  return inner;
}

function formOf(field: z.ZodType): Form {
  if (field instanceof z.ZodArray) return 'list';
  if (field instanceof z.ZodRecord) return 'map';
  if (field instanceof z.ZodNumber) return 'number';
  return 'text';
}

function setAt(target: Record<string, unknown>, option: string, value: unknown): void {
  const keys = option.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function textsOf(value: FlagValue): string[] {
  return (Array.isArray(value) ? value : [value]).filter((text): text is string => typeof text === 'string');
}

class ComponentFlags<S extends z.ZodObject> {
  readonly #schema: S;
  readonly #flags: Array<[string, Flag]>;
  /** The flags for node:util parseArgs: repeatable where the option is a list or a map. */
  readonly parseArgsOptions: Record<string, { type: 'string'; multiple?: boolean }>;

  constructor(schema: S, flags: Record<string, Flag | string>) {
    this.#schema = schema;
    this.#flags = Object.entries(flags).map(([name, flag]) => [name, typeof flag === 'string' ? { option: flag } : flag]);
    this.parseArgsOptions = Object.fromEntries(
      this.#flags.map(([name, flag]) => {
        const form = formOf(fieldAt(schema, typeof flag.option === 'string' ? flag.option : flag.option({})));
        return [name, form === 'list' || form === 'map' ? { type: 'string', multiple: true } : { type: 'string' }];
      }),
    );
  }

  /** The component's options from the parsed flags, checked with its schema; a bad one is a UsageError naming its flag. */
  options(values: FlagValues): z.output<S> {
    const raw: Record<string, unknown> = {};
    const flagOf = new Map<string, string>();
    for (const [name, flag] of this.#flags) {
      const option = typeof flag.option === 'string' ? flag.option : flag.option(values);
      flagOf.set(option, `--${name}`);
      const texts = textsOf(values[name]);
      const fallback = flag.env === undefined ? undefined : process.env[flag.env] || undefined;
      if (texts.length === 0 && fallback !== undefined) texts.push(fallback);
      if (texts.length > 0) setAt(raw, option, this.#read(option, `--${name}`, flag, texts));
      else if (flag.default !== undefined) setAt(raw, option, flag.default);
    }
    const parsed = this.#schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    throw new UsageError(
      zodProblems(parsed.error)
        .map(({ path, message }) => {
          const option = path.map(String).join('.');
          const flag = flagOf.get(option);
          if (flag && message.startsWith('missing required field')) return `${flag} is required`;
          return flag ? `${flag}: ${message}` : `${formatPath(path)}: ${message}`;
        })
        .join('; '),
    );
  }

  #read(option: string, flag: string, spec: Flag, texts: string[]): unknown {
    if (spec.read) return spec.read(texts, flag);
    switch (formOf(fieldAt(this.#schema, option))) {
      case 'list':
        return texts;
      case 'map':
        return Object.fromEntries(pairs(texts, flag, 'NAME=VALUE'));
      case 'number':
        return wholeNumber(texts[0]!, flag);
      default:
        return texts[0];
    }
  }
}

const readPort = (texts: string[], flag: string) => port(texts[0], flag);

/** Options of every server: where it listens, what it logs, the IdP it trusts, its flaw. */
const serverFlags = (defaultPort: number): Record<string, Flag | string> => ({
  host: 'host',
  port: { option: 'port', read: readPort, default: defaultPort },
  'log-level': { option: 'logLevel', default: 'info' },
  flaw: 'flaw',
  issuer: 'issuer',
  'discovery-url': 'discoveryUrl',
  alg: 'allowedAlgs',
  skew: 'clockSkewSeconds',
  // The process launcher passes an https IdP's CA in MOCKIDP_CA_FILE.
  'ca-file': { option: 'caFile', env: 'MOCKIDP_CA_FILE' },
  'jwks-refetch-cooldown': 'jwksRefetchCooldownSeconds',
});

/** Role mapping (AuthMap): --map ID=ROLE[:SCOPE], --mode, and the claim that identifies the caller. */
const roleMappingFlags: Record<string, Flag | string> = {
  map: {
    option: 'roleMapping.map',
    read: (texts, flag) =>
      Object.fromEntries(
        texts.map((text) => {
          try {
            return parseMapEntry(text);
          } catch (error) {
            throw new UsageError(`${flag} ${(error as Error).message}`);
          }
        }),
      ),
  },
  mode: 'roleMapping.mode',
  'claim-name': { option: (values) => (values['mode'] === 'app' ? 'roleMapping.appClaim' : 'roleMapping.userClaim') },
};

export const authenticatorFlags = new ComponentFlags(authenticatorOptionsSchema, {
  ...serverFlags(9410),
  'client-id': 'clientId',
  'client-secret': { option: 'clientSecret', env: 'MOCKIDP_CLIENT_SECRET' },
  'auth-method': 'tokenEndpointAuthMethod',
  'redirect-uri': 'redirectUris',
  'trusted-audience': 'trustedAudiences',
  claim: { option: 'claimMapping', read: (texts, flag) => Object.fromEntries(pairs(texts, flag, 'OUT=SRC')) },
  pkce: 'pkce',
});

export const stsFlags = new ComponentFlags(stsOptionsSchema, {
  ...serverFlags(9420),
  authenticator: 'authenticatorUrl',
  flavour: 'flavour',
  'client-id': 'clientIds',
  role: {
    option: 'roles',
    read: (texts, flag) =>
      texts.map((text) => {
        const [name, max] = text.split(':');
        return { name, ...(max === undefined ? {} : { maxSessionSeconds: wholeNumber(max, flag) }) };
      }),
  },
  ...roleMappingFlags,
  'account-id': 'accountId',
  user: { option: 'lakefsUsers', read: (texts, flag) => Object.fromEntries(pairs(texts, flag, 'SUB=NAME')) },
  'token-secret': { option: 'tokenSecret', env: 'MOCKIDP_STS_TOKEN_SECRET' },
});

export const bearerApiFlags = new ComponentFlags(bearerApiOptionsSchema, {
  ...serverFlags(9430),
  audience: 'audiences',
  ...roleMappingFlags,
  'app-claim': 'roleMapping.appClaim',
  'opaque-tokens': 'opaqueTokens',
  dpop: 'dpop',
  'public-url': 'publicUrl',
});
