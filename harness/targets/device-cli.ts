import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { approveDevice, LoginError } from '../actors/browserless-login.ts';
import { StepFailure, type ScenarioContext } from '../runner/context.ts';
import type { CommandIo, TargetKind, TargetSession } from './target.ts';

/*
 * A command-line tool that logs in with the device flow (RFC 8628) and keeps a session file: the
 * reference device CLI, or yours (`--target-command device-cli="your-cli"`). Its contract: `login
 * --issuer URL --client-id ID --session FILE` prints the verification URL and the user code, polls,
 * and exits 0 once signed in; `token`, `status`, `refresh` and `logout` take `--session FILE`.
 * A simulated person opens the URL and approves (or denies) as soon as the code is printed.
 */

const optionsSchema = z.looseObject({
  clientId: z.string().default('device-cli'),
  scope: z.string().optional(),
});

const CODE_PATTERN = /\b([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{8}|\d{6,9})\b/;
const URL_PATTERN = /https?:\/\/\S+/g;

function sessionPath(target: TargetSession): string {
  return join(target.setup.workDir, 'session.json');
}

async function sessionOf(target: TargetSession): Promise<Record<string, unknown>> {
  const path = sessionPath(target);
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { session: parsed, session_exists: true, session_mode: (info.mode & 0o777).toString(8).padStart(4, '0') };
  } catch {
    return { session_exists: false };
  }
}

/** Runs the CLI; a person reacts to the printed code; waits move the IdP clock instead of sleeping (in-process). */
async function runCli(ctx: ScenarioContext, target: TargetSession, args: string[], person?: { user: string; decision: 'approve' | 'deny' | 'none' }, idpClockFactor = 1) {
  const run = target.connection.run;
  if (!run) throw new StepFailure('the device-cli target is a command: start it with the in-process or the process launcher');
  let printed = '';
  let approval: Promise<void> | undefined;
  const waits: number[] = [];
  const react = () => {
    if (!person || person.decision === 'none' || approval) return;
    const urls = printed.match(URL_PATTERN) ?? [];
    const complete = urls.find((url) => url.includes('user_code='));
    const code = CODE_PATTERN.exec(printed.replace(URL_PATTERN, ' '))?.[1];
    const uri = complete ?? (code ? urls[0] : undefined);
    if (!uri) return;
    approval = approveDevice({ verificationUri: uri.replace(/[.,;)]+$/, ''), ...(code ? { userCode: code } : {}), username: person.user, decision: person.decision, userAgent: ctx.browser('device-user') }).then(
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

function withSession(target: TargetSession, args: string[]): string[] {
  return [...args, '--session', sessionPath(target)];
}

export const deviceCliTarget: TargetKind = {
  name: 'device-cli',
  summary: 'A command-line tool that logs in with the device flow and keeps a session file (login, token, status, refresh, logout).',
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
    login: {
      summary: 'Runs `login --issuer ISSUER --client-id ID`; a person approves (or denies, or ignores) the printed code. Value: session (the file\'s JSON), session_mode, waits (ms between polls, in-process).',
      params: z.strictObject({
        user: z.string().default('alice'),
        decision: z.enum(['approve', 'deny', 'none']).default('approve'),
        scope: z.string().optional(),
        args: z.array(z.string()).default([]),
        idp_clock_factor: z.number().min(0).max(10).default(1).describe('In-process only: how far the IdP clock moves for each wait of the CLI (0.5: the CLI seems to poll twice as fast, provoking slow_down).'),
      }),
      async run(ctx, target, p) {
        const o = optionsSchema.parse(target.setup.options);
        const scope = p.scope ?? o.scope;
        const args = withSession(target, ['login', '--issuer', target.setup.issuer, '--client-id', target.setup.clients['main']!.id, ...(scope ? ['--scope', scope] : []), ...p.args]);
        const { exit, stdout, stderr, waits } = await runCli(ctx, target, args, { user: p.user, decision: p.decision }, p.idp_clock_factor);
        return { exit, stdout, stderr, value: { ...(await sessionOf(target)), waits } };
      },
    },
    token: commandOperation('token', 'Runs `token`: prints a valid access token (refreshing it when needed).'),
    status: commandOperation('status', 'Runs `status`: who is logged in, until when.'),
    refresh: commandOperation('refresh', 'Runs `refresh`: refreshes the session now.'),
    logout: commandOperation('logout', 'Runs `logout`: revokes the refresh token and removes the session file.'),
  },
};

function commandOperation(command: string, summary: string) {
  return {
    summary,
    params: z.strictObject({ args: z.array(z.string()).default([]) }),
    async run(ctx: ScenarioContext, target: TargetSession, p: { args: string[] }) {
      const { exit, stdout, stderr, waits } = await runCli(ctx, target, withSession(target, [command, ...p.args]));
      return { exit, stdout, stderr, value: { ...(await sessionOf(target)), waits } };
    },
  };
}
