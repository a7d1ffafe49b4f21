/**
 * Upload of an invocation's changed files to S3 with `@aws-sdk/lib-storage` (multipart above
 * 5 MiB parts), several files at a time. A failed upload never throws: it is reported in
 * `errors` and the file stays on disk.
 */
import { constants } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { consoleUrl, objectKey } from './output-prefix.js';
import type { UploadError } from './vendor/protocol/reply.js';
import type { ChangedFile } from './workspace.js';

/** Files uploaded at once. */
export const UPLOAD_CONCURRENCY = 4;

export interface UploadedFile {
  file_name: string;
  s3_url: string;
  console_url: string;
  size: number;
}

export type { UploadError } from './vendor/protocol/reply.js';

export interface UploadTarget {
  client: S3Client;
  bucket: string;
  region: string;
  /** Key prefix with trailing `/`, see `outputPrefix`. */
  prefix: string;
  /** S3 object metadata set on every object (e.g. the runtime session id). */
  metadata?: Record<string, string>;
  /** The S3 client's request (idle) timeout, ms: deadlines derive from it (default {@link DEFAULT_S3_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** Default S3 request timeout without progress (`S3_TIMEOUT_MS`), ms. */
export const DEFAULT_S3_TIMEOUT_MS = 30_000;

/**
 * Upload `files` under `target.prefix` (each at `file.key` when given, else its relative path);
 * results keep the order of `files` and are named by that key.
 *
 * Each file is opened once with `O_NOFOLLOW` and uploaded from that descriptor only when the
 * descriptor's real path is exactly `absolutePath`: a file the agent swapped for a symlink (or a
 * directory on its path) is refused, never read through.
 */
export async function uploadFiles(files: Array<ChangedFile & { key?: string }>, target: UploadTarget, signal?: AbortSignal): Promise<{ uploaded: UploadedFile[]; errors: UploadError[] }> {
  const results: Array<UploadedFile | UploadError> = new Array(files.length);
  await runPool(files.length, UPLOAD_CONCURRENCY, async (i) => {
    const file = files[i]!;
    const name = file.key ?? file.relativePath;
    const key = objectKey(target.prefix, name);
    try {
      const handle = await open(file.absolutePath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      const real = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => file.absolutePath);
      if (real !== file.absolutePath || !(await handle.stat()).isFile()) {
        await handle.close();
        throw new Error('not a regular file at its path (moved or replaced by a link during the run)');
      }
      const upload = new Upload({
        client: target.client,
        params: { Bucket: target.bucket, Key: key, Body: handle.createReadStream({ autoClose: true }), Metadata: target.metadata },
        queueSize: 2,
      });
      // An S3 that trickles its answers is never idle, so the idle timeout alone would never fire.
      const deadline = AbortSignal.timeout(uploadDeadlineMs(file.size, target.timeoutMs));
      for (const s of signal ? [signal, deadline] : [deadline]) s.addEventListener('abort', () => void upload.abort(), { once: true });
      await upload.done();
      results[i] = {
        file_name: name,
        s3_url: `s3://${target.bucket}/${key}`,
        console_url: consoleUrl(target.bucket, key, target.region),
        size: file.size,
      };
    } catch (error) {
      results[i] = { file_name: name, error: describe(error) };
    }
  });
  const uploaded = results.filter((r): r is UploadedFile => 's3_url' in r);
  const errors = results.filter((r): r is UploadError => 'error' in r);
  return { uploaded, errors };
}

/**
 * Longest one file's upload may take: three S3 request timeouts plus 4 s per MiB (a floor of
 * 256 KiB/s), whatever S3 does — a trickle is never idle, so the idle timeout alone never fires.
 */
export function uploadDeadlineMs(size: number, timeoutMs = DEFAULT_S3_TIMEOUT_MS): number {
  return 3 * timeoutMs + Math.ceil(size / (256 * 1024)) * 1000;
}

/** Run `task(0…count-1)` with at most `limit` running at once. */
export async function runPool(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { Code?: string; name: string }).Code ?? error.name;
    return code && code !== 'Error' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
