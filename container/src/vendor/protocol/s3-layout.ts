// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.
/**
 * Where the agent keeps things in the deployment's output bucket (pure constants and naming):
 * - `outputs/<YYYYMMDD_HHMMSS>_<id8>/…` — one invocation's output files ({@link outputPrefix});
 * - `sessions/<name>.json` (record), `sessions/<name>.tar.gz` (base archive),
 *   `sessions/<name>/delta-…` (delta archives) — a saved runtime session;
 * - `runs/<name>.json` — the session's latest run status;
 * where `<name>` is the session's directory name (container/src/workspace.ts `sessionDirName`).
 */

/** Key prefix of invocation outputs. */
export const OUTPUTS_PREFIX = 'outputs/';
/** Key prefix of saved sessions. */
export const SESSIONS_PREFIX = 'sessions/';
/** Key prefix of run status documents. */
export const RUNS_PREFIX = 'runs/';

/** `YYYYMMDD_HHMMSS` of `date` in UTC. */
export function utcStamp(date: Date): string {
  const iso = date.toISOString(); // 2026-11-21T19:30:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/**
 * The key prefix (with trailing `/`) for one invocation's outputs: `outputs/YYYYMMDD_HHMMSS_<id8>/`,
 * the invocation's start in UTC and the first 8 alphanumerics of its id (two invocations starting
 * in the same second never mix their outputs; prefixes still sort by time).
 * @param invocationId a UUID or other id with at least 8 alphanumeric characters.
 * @throws Error when the id has fewer than 8 alphanumeric characters.
 */
export function outputPrefix(startedAt: Date, invocationId: string): string {
  const id = invocationId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toLowerCase();
  if (id.length < 8) throw new Error(`invocation id too short for a unique prefix: "${invocationId}"`);
  return `${OUTPUTS_PREFIX}${utcStamp(startedAt)}_${id}/`;
}
