/**
 * S3 key naming for uploaded outputs: each invocation uploads under its own prefix
 * `outputs/YYYYMMDD_HHMMSS_<id8>/` (the protocol's `outputPrefix`, vendor/protocol/s3-layout.ts);
 * here, the object key of a workspace file and the console link.
 */
import { sep } from 'node:path';

export { outputPrefix, utcStamp } from './vendor/protocol/s3-layout.js';

/** The object key of a workspace file: prefix + its relative path (platform separators become `/`). */
export function objectKey(prefix: string, relativePath: string): string {
  return prefix + relativePath.split(sep).join('/');
}

/** The S3 console page of one object (the original scripts' `console_url`). */
export function consoleUrl(bucket: string, key: string, region: string): string {
  return `https://s3.console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?region=${encodeURIComponent(region)}&prefix=${encodeURIComponent(key)}`;
}
