import { homedir } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';

/*
 * What the configuration needs to know about TLS without loading node-forge (which only a server
 * that serves https needs): valid certificate names and where the local CA lives.
 */

/** Names every certificate carries: a local IdP is reached through these. */
export const LOOPBACK_NAMES = ['127.0.0.1', '::1', 'localhost'] as const;

const DNS_NAME = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Why a certificate name is not usable, or undefined when it is (a DNS name, *.wildcard or an IP address). */
export function invalidCertificateName(name: string): string | undefined {
  if (isIP(name)) return undefined;
  if (name.length <= 253 && DNS_NAME.test(name)) return undefined;
  return `"${name}" is neither an IP address nor a DNS name (letters, digits, "-" and dots; "*." allowed in front)`;
}

/** Where the CA lives unless configured: MOCKIDP_CA_DIR, else the user's configuration folder. */
export function defaultCaDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['MOCKIDP_CA_DIR']) return env['MOCKIDP_CA_DIR'];
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'mockidp', 'ca');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'mockidp', 'ca');
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'mockidp', 'ca');
}
