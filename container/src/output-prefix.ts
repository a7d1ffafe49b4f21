/**
 * S3 key naming for uploaded outputs.
 *
 * Each invocation uploads under its own prefix `outputs/YYYYMMDD_HHMMSS_<id8>/` where the time is
 * the invocation's start in UTC (the original scripts' `outputs/YYYYMMDD_HHMMSS/`) and `<id8>` is
 * the first 8 hex digits of the invocation id (a random UUID). The suffix keeps two invocations
 * that start in the same second — in one container or in many — from mixing their outputs, while
 * prefixes still sort by time.
 */
import { sep } from 'node:path';

/** `YYYYMMDD_HHMMSS` of `date` in UTC. */
export function utcStamp(date: Date): string {
  const iso = date.toISOString(); // 2026-11-21T19:30:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/**
 * The key prefix (with trailing `/`) for one invocation's outputs.
 * @param invocationId a UUID or other id with at least 8 alphanumeric characters.
 */
export function outputPrefix(startedAt: Date, invocationId: string): string {
  const id = invocationId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toLowerCase();
  if (id.length < 8) throw new Error(`invocation id too short for a unique prefix: "${invocationId}"`);
  return `outputs/${utcStamp(startedAt)}_${id}/`;
}

/** The object key of a workspace file: prefix + its relative path (platform separators become `/`). */
export function objectKey(prefix: string, relativePath: string): string {
  return prefix + relativePath.split(sep).join('/');
}

/** The S3 console page of one object (the original scripts' `console_url`). */
export function consoleUrl(bucket: string, key: string, region: string): string {
  return `https://s3.console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?region=${encodeURIComponent(region)}&prefix=${encodeURIComponent(key)}`;
}
