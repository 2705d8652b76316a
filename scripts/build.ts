// `npm run build` (run by prepack): the published package in dist/. ESM JavaScript, .d.ts and source maps
// from TypeScript's own emit (tsconfig.build.json), and the JSON Schemas of the configuration and of scenarios.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../mock-idp/config/reference.ts';
import { scenarioJsonSchema } from '../harness/scenario/schema.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

await rm(`${root}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
await mkdir(`${root}dist/schemas`, { recursive: true });
await writeFile(`${root}dist/schemas/mockidp.config.schema.json`, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
await writeFile(`${root}dist/schemas/scenario.schema.json`, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
process.stdout.write('built dist/\n');
