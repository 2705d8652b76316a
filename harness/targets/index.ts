import { authenticatorTarget } from './authenticator.ts';
import { awsStsTarget } from './aws-sts.ts';
import { bearerApiTarget } from './bearer-api.ts';
import { deviceCliTarget } from './device-cli.ts';
import { lakefsStsTarget } from './lakefs-sts.ts';
import type { TargetName } from './names.ts';
import type { TargetKind } from './target.ts';
import { webRpTarget } from './web-rp.ts';

/** Every target adapter, one file each. */
export const TARGETS: readonly TargetKind[] = [authenticatorTarget, lakefsStsTarget, awsStsTarget, bearerApiTarget, webRpTarget, deviceCliTarget];

export function targetKind(name: TargetName | string): TargetKind | undefined {
  return TARGETS.find((kind) => kind.name === name);
}
