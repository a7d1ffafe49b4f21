/**
 * The S3 calls of `deploy --artifact code`: is the package already there (HeadObject), and the
 * upload with progress (`@aws-sdk/lib-storage` Upload: multipart for large bodies, parts retried).
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
  const { HeadObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw translateAwsError(error, 's3:GetObject', `Cannot read s3://${bucket}/${key}`);
  }
}

/**
 * Upload the file at `path` to `s3://bucket/key` (multipart above 8 MiB parts, 4 at a time).
 * @param onProgress bytes sent so far and the total, in bytes.
 * @throws CliError when S3 refuses the upload (e.g. no s3:PutObject).
 */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  key: string,
  path: string,
  bytes: number,
  onProgress: (loaded: number, total: number) => void = () => undefined,
): Promise<void> {
  const { Upload } = require('@aws-sdk/lib-storage') as typeof import('@aws-sdk/lib-storage');
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: createReadStream(path), ContentType: 'application/zip', ContentLength: bytes },
    partSize: 8 * 1024 * 1024,
    queueSize: 4,
  });
  upload.on('httpUploadProgress', (progress) => onProgress(progress.loaded ?? 0, progress.total ?? bytes));
  try {
    await upload.done();
  } catch (error) {
    throw translateAwsError(error, 's3:PutObject', `Cannot upload the code package to s3://${bucket}/${key}`);
  }
}
