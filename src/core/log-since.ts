/**
 * `--since` values for `logs`: a duration back from now (`30s`, `15m`, `1h`, `2d`, `1w`) or an
 * ISO-8601 time. Pure.
 */
import { UsageError } from './errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * Parse a duration such as `30s`, `15m`, `1h`, `2d`, `1w` (an integer and one unit).
 * @returns milliseconds, or undefined when `text` is not a duration.
 */
export function parseLookback(text: string): number | undefined {
  const m = /^(\d+)\s*([smhdw])$/i.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]!.toLowerCase() as keyof typeof UNIT_MS];
}

/**
 * Resolve a `--since` value to an epoch time in milliseconds.
 * @param now epoch ms that durations count back from.
 * @throws UsageError when the value is neither a duration nor an ISO-8601 time, or lies in the future.
 */
export function parseSince(text: string, now: number): number {
  const duration = parseLookback(text);
  if (duration !== undefined) return now - duration;
  const isoLike = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim());
  const time = isoLike ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(`--since "${text}" is not a duration or a time.`, {
      hint: 'Use a duration such as 30s, 15m, 1h, 2d, 1w, or an ISO time such as 2025-01-31T14:00:00Z.',
      code: 'BAD_SINCE',
    });
  }
  if (time > now) throw new UsageError(`--since "${text}" is in the future.`, { code: 'BAD_SINCE' });
  return time;
}
