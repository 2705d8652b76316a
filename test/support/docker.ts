import { execFileSync } from 'node:child_process';

/** Fails with the fix when Docker or the project image is missing (.ci/run prepares both). */
export function requireImage(image: string): void {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' });
  } catch {
    throw new Error('Docker is not running: install docker.io and start dockerd (see .ci/run), then build the images with docker/base-image.sh and docker/build.sh');
  }
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
  } catch {
    throw new Error(`image ${image} is missing: build it with docker/build.sh (CI: docker/build.sh --base "$(docker/base-image.sh)")`);
  }
}
