import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runScenarios } from '../support/scenarios.ts';

const guide = await readFile(new URL('../../../docs/scenarios.md', import.meta.url), 'utf8');
const examples = [...guide.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);

describe('the annotated examples of docs/scenarios.md', () => {
  it('has three examples', () => {
    expect(examples).toHaveLength(3);
  });

  for (const [index, example] of examples.entries()) {
    it(`example ${index + 1} is valid and passes against the reference components`, async () => {
      const result = await runScenarios({ [`example-${index + 1}.yaml`]: example });
      expect(result.scenarios.map((scenario) => [scenario.name, scenario.status, scenario.failure?.message])).toEqual([
        [expect.any(String), 'passed', undefined],
      ]);
    });
  }
});
