/**
 * The S3 calls of `deploy --artifact code` and of the HTTP API's Lambda bridge package: is the
 * package already there (HeadObject, with its version), and the upload with progress (`@aws-sdk/lib-storage` Upload: multipart for large bodies, parts retried).
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type { S3Client } from '@aws-sdk/client-s3';
import { isNotFound, translateAwsError } from './aws-errors.js';

const require = createRequire(import.meta.url);

/**
 * True when `s3://bucket/key` exists (HeadObject).
 * @throws CliError when S3 refuses the call for another reason than "not found".
 */
export async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  return (await headObject(s3, bucket, key)) !== undefined;
}

/**
 * The current version of `s3://bucket/key` (HeadObject), or undefined when there is none (no such
 * key, or a delete marker on top). `versionId` is undefined in a bucket without versioning.
 * @throws CliError when S3 refuses the call for another reason than "not found".
 */
export async function headObject(s3: S3Client, bucket: string, key: string): Promise<{ versionId?: string } | undefined> {
  const { HeadObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { versionId: head.VersionId };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateAwsError(error, 's3:GetObject', `Cannot read s3://${bucket}/${key}`);
  }
}

/**
 * Upload the file at `path` to `s3://bucket/key` (multipart above 8 MiB parts, 4 at a time).
 * @param onProgress bytes sent so far and the total, in bytes.
 * @returns the new object's version id (undefined in a bucket without versioning).
 * @throws CliError when S3 refuses the upload (e.g. no s3:PutObject).
 */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  key: string,
  path: string,
  bytes: number,
  onProgress: (loaded: number, total: number) => void = () => undefined,
): Promise<{ versionId?: string }> {
  const { Upload } = require('@aws-sdk/lib-storage') as typeof import('@aws-sdk/lib-storage');
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: createReadStream(path), ContentType: 'application/zip', ContentLength: bytes },
    partSize: 8 * 1024 * 1024,
    queueSize: 4,
  });
  upload.on('httpUploadProgress', (progress) => onProgress(progress.loaded ?? 0, progress.total ?? bytes));
  try {
    const done = await upload.done();
    return { versionId: done.VersionId };
  } catch (error) {
    throw translateAwsError(error, 's3:PutObject', `Cannot upload the code package to s3://${bucket}/${key}`);
  }
}
