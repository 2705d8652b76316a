// `npm run build` (run by prepack): the published package in dist/.
// - ESM JavaScript, .d.ts and source maps from TypeScript's own emit (tsconfig.build.json): the library entries.
// - The CLI bundled with its dependencies into dist/cli/ (rolldown): one file to load per command instead of some
//   five hundred modules, which halves `mockidp serve`'s start. Optional peers stay outside (they are the user's).
//   node:http is taken without its ESM facade (scripts/http-without-esm-facade.ts), and oidc-provider's list
//   formatters are built on first use (scripts/lazy-list-format.ts), and Koa's body tests leave the web
//   globals that load Node's fetch alone for plain bodies (scripts/koa-lazy-web-globals.ts).
// - The JSON Schemas of the configuration and of scenarios.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { configJsonSchema } from '../mock-idp/config/reference.ts';
import { scenarioJsonSchema } from '../harness/scenario/schema.ts';
import { httpWithoutEsmFacade } from './http-without-esm-facade.ts';
import { koaLazyWebGlobals } from './koa-lazy-web-globals.ts';
import { lazyListFormat } from './lazy-list-format.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const OPTIONAL_PEERS = ['testcontainers', 'vitest', '@jest/globals'];

await rm(`${root}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

await build({
  input: { mockidp: `${root}dist/harness/cli/bin.js` },
  platform: 'node',
  plugins: [httpWithoutEsmFacade(), lazyListFormat(), koaLazyWebGlobals()],
  external: (id) => OPTIONAL_PEERS.some((peer) => id === peer || id.startsWith(`${peer}/`)),
  // depd (through koa's http-assert) builds its deprecation wrappers with eval, on purpose and harmlessly.
  onLog: (level, log, handler) => (log.code === 'EVAL' && log.id?.includes('/depd/') ? undefined : handler(level, log)),
  // No source maps here: the bundle is not minified, so its stack traces read as they are.
  output: { dir: `${root}dist/cli`, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', legalComments: 'inline' },
});

await mkdir(`${root}dist/schemas`, { recursive: true });
await writeFile(`${root}dist/schemas/mockidp.config.schema.json`, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
await writeFile(`${root}dist/schemas/scenario.schema.json`, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
process.stdout.write('built dist/\n');
