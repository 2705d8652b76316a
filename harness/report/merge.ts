import { readFile } from 'node:fs/promises';
import { summarize, type ScenarioResult, type SuiteResult } from './result.ts';
import { HarnessError } from '../errors.ts';

/*
 * Combines the JSON results of several shards (or runs) into one result: every scenario once,
 * the wall time of the slowest shard, the earliest start.
 */

class MergeError extends HarnessError {}

export async function readResults(path: string): Promise<SuiteResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new MergeError(`${path}: cannot read it (run with --reporter json, which writes results.json)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MergeError(`${path}: not JSON`);
  }
  const result = parsed as Partial<SuiteResult>;
  if (result.version !== 1 || !Array.isArray(result.scenarios)) throw new MergeError(`${path}: not a mockidp results file (version 1 with scenarios)`);
  return result as SuiteResult;
}

export function mergeResults(results: SuiteResult[]): SuiteResult {
  if (results.length === 0) throw new MergeError('nothing to merge: give at least one results.json');
  const seen = new Map<string, ScenarioResult>();
  for (const result of results) for (const scenario of result.scenarios) if (!seen.has(scenario.id)) seen.set(scenario.id, scenario);
  const scenarios = [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
  const flaws = [...new Set(results.map((result) => result.flaw).filter(Boolean))];
  return {
    version: 1,
    startedAt: results.map((result) => result.startedAt).sort()[0]!,
    ms: Math.max(...results.map((result) => result.ms)),
    idp: results[0]!.idp,
    targets: Object.assign({}, ...results.map((result) => result.targets)),
    ...(flaws.length === 1 ? { flaw: flaws[0]! } : {}),
    scenarios,
    summary: summarize(scenarios),
  };
}
