import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { approveDevice, LoginError } from '../actors/browserless-login.ts';
import type { ScenarioContext } from '../runner/context.ts';
import { StepFailure } from '../runner/step-failure.ts';
import { get } from '../scenario/path.ts';
import { defineOperation, type TargetKind } from './target.ts';
import type { CommandIo, TargetSession } from './session.ts';

/*
 * A command-line tool that logs in with the device flow (RFC 8628) and keeps its tokens in a store:
 * the reference device CLI, or yours (`--target-command device-cli="your-cli"`). Each operation is a
 * command template appended to that command (options loginCommand, tokenCommand, statusCommand,
 * refreshCommand, logoutCommand; placeholders {issuer} {client_id} {scope} {store} {workdir}), what
 * it prints is read with patterns (userCodePattern, verificationUriPattern, tokenPattern), and its
 * token or session store is declared (store: a path template; storeSubject: where the logged-in
 * subject is in it, when it is JSON). The defaults describe the reference CLI: `login --issuer URL
 * --client-id ID --scope S --session FILE`, `token`, `status`, `refresh` and `logout` with --session.
 * A simulated person opens the printed URL and approves (or denies) as soon as the code is printed.
 */

const DEFAULT_SCOPE = 'openid profile email groups offline_access';

const optionsSchema = z.looseObject({
  clientId: z.string().default('device-cli'),
  scope: z.string().optional().describe(`The scope {scope} stands for (default: ${DEFAULT_SCOPE}).`),
  loginCommand: z
    .string()
    .default('login --issuer {issuer} --client-id {client_id} --scope {scope} --session {store}')
    .describe('Arguments of the login operation (a template appended to the command).'),
  tokenCommand: z.string().default('token --session {store}').describe('Arguments that print a valid access token (refreshing it when needed).'),
  statusCommand: z.string().default('status --session {store}').describe('Arguments that print who is logged in (exit code not 0 when nobody is).'),
  refreshCommand: z.string().default('refresh --session {store}').describe('Arguments that refresh the tokens now.'),
  logoutCommand: z.string().default('logout --session {store}').describe('Arguments that log out (revoke the refresh token, forget the tokens).'),
  userCodePattern: z
    .string()
    .default(String.raw`\b([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{8}|\d{6,9})\b`)
    .describe('A regular expression for the user code in the login output (group 1, else the match).'),
  verificationUriPattern: z
    .string()
    .default(String.raw`https?://\S+`)
    .describe('A regular expression for the verification URI(s) in the login output; one with user_code= is used as is.'),
  tokenPattern: z
    .string()
    .default(String.raw`^\s*(\S+)\s*$`)
    .describe('A regular expression for the access token in the output of the token operation (group 1, else the match), multiline.'),
  store: z
    .string()
    .default('{workdir}/session.json')
    .describe('Where the CLI keeps its tokens (a path template): the scenario checks it exists, its mode, and its content.'),
  storeSubject: z.string().default('subject').describe('Where the logged-in subject is in the store, when it is JSON (a path such as subject or claims.sub).'),
});

type Options = z.output<typeof optionsSchema>;

const PLACEHOLDER = /\{(issuer|client_id|scope|store|workdir)\}/g;

function pattern(source: string, flags: string, option: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new StepFailure(`device-cli.${option} is not a regular expression: ${(error as Error).message}`);
  }
}

function storePath(target: TargetSession): string {
  const o = optionsSchema.parse(target.setup.options);
  return o.store.replace(/\{workdir\}/g, target.setup.workDir);
}

/** The operation's arguments: the template split on spaces, each placeholder filled (one argument each). */
function commandArgs(template: string, target: TargetSession, scope: string | undefined): string[] {
  const o = optionsSchema.parse(target.setup.options);
  const values: Record<string, string> = {
    issuer: target.setup.issuer,
    client_id: target.setup.clients['main']!.id,
    scope: scope ?? o.scope ?? DEFAULT_SCOPE,
    store: storePath(target),
    workdir: target.setup.workDir,
  };
  return template
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => part.replace(PLACEHOLDER, (_, name: string) => values[name] ?? ''));
}

async function sessionOf(target: TargetSession): Promise<Record<string, unknown>> {
  const path = storePath(target);
  const o = optionsSchema.parse(target.setup.options);
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const session = parsed && typeof parsed === 'object' ? { ...(parsed as Record<string, unknown>), subject: get(parsed, o.storeSubject) } : parsed;
    return { session, session_exists: true, session_mode: (info.mode & 0o777).toString(8).padStart(4, '0') };
  } catch {
    return { session_exists: false };
  }
}

