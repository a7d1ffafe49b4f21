/**
 * The S3 calls of `download` and `destroy`: list output objects, stream one object to a file,
 * count and delete every object version of a bucket.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type { S3Client } from '@aws-sdk/client-s3';
import type { OutputObject } from '../core/sessions.js';
import { isNotFound, translateAwsError } from './aws-errors.js';

// `require`, not `import`: Node's ESM loader scans a CommonJS package's whole index for export
// names (cjs-module-lexer, ~50 ms for client-s3), and `download` startup time counts.
const {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  paginateListObjectsV2,
} = createRequire(import.meta.url)('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');

/**
 * Every object under `prefix` (ListObjectsV2, paginated, 1,000 keys per page).
 * @throws CliError (exit 3) when the bucket is missing or not readable.
 */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<OutputObject[]> {
  return (await listing(s3, bucket, prefix)).objects;
}

/**
 * One level of the key space under `prefix` (ListObjectsV2 with Delimiter '/', paginated): the
 * "folders" (`CommonPrefixes`, e.g. `outputs/20250101_120000_ab12cd34/`) and the objects directly
 * under `prefix`. S3 returns both in UTF-8 binary order.
 * @throws CliError (exit 3) when the bucket is missing or not readable.
 */
export async function listFolders(s3: S3Client, bucket: string, prefix: string): Promise<{ folders: string[]; objects: OutputObject[] }> {
  return listing(s3, bucket, prefix, '/');
}

/** The paginated ListObjectsV2 behind {@link listObjects} and {@link listFolders}. */
async function listing(s3: S3Client, bucket: string, prefix: string, delimiter?: string): Promise<{ folders: string[]; objects: OutputObject[] }> {
  const folders: string[] = [];
  const objects: OutputObject[] = [];
  try {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix, Delimiter: delimiter })) {
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) folders.push(p.Prefix);
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        objects.push({ key: item.Key, size: item.Size ?? 0, etag: (item.ETag ?? '').replace(/"/g, ''), lastModified: item.LastModified });
      }
    }
  } catch (error) {
    if (awsNoBucket(error)) {
      throw translateAwsError(error, 's3:ListBucket', `Bucket ${bucket} does not exist`);
    }
    throw translateAwsError(error, 's3:ListBucket', `Cannot list s3://${bucket}/${prefix}`);
  }
  return { folders, objects };
}

/** An HTTP request as the SDK hands it to its HTTP handler (the parts read from it). */
export interface SentRequest {
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
  query?: Record<string, string | string[] | null>;
  headers?: Record<string, string>;
}

/** Thrown inside the middleware stack to stop a request that was only built, not to be sent. */
class BuiltOnly extends Error {
  constructor(readonly request: SentRequest) {
    super('built, not sent');
  }
}

/**
 * The GetObject request for `key` exactly as the SDK would send it (endpoint resolved, headers set,
 * signed), without sending it: a middleware at the innermost place of the stack, just before the
 * HTTP handler, captures the request and stops there. Credentials are resolved as for a real call.
 * @throws the SDK's error when the request cannot be built (e.g. no credentials).
 */
export async function builtGetObjectRequest(s3: S3Client, bucket: string, key: string): Promise<SentRequest> {
  const command = new GetObjectCommand({ Bucket: bucket, Key: key });
  command.middlewareStack.add(
    () => async (args) => {
      throw new BuiltOnly(args.request as SentRequest);
    },
    { step: 'deserialize', name: 'agentcoreClaudeBuildOnly', priority: 'low' },
  );
  try {
    await s3.send(command);
  } catch (error) {
    if (error instanceof BuiltOnly) return error.request;
    throw error;
  }
  throw new Error('GetObject was sent although it was only to be built');
}

/**
 * Stream object `key` into the file `path` (created or truncated).
 * @returns the number of bytes written.
 * @throws the SDK's or the file system's error; the caller owns cleanup of `path`.
 */
export async function downloadToFile(
  s3: S3Client,
  bucket: string,
  key: string,
  path: string,
  signal?: AbortSignal,
): Promise<number> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  const body = response.Body as Readable | undefined;
  const out = createWriteStream(path, { flags: 'w' });
  if (!body) {
    out.end();
    return 0;
  }
  let bytes = 0;
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  await pipeline(body, out, { signal });
  return bytes;
}

/** True when the bucket exists and is reachable (HeadBucket). */
export async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw translateAwsError(error, 's3:ListBucket', `Cannot read bucket ${bucket}`);
  }
}

interface VersionId {
  Key: string;
  VersionId?: string;
}

/**
 * Every object version and delete marker of a bucket (ListObjectVersions, paginated by hand: the
 * SDK has no paginator for it, its pages continue on two markers).
 */
export async function listAllVersions(s3: S3Client, bucket: string): Promise<VersionId[]> {
  const ids: VersionId[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  try {
    do {
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
      );
      for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        if (v.Key !== undefined) ids.push({ Key: v.Key, VersionId: v.VersionId ?? undefined });
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw translateAwsError(error, 's3:ListBucketVersions', `Cannot list the versions in bucket ${bucket}`);
  }
  return ids;
}

/**
 * Delete every object version and delete marker of the bucket (it stays, empty).
 * DeleteObjects takes at most 1,000 keys per call (S3 API reference).
 * @returns the number of versions and delete markers deleted (0 when the bucket is gone).
 */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<number> {
  const ids = await listAllVersions(s3, bucket);
  try {
    for (let i = 0; i < ids.length; i += 1000) {
      const result = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: ids.slice(i, i + 1000), Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(`${failed.length} objects could not be deleted (first: ${failed[0]?.Key}: ${failed[0]?.Message})`);
      }
    }
  } catch (error) {
    if (isNotFound(error)) return ids.length;
    throw translateAwsError(error, 's3:DeleteObjectVersion', `Cannot empty bucket ${bucket}`);
  }
  return ids.length;
}

/**
 * Empty the bucket (every version), then delete it. A bucket already gone counts as done.
 * @returns the number of versions and delete markers deleted.
 */
export async function deleteBucketAndContents(s3: S3Client, bucket: string): Promise<number> {
  const count = await emptyBucket(s3, bucket);
  try {
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!isNotFound(error)) throw translateAwsError(error, 's3:DeleteBucket', `Cannot delete bucket ${bucket}`);
  }
  return count;
}

function awsNoBucket(error: unknown): boolean {
  return (error as { name?: string })?.name === 'NoSuchBucket';
}
