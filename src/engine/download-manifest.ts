/**
 * The download manifest: `<out>/.agentcore-claude-downloads.json` records, for each file this
 * tool wrote, the object's ETag and size and the local file's size and mtime.
 *
 * Why: a re-run must skip files that are already present and identical. For single-part uploads
 * the ETag is the MD5 of the content, so the local file is hashed and compared. Multipart ETags
 * (`<md5 of part md5s>-<parts>`) and SSE-KMS ETags are not the content's MD5; for those, the file
 * is skipped when the manifest shows this tool wrote it from an object with the same ETag and size
 * and the local file still has the size and mtime recorded then. A missing or unreadable manifest
 * only means more downloads, never a wrong skip.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/state-file.js';

export const MANIFEST_NAME = '.agentcore-claude-downloads.json';

export interface ManifestEntry {
  etag: string;
  size: number;
  mtimeMs: number;
}

export type Manifest = Record<string, ManifestEntry>;

/** `s3://bucket/key`: the manifest key of an object. */
export function manifestKey(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Read the manifest of `outDir`; an absent or damaged one reads as empty. */
export async function readManifest(outDir: string): Promise<Manifest> {
  try {
    const parsed = JSON.parse(await readFile(join(outDir, MANIFEST_NAME), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Manifest) : {};
  } catch {
    return {};
  }
}

/** Write the manifest atomically. */
export async function writeManifest(outDir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(join(outDir, MANIFEST_NAME), `${JSON.stringify(manifest)}\n`);
}

/** True for an ETag that is the MD5 of the content: 32 hex digits, no `-<parts>` suffix. */
export function isContentMd5(etag: string): boolean {
  return /^[0-9a-f]{32}$/i.test(etag);
}

/**
 * True when the local file at `path` is identical to the object (see the module comment).
 * @param entry the manifest entry for the object, if any.
 */
export async function isUpToDate(path: string, object: { size: number; etag: string }, entry?: ManifestEntry): Promise<boolean> {
  let info;
  try {
    // lstat: a symbolic link at the target is never "identical" (it is replaced by the download).
    info = await lstat(path);
  } catch {
    return false;
  }
  if (!info.isFile() || info.size !== object.size) return false;
  if (entry && entry.etag === object.etag && entry.size === object.size && entry.mtimeMs === info.mtimeMs) return true;
  if (!isContentMd5(object.etag)) return false;
  const md5 = createHash('md5').update(await readFile(path)).digest('hex');
  return md5 === object.etag.toLowerCase();
}
