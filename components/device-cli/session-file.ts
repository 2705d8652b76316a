import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ComponentError } from '../errors.ts';

/*
 * The CLI's session: one JSON file, readable by its owner only (0600, in a 0700 directory),
 * written atomically (temporary file + rename) so a crash never leaves half a session. A file that
 * other users can read is refused, the way ssh refuses such a private key.
 */

const sessionSchema = z.object({
  version: z.literal(1),
  issuer: z.string(),
  client_id: z.string(),
  token_endpoint: z.string(),
  revocation_endpoint: z.string().optional(),
  scope: z.string().optional(),
  token_type: z.string(),
  access_token: z.string(),
  /** Epoch seconds. */
  expires_at: z.number(),
  refresh_token: z.string().optional(),
  id_token: z.string().optional(),
  subject: z.string().optional(),
  /** preferred_username or email of the ID token, for status lines. */
  display_name: z.string().optional(),
});

export type Session = z.output<typeof sessionSchema>;

export const SESSION_FILE_MODE = 0o600;

/** $MOCKIDP_CLI_SESSION, else $XDG_CONFIG_HOME/mockidp-cli/session.json, else ~/.config/mockidp-cli/session.json. */
export function defaultSessionPath(env: Record<string, string | undefined>): string {
  if (env['MOCKIDP_CLI_SESSION']) return env['MOCKIDP_CLI_SESSION'];
  const config = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(config, 'mockidp-cli', 'session.json');
}

export class SessionFileError extends ComponentError {}

export async function writeSession(path: string, session: Session, mode = SESSION_FILE_MODE): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(`${JSON.stringify(session, null, 2)}\n`);
    await handle.chmod(mode); // the umask may have narrowed or (for the flaw) the mode is deliberate
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** The session, or undefined when there is none. */
export async function readSession(path: string): Promise<Session | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if ((mode & 0o077) !== 0) {
    throw new SessionFileError(
      `the session file ${path} can be read by other users (mode 0${mode.toString(8)}): run "chmod 600 ${path}" if you trust it, or log out and log in again`,
    );
  }
  let session: unknown;
  try {
    session = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new SessionFileError(`the session file ${path} is not valid JSON: log out and log in again`);
  }
  const parsed = sessionSchema.safeParse(session);
  if (!parsed.success) throw new SessionFileError(`the session file ${path} is not a session of this CLI: log out and log in again`);
  return parsed.data;
}

export async function removeSession(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
