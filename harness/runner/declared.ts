import { formatPath, zodProblems } from '../../common/problems.ts';
import { z } from 'zod';
import { toMs } from '../scenario/duration.ts';
import type { Declared } from '../targets/session.ts';
import type { TargetKind } from '../targets/target.ts';
import { HarnessError } from '../errors.ts';

/*
 * What a user tells the runner about a target of theirs, next to how it is configured
 * (--target-option NAME.key=VALUE): which operations of its contract it offers, and how long it
 * waits before fetching the IdP's JWKS again for a kid it does not know. The runner skips the
 * scenarios of operations a target does not offer, and waits out the cool-down before a scenario
 * that needs the target to fetch the keys again. The reference components offer every operation.
 */

/** The refetch cool-down assumed when a target declares none: jose's createRemoteJWKSet and the reference components use 30 s. */
const DEFAULT_JWKS_REFETCH_COOLDOWN_MS = 30_000;

/** The runner's own target options, valid for every target, with what they mean. */
const DECLARED_OPTIONS: Record<keyof Omit<Declared, 'jwksRefetchCooldownMs'> | 'jwksRefetchCooldown', string> = {
  operations:
    'The operations of its contract the target offers, comma-separated (default: every one); scenarios that call another are skipped with that reason.',
  jwksRefetchCooldown: `How long the target waits before it fetches the JWKS again for an unknown kid (default ${DEFAULT_JWKS_REFETCH_COOLDOWN_MS / 1000}s); the runner waits it out before a scenario that needs a refetch.`,
};

export class TargetOptionError extends HarnessError {}

/** The name a target declares an operation with. */
export function offerOf(kind: TargetKind, operation: string): string {
  return kind.operations[operation]?.offer ?? operation.replace(/_/g, '-');
}

/** Every operation name a target can declare, in the order of its operations. */
function offersOf(kind: TargetKind): string[] {
  return [...new Set(Object.keys(kind.operations).map((operation) => offerOf(kind, operation)))];
}

/** What the reference components declare: every operation, and the cool-down they are built with. */
export function referenceDeclared(kind: TargetKind): Declared {
  return { operations: new Set(offersOf(kind)), jwksRefetchCooldownMs: DEFAULT_JWKS_REFETCH_COOLDOWN_MS };
}

function ownOptionNames(kind: TargetKind): string[] {
  return Object.keys(kind.optionsSchema.shape);
}

/** Every option a user may give a target with --target-option NAME.key=VALUE. */
function knownTargetOptions(kind: TargetKind): string[] {
  return [...ownOptionNames(kind), ...Object.keys(DECLARED_OPTIONS)];
}

function listOf(value: unknown): string[] | undefined {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

const cooldownSchema = z.union([z.number().int().min(0), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m)$/)]);

/**
 * Splits a user's --target-option values into the target's own options (parsed with its defaults)
 * and what the runner is told; an unknown option or a bad value is an error that says what is known.
 */
export function parseTargetOptions(kind: TargetKind, raw: Record<string, unknown>): { options: Record<string, unknown>; declared: Declared } {
  const known = knownTargetOptions(kind);
  const unknown = Object.keys(raw).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new TargetOptionError(
      `unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `${kind.name}.${key}`).join(', ')}; the options of ${kind.name}: ${known.join(', ')}`,
    );
  }
  const { operations, jwksRefetchCooldown, ...own } = raw;
  const offers = offersOf(kind);
  let declaredOperations = offers;
  if (operations !== undefined) {
    const list = listOf(operations);
    if (!list || list.length === 0)
      throw new TargetOptionError(`${kind.name}.operations must name at least one operation, comma-separated: ${offers.join(',')}`);
    const wrong = list.filter((name) => !offers.includes(name));
    if (wrong.length > 0)
      throw new TargetOptionError(
        `${kind.name}.operations: unknown operation${wrong.length > 1 ? 's' : ''} ${wrong.join(', ')}; the operations of ${kind.name}: ${offers.join(', ')}`,
      );
    declaredOperations = list;
  }
  let jwksRefetchCooldownMs = DEFAULT_JWKS_REFETCH_COOLDOWN_MS;
  if (jwksRefetchCooldown !== undefined) {
    const parsed = cooldownSchema.safeParse(jwksRefetchCooldown);
    if (!parsed.success)
      throw new TargetOptionError(`${kind.name}.jwksRefetchCooldown "${String(jwksRefetchCooldown)}": expected a duration such as 0s, 500ms, 30s or 2m`);
    // A bare number is seconds, as in the components' --jwks-refetch-cooldown.
    jwksRefetchCooldownMs = typeof parsed.data === 'number' ? parsed.data * 1000 : toMs(parsed.data);
  }
  const parsed = kind.optionsSchema.safeParse(own);
  if (!parsed.success)
    throw new TargetOptionError(
      zodProblems(parsed.error, [kind.name])
        .map(({ path, message }) => `${formatPath(path)}: ${message}`)
        .join('; '),
    );
  const options = parsed.data;
  return { options, declared: { operations: new Set(declaredOperations), jwksRefetchCooldownMs } };
}
