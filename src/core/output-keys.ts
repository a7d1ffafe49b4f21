/**
 * Safety of S3 object keys before they become local paths (`download`).
 *
 * Keys in the output bucket are written by the agent, so they are untrusted input: a key such as
 * `outputs/x/../../evil` or `outputs/x//etc/passwd` must never turn into a write outside the
 * directory the user chose. Every key is split on `/` and each segment is checked; a key with any
 * unsafe segment is refused as a whole (never "repaired"). Pure functions, no I/O.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { OUTPUTS_PREFIX } from '@agentcore-claude/protocol';

/** The prefix under which the agent writes each run's outputs: `outputs/<run>/<relative path>`. */
export { OUTPUTS_PREFIX } from '@agentcore-claude/protocol';

/**
 * Longest file-name segment accepted, in UTF-8 bytes. NAME_MAX is 255 bytes on Linux/macOS
 * file systems; longer names cannot be written anyway.
 */
export const MAX_SEGMENT_BYTES = 255;

export type KeyCheck =
  | { ok: true; session: string; segments: string[] }
  | { ok: false; reason: string };

/**
 * Why a single path segment is unsafe, or `undefined` when it is safe.
 * Refused: empty (from `//`, a leading `/`), `.` and `..`, backslashes (Windows separators),
 * drive letters (`C:`), NUL and other control characters, segments over {@link MAX_SEGMENT_BYTES}.
 */
export function unsafeSegmentReason(segment: string): string | undefined {
  if (segment === '') return 'empty path segment (// or a leading /)';
  if (segment === '.' || segment === '..') return `"${segment}" path segment`;
  if (segment.includes('\\')) return 'backslash in key';
  if (segment.includes('\0')) return 'NUL character in key';
  // eslint-disable-next-line no-control-regex
  if (/[\u0001-\u001f\u007f]/.test(segment)) return 'control character in key';
  if (/^[a-zA-Z]:/.test(segment)) return 'drive letter in key';
  if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) return `path segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  return undefined;
}

/**
 * Check an output object key of the form `outputs/<session>/<relative path>`.
 * @returns the session name and the relative path's segments, or the reason the key is refused.
 */
export function checkOutputKey(key: string): KeyCheck {
  if (!key.startsWith(OUTPUTS_PREFIX)) return { ok: false, reason: `not under ${OUTPUTS_PREFIX}` };
  const parts = key.slice(OUTPUTS_PREFIX.length).split('/');
  if (parts.length < 2) return { ok: false, reason: 'not inside a session folder (outputs/<session>/…)' };
  for (const part of parts) {
    const reason = unsafeSegmentReason(part);
    if (reason) return { ok: false, reason };
  }
  const [session, ...segments] = parts as [string, ...string[]];
  return { ok: true, session, segments };
}

/** True for "folder" placeholder keys (`outputs/x/dir/`, size 0) that consoles create: nothing to write. */
export function isFolderMarker(key: string, size: number): boolean {
  return key.endsWith('/') && size === 0 && !key.slice(0, -1).endsWith('/');
}

/**
 * The local path for a checked key: `<outDir>/<session>/<segments…>`, verified to stay inside
 * `outDir` after resolution (defence in depth behind {@link checkOutputKey}).
 * @throws Error when the resolved path escapes `outDir` (cannot happen for a checked key).
 */
export function localPathFor(outDir: string, session: string, segments: string[]): string {
  const root = resolve(outDir);
  const target = resolve(root, session, ...segments);
  if (!isInside(root, target)) throw new Error(`refusing path outside ${root}: ${target}`);
  return target;
}

/** True when `target` is strictly inside `root` (both absolute, resolved). */
export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
