import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';
import { packageDigest, packedTarball, REPO } from './package.ts';

/*
 * The image the container tests use: built by the test run itself from the packed tarball (what users
 * get), on a base image made from this machine's Node binary (no image registry is reachable here), and
 * rebuilt whenever the package's sources change (the image carries the digest of what it was built from).
 */

const exec = promisify(execFile);
const BASE_IMAGE = 'mockidp-node-base:local';
const TEST_IMAGE_LABEL = 'mockidp.test-image';
const DIGEST_LABEL = 'mockidp.package-digest';

export function requireDocker(): Promise<void> {
  return exec('docker', ['info']).then(
    () => undefined,
    () => {
      throw new Error('Docker is not running: install docker.io and start dockerd (see .ci/run); the test run builds the images it needs itself');
    },
  );
}

async function imageExists(image: string): Promise<boolean> {
  return exec('docker', ['image', 'inspect', image]).then(
    () => true,
    () => false,
  );
}

/** The mockidp image of the current sources, built from the packed tarball when missing or stale. */
export async function projectImage(): Promise<string> {
  await requireDocker();
  // What the image is made of: the package, and the Dockerfile and script that build it.
  const recipe = await Promise.all(['docker/mock-idp.Dockerfile', 'docker/build.sh'].map((file) => readFile(join(REPO, file))));
  const digest = createHash('sha256')
    .update(await packageDigest())
    .update(Buffer.concat(recipe))
    .digest('hex')
    .slice(0, 16);
  const tag = `mockidp:test-${digest}`;
  if (await imageExists(tag)) return tag;
  const tarball = await packedTarball();
  const lock = join(REPO, 'node_modules', '.cache', 'mockidp-image');
  await exec('mkdir', ['-p', lock]);
  const release = await lockfile.lock(lock, { stale: 60_000, update: 5_000, retries: { retries: 600, minTimeout: 250, maxTimeout: 1_000 } });
  try {
    if (await imageExists(tag)) return tag;
    if (!(await imageExists(BASE_IMAGE))) await exec(join(REPO, 'docker/base-image.sh'), [BASE_IMAGE], { cwd: REPO });
    await exec(
      join(REPO, 'docker/build.sh'),
      ['--base', BASE_IMAGE, '--tag', tag, '--tarball', tarball, '--label', `${TEST_IMAGE_LABEL}=true`, '--label', `${DIGEST_LABEL}=${digest}`],
      { cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
    );
    await pruneStaleTestImages(tag);
    return tag;
  } finally {
    await release();
  }
}

/** Test images of earlier sources, once they are a few hours old (another checkout may still be using a recent one). */
async function pruneStaleTestImages(keep: string): Promise<void> {
  const { stdout: ids } = await exec('docker', ['images', '--quiet', '--filter', `label=${TEST_IMAGE_LABEL}=true`]);
  for (const id of new Set(ids.split('\n').filter(Boolean))) {
    const { stdout } = await exec('docker', ['image', 'inspect', '--format', '{{.Created}} {{join .RepoTags " "}}', id]);
    const [created, ...tags] = stdout.trim().split(' ');
    if (tags.includes(keep) || Date.now() - Date.parse(created!) < 3 * 3600_000) continue;
    await exec('docker', ['rmi', ...tags]).catch(() => undefined);
  }
}
