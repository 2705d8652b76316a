import { adminStep } from './admin.ts';
import { assertStep } from './assert.ts';
import { callStep } from './call.ts';
import { clientCredentialsStep } from './client-credentials.ts';
import { clockStep } from './clock.ts';
import { deviceLoginStep } from './device-login.ts';
import { faultStep } from './fault.ts';
import { forgeStep } from './forge.ts';
import { journalStep } from './journal.ts';
import { jwtBearerStep } from './jwt-bearer.ts';
import { jwksCooldownStep } from './jwks-cooldown.ts';
import { loginStep } from './login.ts';
import { logoutStep } from './logout.ts';
import { parallelStep } from './parallel.ts';
import { refreshStep } from './refresh.ts';
import { restartIdpStep } from './restart-idp.ts';
import { revokeStep } from './revoke.ts';
import { setStep } from './set.ts';
import { tokenExchangeStep } from './token-exchange.ts';
import type { StepKind } from './step.ts';
import { waitUntilStep } from './wait-until.ts';

/** Every step kind, in the order the documentation lists them. */
export const STEP_KINDS: readonly StepKind[] = [
  loginStep,
  deviceLoginStep,
  clientCredentialsStep,
  refreshStep,
  tokenExchangeStep,
  jwtBearerStep,
  revokeStep,
  logoutStep,
  callStep,
  clockStep,
  faultStep,
  adminStep,
  restartIdpStep,
  forgeStep,
  journalStep,
  waitUntilStep,
  jwksCooldownStep,
  parallelStep,
  setStep,
  assertStep,
];

export function stepKind(name: string): StepKind | undefined {
  return STEP_KINDS.find((kind) => kind.name === name);
}

export type { StepKind } from './step.ts';