/** Runs the CLI; a person reacts to the printed code; waits move the IdP clock instead of sleeping (in-process). */
async function runCli(
  ctx: ScenarioContext,
  target: TargetSession,
  args: string[],
  person?: { user: string; decision: 'approve' | 'deny' | 'none' },
  idpClockFactor = 1,
) {
  const run = target.connection.run;
  if (!run) throw new StepFailure('the device-cli target is a command: start it with the in-process or the process launcher');
  const o = optionsSchema.parse(target.setup.options);
  const codePattern = pattern(o.userCodePattern, '', 'userCodePattern');
  const uriPattern = pattern(o.verificationUriPattern, 'g', 'verificationUriPattern');
  let printed = '';
  let approval: Promise<void> | undefined;
  const waits: number[] = [];
  const react = () => {
    if (!person || person.decision === 'none' || approval) return;
    const urls = printed.match(uriPattern) ?? [];
    const complete = urls.find((url) => url.includes('user_code='));
    const found = codePattern.exec(printed.replace(uriPattern, ' '));
    const code = found?.[1] ?? found?.[0];
    const uri = complete ?? (code ? urls[0] : undefined);
    if (!uri) return;
    approval = approveDevice({
      verificationUri: uri.replace(/[.,;)\]]+$/, ''),
      ...(code ? { userCode: code } : {}),
      username: person.user,
      decision: person.decision,
      userAgent: ctx.browser('device-user'),
    }).then(
      () => undefined,
      (error: unknown) => {
        throw error instanceof LoginError ? new StepFailure(`the person could not ${person.decision} the device: ${error.message}`) : error;
      },
    );
  };
  const io: CommandIo = {
    signal: ctx.signal,
    onStdout(text) {
      printed += text;
      react();
    },
    onStderr(text) {
      printed += text;
      react();
    },
    async onWait(ms) {
      waits.push(ms);
      if (approval) await approval;
      const seconds = Math.round((ms * idpClockFactor) / 1000);
      if (seconds !== 0) await ctx.idp.admin.clock.advance(ctx.idp.tenant, seconds);
    },
  };
  const result = await run(args, io);
  if (approval) await approval;
  ctx.recordTargetRequests();
  return { ...result, waits };
}

export const deviceCliTarget: TargetKind = {
  name: 'device-cli',
  summary:
    'A command-line tool that logs in with the device flow and keeps its tokens in a store (login, token, status, refresh, logout as command templates).',
  shape: 'command',
  optionsSchema,
  clients(options) {
    const o = optionsSchema.parse(options);
    return { main: { id: o.clientId, config: { name: 'device-flow CLI under test', grants: ['device_code', 'refresh_token'] } } };
  },
  login: { redeem: true, stateCarriesVerifier: false },
  embedded(setup) {
    return { component: 'device-cli', options: {}, flaw: setup.flaw };
  },
  operations: {
    login: defineOperation({
      summary:
        "Runs the login command; a person approves (or denies, or ignores) the printed code. Value: session (the store's JSON, with subject), session_exists, session_mode, waits (ms between polls, in-process).",
      params: z.strictObject({
        user: z.string().default('alice'),
        decision: z.enum(['approve', 'deny', 'none']).default('approve'),
        scope: z.string().optional(),
        args: z.array(z.string()).default([]),
        idp_clock_factor: z
          .number()
          .min(0)
          .max(10)
          .default(1)
          .describe('In-process only: how far the IdP clock moves for each wait of the CLI (0.5: the CLI seems to poll twice as fast, provoking slow_down).'),
      }),
      async run(ctx, target, p) {
        const o = optionsSchema.parse(target.setup.options);
        const args = [...commandArgs(o.loginCommand, target, p.scope), ...p.args];
        const { exit, stdout, stderr, waits } = await runCli(ctx, target, args, { user: p.user, decision: p.decision }, p.idp_clock_factor);
        return { exit, stdout, stderr, value: { ...(await sessionOf(target)), waits } };
      },
    }),
    token: commandOperation(
      'tokenCommand',
      'Runs the token command: prints a valid access token (refreshing it when needed). Value: token (read with tokenPattern), and the store.',
    ),
    status: commandOperation('statusCommand', 'Runs the status command: who is logged in, until when.'),
    refresh: commandOperation('refreshCommand', 'Runs the refresh command: refreshes the tokens now.'),
    logout: commandOperation('logoutCommand', 'Runs the logout command: revokes the refresh token and forgets the tokens.'),
  },
};

function commandOperation(option: 'tokenCommand' | 'statusCommand' | 'refreshCommand' | 'logoutCommand', summary: string) {
  return {
    summary,
    params: z.strictObject({ args: z.array(z.string()).default([]) }),
    async run(ctx: ScenarioContext, target: TargetSession, p: { args: string[] }) {
      const o: Options = optionsSchema.parse(target.setup.options);
      const { exit, stdout, stderr, waits } = await runCli(ctx, target, [...commandArgs(o[option], target, undefined), ...p.args]);
      const found = option === 'tokenCommand' ? pattern(o.tokenPattern, 'm', 'tokenPattern').exec(stdout) : null;
      const token = found ? (found[1] ?? found[0]) : undefined;
      return { exit, stdout, stderr, value: { ...(await sessionOf(target)), waits, ...(token ? { token } : {}) } };
    },
  };
}
