import { containerLauncher } from './container.ts';
import { inProcessLauncher } from './in-process.ts';
import type { Launcher, LauncherName } from './launcher.ts';
import { processLauncher } from './process.ts';
import { urlLauncher } from './url.ts';

/** Every launcher, one file each. */
const LAUNCHERS: readonly Launcher[] = [inProcessLauncher, processLauncher, urlLauncher, containerLauncher];

export function launcher(name: LauncherName): Launcher {
  return LAUNCHERS.find((candidate) => candidate.name === name)!;
}

export { LaunchError, type Launcher, type LauncherName } from './launcher.ts';
