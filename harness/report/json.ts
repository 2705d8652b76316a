import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReporterKind } from './reporter.ts';

export const jsonReporter: ReporterKind = {
  name: 'json',
  summary: 'results.json: every scenario, step, failure and trace (the input of `mockidp report merge`).',
  file: 'results.json',
  create({ outDir }) {
    return {
      async finish(result) {
        await mkdir(outDir, { recursive: true });
        const path = join(outDir, 'results.json');
        await writeFile(path, `${JSON.stringify(result, null, 1)}\n`);
        return path;
      },
    };
  },
};
