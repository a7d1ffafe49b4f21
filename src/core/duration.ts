/**
 * The one duration grammar of every flag and config key that takes a duration (`invoke --timeout`,
 * `status --timeout`, `deploy --timeout`, `--idle-timeout`, `--max-lifetime`, `logs --since`):
 *
 * - one or more `<number><unit>` parts, written together: `90s`, `15m`, `1h30m`, `1.5h`, `2d`, `500ms`;
 * - units `ms`, `s`, `m` (minutes), `h`, `d` (24 h), `w` (7 d), case-insensitive;
 * - a bare number is **seconds** (`900` = 15 min; also a number in `agentcore-claude.yaml`);
 * - the total must be positive; leading and trailing spaces are ignored, inner ones are not allowed.
 *
 * Pure. `logs --since` also accepts a time (`src/core/log-since.ts`).
 */
import { UsageError } from './errors.js';

/** Bounds of `idleRuntimeSessionTimeout` and `maxLifetime` in seconds (AgentCore LifecycleConfiguration). */
export const LIFECYCLE_MIN_SECONDS = 60;
export const LIFECYCLE_MAX_SECONDS = 28_800;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/** The grammar's examples, for error messages and help. */
export const DURATION_EXAMPLES = '90s, 15m, 1h30m, 2d, or seconds: 900';

/**
 * Read a duration in the grammar above.
 * @returns milliseconds (rounded to a whole number), or undefined when `value` is not a positive duration.
 */
export function durationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
  const text = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return durationMs(Number(text));
  let total = 0;
  let end = 0;
  for (const part of text.matchAll(PART)) {
    total += Number(part[1]) * UNIT_MS[part[2] as keyof typeof UNIT_MS];
    end = part.index + part[0].length;
  }
  if (end === 0 || end !== text.length || !(total > 0)) return undefined;
  return Math.round(total);
}

/**
 * The longest timeout a flag may ask for: Node's timers (and `AbortSignal.timeout`) take a 32-bit
 * signed number of milliseconds and fire at once beyond it (Node docs, `setTimeout`: "When delay is
 * larger than 2147483647 … the delay will be set to 1"). ≈ 24.8 days.
 */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Parse a duration flag or config value that bounds a wait (`--timeout`).
 * @returns milliseconds, at most {@link MAX_TIMEOUT_MS}.
 * @throws UsageError (`BAD_DURATION`) naming `flag` when the value is not a positive duration or is longer.
 */
export function parseDurationMs(value: string | number, flag: string): number {
  const ms = durationMs(value);
  if (ms === undefined) {
    throw new UsageError(`${flag} must be a duration like ${DURATION_EXAMPLES}, got "${value}".`, { code: 'BAD_DURATION' });
  }
  if (ms > MAX_TIMEOUT_MS) throw new UsageError(`${flag} must be at most 24 days, got "${value}".`, { code: 'BAD_DURATION' });
  return ms;
}

/**
 * Parse a duration that an AWS API takes in whole seconds (the runtime's lifecycle settings).
 * @returns whole seconds.
 * @throws UsageError (`BAD_DURATION`) naming `flag` when the value is not a duration or not whole seconds.
 */
export function parseDuration(value: string | number, flag: string): number {
  const ms = parseDurationMs(value, flag);
  if (ms % 1000 !== 0) throw new UsageError(`${flag} must be a whole number of seconds, got "${value}".`, { code: 'BAD_DURATION' });
  return ms / 1000;
}

export interface LifecycleSettings {
  /** Seconds; AgentCore default 900. */
  idleRuntimeSessionTimeout?: number;
  /** Seconds; AgentCore default 28800. */
  maxLifetime?: number;
}

/**
 * Validate and convert `--idle-timeout` / `--max-lifetime` into a LifecycleConfiguration.
 * Each must be within 60–28800 s, and the idle timeout must not exceed the max lifetime (AgentCore
 * LifecycleConfiguration constraints; when only one is given, the other's AgentCore default
 * — 900 s idle, 28800 s lifetime — is used for the comparison).
 * @returns undefined when neither is set (AgentCore defaults apply).
 * @throws UsageError naming the flag.
 */
export function lifecycleFromSettings(idle?: string | number, max?: string | number): LifecycleSettings | undefined {
  if (idle === undefined && max === undefined) return undefined;
  const out: LifecycleSettings = {};
  if (idle !== undefined) out.idleRuntimeSessionTimeout = inRange(parseDuration(idle, '--idle-timeout'), '--idle-timeout');
  if (max !== undefined) out.maxLifetime = inRange(parseDuration(max, '--max-lifetime'), '--max-lifetime');
  const effectiveIdle = out.idleRuntimeSessionTimeout ?? 900;
  const effectiveMax = out.maxLifetime ?? LIFECYCLE_MAX_SECONDS;
  if (effectiveIdle > effectiveMax) {
    throw new UsageError(`--idle-timeout (${effectiveIdle} s) must not exceed --max-lifetime (${effectiveMax} s).`, {
      hint: 'Lower --idle-timeout or raise --max-lifetime.',
      code: 'BAD_DURATION',
    });
  }
  return out;
}

function inRange(seconds: number, flag: string): number {
  if (seconds < LIFECYCLE_MIN_SECONDS || seconds > LIFECYCLE_MAX_SECONDS) {
    throw new UsageError(`${flag} must be between 60 s and 8 h (28800 s), got ${seconds} s.`, { code: 'BAD_DURATION' });
  }
  return seconds;
}
