import { LaunchError, type Launcher } from './launcher.ts';

/*
 * Seam for the container launcher (an image started with testcontainers on the host network),
 * which arrives in a later issue. Until then, start the container yourself and use
 * --target NAME=http://127.0.0.1:PORT.
 */
export const containerLauncher: Launcher = {
  name: 'container',
  summary: 'A container image (arrives in a later issue; start it yourself and use --target NAME=URL meanwhile).',
  async launch({ kind, image }) {
    throw new LaunchError(`the container launcher is not available yet (image ${image ?? '?'} for ${kind.name}): start the container yourself with host networking and pass --target ${kind.name}=http://127.0.0.1:PORT`);
  },
};
