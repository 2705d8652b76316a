import { type ComponentName, FLAWS } from '../../components/index.ts';
import type { EmbeddedSpec, TargetKind } from '../targets/target.ts';

/*
 * The deliberate flaws of the reference components (components/flaws.ts), as the runner looks them up:
 * which component a flaw belongs to, and which components an embedded target is made of, so that
 * `run --flaw NAME` runs only the scenarios of targets that contain the flawed component.
 */

/** Which reference components make up each embedded target (a flaw goes to the one it belongs to). */
const EMBEDDED_COMPONENTS: Record<EmbeddedSpec['component'], ComponentName[]> = {
  authenticator: ['authenticator'],
  sts: ['sts'],
  'lakefs-sts': ['authenticator', 'sts'],
  'bearer-api': ['bearer-api'],
  'device-cli': ['device-cli'],
  'web-rp': [],
};

/** The component a flaw belongs to, or undefined for an unknown flaw. */
export function componentOfFlaw(flaw: string): ComponentName | undefined {
  return FLAWS.find((candidate) => candidate.name === flaw)?.component;
}

export function flawNames(): string[] {
  return FLAWS.map((flaw) => flaw.name);
}

/** The reference components the embedded variant of a target is made of. */
export function componentsOf(kind: TargetKind): ComponentName[] {
  const spec = kind.embedded({ issuer: 'http://127.0.0.1', tenant: '', clients: {}, options: kind.optionsSchema.parse({}), flaw: undefined, workDir: '' });
  return EMBEDDED_COMPONENTS[spec.component];
}
