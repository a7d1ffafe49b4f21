/**
 * Image tags from the build context's content: the same sources always give the same tag, one
 * changed byte gives a new one (the original scripts pushed `:latest`, and runtimes kept running
 * old images).
 */
import { createHash } from 'node:crypto';

/** One file of a build context: POSIX path relative to the context root, and its bytes. */
export interface ContextFile {
  path: string;
  content: Uint8Array | string;
  /** POSIX mode (type and permission bits), when the reader was asked for it; not part of the tag. */
  mode?: number;
}

/** Directories never part of the tag (local install/build output, not sources). */
export const ALWAYS_EXCLUDED_DIRS = ['node_modules', 'dist', '.git'];

/** Length in hex characters of the digest part of a content tag. */
export const CONTENT_TAG_HEX = 20;

/**
 * The content tag of a set of files: `c-` + the first 20 hex characters of a SHA-256 over each
 * file's path and content, in path order (so the order of `files` does not matter). Valid as an
 * ECR image tag (`[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}`).
 */
export function contentTag(files: readonly ContextFile[]): string {
  const hash = createHash('sha256');
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    const bytes = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
    hash.update(`${file.path}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return `c-${hash.digest('hex').slice(0, CONTENT_TAG_HEX)}`;
}

/** True when a relative POSIX path lies inside one of {@link ALWAYS_EXCLUDED_DIRS} (at any depth). */
export function isAlwaysExcluded(path: string): boolean {
  return path.split('/').some((part) => ALWAYS_EXCLUDED_DIRS.includes(part));
}
