#!/usr/bin/env node
// Entry point of `npx mockidp` (bundled into dist/cli/mockidp.js for the package by scripts/build.ts; in this
// repository `node harness/cli/bin.ts` runs the sources on Node 24's type stripping). The compile cache keeps
// repeated starts fast. Only this file is loaded before the version check, so an old Node gets a clear message.
import module from 'node:module';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`mockidp needs Node 22.12 or later (this is ${process.version}).\n`);
  process.exit(1);
}
module.enableCompileCache?.();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
