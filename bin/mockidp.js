#!/usr/bin/env node
// Entry point of `npx mockidp`. Runs the TypeScript sources directly on Node 24's type stripping;
// the compile cache keeps repeated starts fast.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
