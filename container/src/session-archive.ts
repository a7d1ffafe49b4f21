/**
 * Pack and unpack a runtime session's state (its workspace and its Claude config dir, which holds
 * the Claude Code transcript that `options.resume` needs) as one `.tar.gz`.
 *
 * Layout: the parts are directories under one root, named by relative paths (e.g.
 * `<id>` and `.claude-sessions/<id>` under the workspace root); archive entries keep those paths.
 *
 * Safety on restore (the archive comes from S3 and may have been tampered with): only regular
 * files and directories are extracted; an entry is refused when its path is absolute, has a drive
 * letter, a backslash, a NUL, a `..` segment, or does not start with one of the known parts.
 * Symlinks and hard links are never packed and never extracted (a link could point a later write
 * outside the session). node-tar's own protections (no `..`, no absolute paths) stay on as well.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';

export interface PackResult {
  /** Path of the `.tar.gz` written (in a fresh temp dir; the caller removes it with `cleanup`). */
  file: string;
  /** Regular files packed (all parts). */
  fileCount: number;
  cleanup(): Promise<void>;
}

/** A part is a relative directory path under the root: `/`-separated segments of `[A-Za-z0-9_.-]`, none `.` or `..`. */
const PART_SEGMENT = /^[a-zA-Z0-9_.-]+$/;

function checkParts(parts: readonly string[]): void {
  for (const part of parts) {
    const ok = part.split('/').every((segment) => PART_SEGMENT.test(segment) && segment !== '.' && segment !== '..');
    if (!ok) throw new Error(`Invalid session part "${part}"`);
  }
}

/**
 * Write `<root>/<part>` for each part into a temp `.tar.gz`. Missing parts are skipped.
 * Symlinks and anything that is not a regular file or directory are left out.
 * @throws Error when a part name is not a plain directory name.
 */
export async function packSession(root: string, parts: readonly string[]): Promise<PackResult> {
  checkParts(parts);
  const tempDir = await mkdtemp(join(tmpdir(), 'session-pack-'));
  const file = join(tempDir, 'session.tar.gz');
  const present = parts.filter((name) => existsSync(join(root, name)));
  let fileCount = 0;
  await tar.c(
    {
      gzip: true,
      file,
      portable: true,
      cwd: root,
      follow: false,
      filter: (_path, stat) => {
        if (!('isFile' in stat)) return true;
        if (stat.isFile()) fileCount += 1;
        return stat.isFile() || stat.isDirectory();
      },
    },
    present.length > 0 ? present : [],
  );
  return { file, fileCount, cleanup: () => rm(tempDir, { recursive: true, force: true }) };
}

export interface UnpackResult {
  /** Regular files written. */
  fileCount: number;
  /** Entry paths refused by the safety rules (see module doc), with the reason. */
  refused: Array<{ path: string; reason: string }>;
}

/**
 * Why an archive entry path is refused, or `undefined` when it is safe.
 * Pure; exported for tests.
 */
export function unsafeEntryReason(path: string, type: string, knownParts: readonly string[]): string | undefined {
  if (path.includes('\0')) return 'contains NUL';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.startsWith('/')) return 'absolute path';
  if (/^[a-zA-Z]:/.test(path)) return 'drive letter';
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return 'has a .. segment';
  const normalized = segments.join('/');
  if (!knownParts.some((part) => normalized === part || normalized.startsWith(`${part}/`))) return 'outside the known session parts';
  if (type !== 'File' && type !== 'OldFile' && type !== 'Directory' && type !== 'ContiguousFile') {
    return `entry type ${type} is not allowed`;
  }
  return undefined;
}

/**
 * Extract a session archive into `<root>` (created when missing). Only entries under the given
 * parts are restored; refused entries are skipped and reported, the rest is restored.
 */
export async function unpackSession(archive: string, root: string, parts: readonly string[]): Promise<UnpackResult> {
  checkParts(parts);
  const refused: UnpackResult['refused'] = [];
  let fileCount = 0;
  await mkdir(root, { recursive: true });
  await tar.x({
    file: archive,
    cwd: root,
    strict: false,
    preservePaths: false,
    filter: (path, entry) => {
      const type = 'type' in entry ? String(entry.type) : 'File';
      const reason = unsafeEntryReason(path, type, parts);
      if (reason) {
        refused.push({ path, reason });
        return false;
      }
      if (type !== 'Directory') fileCount += 1;
      return true;
    },
    onwarn: (_code, message) => refused.push({ path: '(archive)', reason: String(message) }),
  });
  return { fileCount, refused };
}
