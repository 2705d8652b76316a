#!/usr/bin/env node
// Entry point of `npx mockidp`. Runs the TypeScript sources directly on Node 24's type stripping;
// the compile cache keeps repeated starts fast.
import module from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`mockidp needs Node 24 or later (this is ${process.version}). In this repository, run it through npm scripts or npx, which use the Node 24 that npm ci installs into node_modules.\n`);
  process.exit(1);
}
module.enableCompileCache?.();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
