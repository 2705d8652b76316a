import { createHash, randomBytes, randomInt } from 'node:crypto';

/** Temporary credentials and who they were issued to. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms. */
  expiresAt: number;
  roleName: string;
  sessionName: string;
  assumedRoleId: string;
  arn: string;
  account: string;
  subject: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** AROA + 17 characters, stable per role (AWS role ids look like this). */
export function roleId(account: string, roleName: string): string {
  const digest = createHash('sha256').update(`${account}:${roleName}`).digest();
  let out = 'AROA';
  for (let i = 0; i < 17; i += 1) out += BASE32[digest[i]! % 32];
  return out;
}

/**
 * The STS's memory of the credentials it issued, by access key id. Bounded: expired entries are
 * dropped first, then the oldest, so a flood of AssumeRole calls cannot grow it without limit.
 */
export class CredentialStore {
  readonly #byKey = new Map<string, IssuedCredentials>();
  readonly #limit: number;
  readonly #now: () => number;

  constructor(now: () => number, limit = 50_000) {
    this.#now = now;
    this.#limit = limit;
  }

  issue(grant: Omit<IssuedCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>): IssuedCredentials {
    this.#evict();
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${randomFrom(BASE32, 16)}`,
      secretAccessKey: randomFrom(SECRET_CHARS, 40),
      sessionToken: randomBytes(96).toString('base64'),
      ...grant,
    };
    this.#byKey.set(credentials.accessKeyId, credentials);
    return credentials;
  }

  find(accessKeyId: string): IssuedCredentials | undefined {
    return this.#byKey.get(accessKeyId);
  }

  #evict(): void {
    if (this.#byKey.size < this.#limit) return;
    const now = this.#now();
    for (const [key, value] of this.#byKey) if (value.expiresAt <= now) this.#byKey.delete(key);
    while (this.#byKey.size >= this.#limit) this.#byKey.delete(this.#byKey.keys().next().value!);
  }
}
