import type { Scenario } from '../scenario/model.ts';

/*
 * Which scenarios a run includes: --grep (name or id), --tag (any of; "!tag" excludes), --shard i/n
 * (a stable slice of the sorted ids, for CI fan-out).
 */

export interface Shard {
  index: number;
  total: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || index < 1 || index > total) throw new Error(`--shard "${text}" is not i/n with 1 <= i <= n (e.g. --shard 2/4)`);
  return { index, total };
}

export function matchesGrep(scenario: { id: string; name: string }, grep: string | undefined): boolean {
  if (!grep) return true;
  let pattern: RegExp;
  try {
    pattern = new RegExp(grep, 'i');
  } catch {
    const lower = grep.toLowerCase();
    return scenario.name.toLowerCase().includes(lower) || scenario.id.toLowerCase().includes(lower);
  }
  return pattern.test(scenario.name) || pattern.test(scenario.id);
}

/** --tag a,b --tag c: any of a, b, c; "!x" excludes x. */
export function matchesTags(scenario: { tags: string[] }, tags: string[] | undefined): boolean {
  const wanted = (tags ?? [])
    .flatMap((tag) => tag.split(','))
    .map((tag) => tag.trim())
    .filter(Boolean);
  const include = wanted.filter((tag) => !tag.startsWith('!'));
  const exclude = wanted.filter((tag) => tag.startsWith('!')).map((tag) => tag.slice(1));
  if (exclude.some((tag) => scenario.tags.includes(tag))) return false;
  return include.length === 0 || include.some((tag) => scenario.tags.includes(tag));
}

/** The scenarios of one shard: every n-th of the id-sorted list, so shards stay balanced and disjoint. */
export function inShard<T extends { id: string }>(items: T[], shard: Shard | undefined): T[] {
  if (!shard || shard.total === 1) return items;
  return [...items].sort((a, b) => a.id.localeCompare(b.id)).filter((_, position) => position % shard.total === shard.index - 1);
}

export function byId(a: Scenario, b: Scenario): number {
  return a.id.localeCompare(b.id);
}
