/**
 * Durations for the runtime's `lifecycleConfiguration` (`deploy --idle-timeout`, `--max-lifetime`).
 */
import { UsageError } from './errors.js';

/** Bounds of `idleRuntimeSessionTimeout` and `maxLifetime` in seconds (AgentCore LifecycleConfiguration). */
export const LIFECYCLE_MIN_SECONDS = 60;
export const LIFECYCLE_MAX_SECONDS = 28_800;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * Parse a duration: a number of seconds (`900`, or a number from the config file), or a number with
 * unit `s`, `m`, `h`, combinable (`15m`, `1h30m`, `90s`).
 * @returns whole seconds.
 * @throws UsageError naming `flag` when the text is not a duration or not a whole number of seconds.
 */
export function parseDuration(value: string | number, flag: string): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value > 0) return value;
  } else {
    const text = value.trim().toLowerCase();
    if (/^\d+$/.test(text) && Number(text) > 0) return Number(text);
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smh])/g)];
    if (parts.length > 0 && parts.map((p) => p[0]).join('') === text) {
      const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
      if (Number.isInteger(seconds) && seconds > 0) return seconds;
    }
  }
  throw new UsageError(`${flag} must be a duration like 900, 15m or 1h30m, got "${value}".`, { code: 'BAD_DURATION' });
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
