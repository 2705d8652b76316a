import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDeviceCli, type DeviceCliIo } from '../../../components/index.ts';
import type { MockIdp } from '../../../mock-idp/index.ts';
import { approveDevice } from '../../../harness/actors/browserless-login.ts';

/*
 * The world around a device-flow CLI run, without sleeping: every wait the CLI asks for moves both
 * the CLI's clock and the IdP tenant's clock (so the IdP's interval and slow_down rules see the
 * same time), and a scripted person approves or denies the code on the verification page.
 */

export interface DeviceWorld {
  io: DeviceCliIo;
  sessionPath: string;
  stdout: string[];
  stderr: string[];
  /** Every wait the CLI asked for, in ms. */
  sleeps: number[];
  run(args: string[]): Promise<number>;
  /** Moves both clocks (for expiry of the access token). */
  advance(seconds: number): Promise<void>;
}

export interface WorldOptions {
  tenant?: string;
  /** What the person does, and on which wait: approve (default on the first) or deny. */
  person?: { user?: string; decision?: 'approve' | 'deny'; onWait?: number } | 'absent';
  /** How far a wait really moves the clocks (default: as asked); simulates the IdP's clock running slower. */
  elapsed?: (wait: number, askedMs: number) => number;
  /** Extra seconds moved on the IdP's clock only, at a given wait. */
  idpJump?: { onWait: number; seconds: number };
}

export async function deviceWorld(idp: MockIdp, options: WorldOptions = {}): Promise<DeviceWorld> {
  const tenant = options.tenant ?? 'default';
  const sessionPath = join(await mkdtemp(join(tmpdir(), 'mockidp-cli-')), 'config', 'session.json');
  let offsetMs = 0;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const sleeps: number[] = [];
  const person = options.person === 'absent' ? undefined : { user: 'alice', decision: 'approve' as const, onWait: 1, ...options.person };
  const advance = async (seconds: number) => {
    offsetMs += seconds * 1000;
    await idp.admin.clock.advance(tenant, seconds);
  };
  const io: DeviceCliIo = {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text) },
    now: () => Date.now() + offsetMs,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      await advance((options.elapsed?.(sleeps.length, ms) ?? ms) / 1000);
      if (options.idpJump?.onWait === sleeps.length) await idp.admin.clock.advance(tenant, options.idpJump.seconds);
      if (person && person.onWait === sleeps.length) {
        const code = /enter the code: (\S+)/.exec(stdout.join(''))?.[1];
        const uri = /open (\S+) and enter/.exec(stdout.join(''))?.[1];
        await approveDevice({ verificationUri: uri!, userCode: code!, username: person.user, decision: person.decision });
      }
    },
  };
  return {
    io,
    sessionPath,
    stdout,
    stderr,
    sleeps,
    advance,
    run: (args) => runDeviceCli([...args, '--session', sessionPath], io),
  };
}
