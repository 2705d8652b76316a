import { z } from 'zod';

/** A duration in a scenario: milliseconds as a number, or "250ms", "5s", "2m". */
export const durationSchema = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m)$/, 'a duration is a number of milliseconds or a string like "250ms", "5s", "2m"'),
  ])
  .describe('Milliseconds, or a string such as "250ms", "5s", "2m".');

export type Duration = z.infer<typeof durationSchema>;

export function toMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(duration);
  if (!match) throw new Error(`"${duration}" is not a duration: use milliseconds or "250ms", "5s", "2m"`);
  const value = Number(match[1]);
  return Math.round(match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000);
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
