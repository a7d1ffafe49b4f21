/**
 * `--since` values for `logs`: a duration back from now, in the grammar of every duration flag
 * (`src/core/duration.ts`: `30s`, `15m`, `1h30m`, `2d`, `1w`, a bare number = seconds), or an
 * ISO-8601 time. Pure.
 */
import { DURATION_EXAMPLES, durationMs } from './duration.js';
import { UsageError } from './errors.js';

/**
 * Resolve a `--since` value to an epoch time in milliseconds.
 * @param now epoch ms that durations count back from.
 * @throws UsageError when the value is neither a duration nor an ISO-8601 time, or lies in the future.
 */
export function parseSince(text: string, now: number): number {
  const duration = durationMs(text);
  if (duration !== undefined) return now - duration;
  const isoLike = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim());
  const time = isoLike ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(`--since "${text}" is not a duration or a time.`, {
      hint: `Use a duration (${DURATION_EXAMPLES}) or an ISO time such as 2025-01-31T14:00:00Z.`,
      code: 'BAD_SINCE',
    });
  }
  if (time > now) throw new UsageError(`--since "${text}" is in the future.`, { code: 'BAD_SINCE' });
  return time;
}
