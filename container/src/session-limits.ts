/**
 * Limits of session persistence, in one place: what a restore accepts from S3 (an attacker may
 * have written the bucket) and, so that the server never saves what it would refuse to restore,
 * what a save packs.
 *
 * Environment variables (read only by {@link sessionLimitsFromEnv}; unset or empty → default):
 * - `RESTORE_MAX_BYTES`   — total bytes of regular files a restore may write, summed over the base
 *   archive and its deltas. Default 1 GiB: a coding workspace without its rebuildable folders is far
 *   smaller, and the microVM's disk is shared by every session on it.
 * - `RESTORE_MAX_ENTRIES` — archive entries (files, directories, hard links), summed over the chain.
 *   Default 100,000: more than any source tree without `node_modules`; creating 100k files costs
 *   ~25 s on the container's overlay filesystem (the file system, not the extraction, is the cost).
 * - `RESTORE_MAX_RATIO`   — decompressed ÷ compressed bytes of one archive (node-tar's
 *   `maxDecompressionRatio`). Default 250: text compresses 3–10×, a tree of 100k one-byte files
 *   ~90×, while a gzip bomb of zeros reaches ~1000×.
 * - `RESTORE_MAX_FILE_BYTES` — size of one regular file. Default 256 MiB. A save leaves larger files
 *   (and sparse files, whose archived size is their apparent size) out and reports them.
 * - `SESSION_EXCLUDE`     — comma-separated directory names never saved, at any depth
 *   (default {@link DEFAULT_SESSION_EXCLUDE}: folders a build or install recreates). Set it to an
 *   empty value (`SESSION_EXCLUDE=`) — or `none` — to save everything.
 */

export interface SessionLimits {
  /** Total bytes of regular files (sum over the archive chain). */
  maxBytes: number;
  /** Entries (files, directories, hard links; sum over the chain). */
  maxEntries: number;
  /** Largest decompressed ÷ compressed ratio of one archive. */
  maxRatio: number;
  /** Largest regular file. */
  maxFileBytes: number;
}

export const DEFAULT_SESSION_LIMITS: Readonly<SessionLimits> = Object.freeze({
  maxBytes: 1024 ** 3,
  maxEntries: 100_000,
  maxRatio: 250,
  maxFileBytes: 256 * 1024 ** 2,
});

/** Directory names left out of a saved session by default: each is rebuilt by an install or a build. */
export const DEFAULT_SESSION_EXCLUDE: readonly string[] = Object.freeze([
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
  '.cache',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.tox',
  '.gradle',
  '.next',
  '.turbo',
  '.parcel-cache',
]);

/**
 * The limits from the environment (see the module doc), defaults for unset or empty variables.
 * @throws Error naming the variable when a value is not a positive number.
 */
export function sessionLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): SessionLimits {
  return {
    maxBytes: positive(env, 'RESTORE_MAX_BYTES', DEFAULT_SESSION_LIMITS.maxBytes),
    maxEntries: positive(env, 'RESTORE_MAX_ENTRIES', DEFAULT_SESSION_LIMITS.maxEntries),
    maxRatio: positive(env, 'RESTORE_MAX_RATIO', DEFAULT_SESSION_LIMITS.maxRatio),
    maxFileBytes: positive(env, 'RESTORE_MAX_FILE_BYTES', DEFAULT_SESSION_LIMITS.maxFileBytes),
  };
}

/** `SESSION_EXCLUDE` as a list of directory names (see the module doc). */
export function sessionExcludeFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env.SESSION_EXCLUDE;
  if (value === undefined) return [...DEFAULT_SESSION_EXCLUDE];
  if (value.trim() === '' || value.trim() === 'none') return [];
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** A session key as the store accepts it: the S3-safe directory name of the session. */
const SESSION_KEY = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * Guard for the session key the store uses in S3 keys.
 * @throws Error when `sessionId` is not 1–200 characters of `[A-Za-z0-9._-]`, or is `.`/`..`.
 */
export function assertSessionKey(sessionId: string): void {
  if (!SESSION_KEY.test(sessionId) || sessionId === '.' || sessionId === '..') {
    throw new Error(`Invalid session key "${sessionId.slice(0, 80)}": expected 1–200 characters of [A-Za-z0-9._-]`);
  }
}
