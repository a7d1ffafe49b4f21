/**
 * A bucket in moto S3 for tests that check uploaded outputs: a real S3 client pointed at moto,
 * creation, and listing.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Moto } from './moto.js';

export interface TestBucket {
  name: string;
  client: S3Client;
  /** (Re)create the bucket, e.g. after `moto.reset()`. */
  create(): Promise<void>;
  /** Keys under `prefix`, with the prefix removed, sorted. */
  keys(prefix?: string): Promise<string[]>;
  read(key: string): Promise<string>;
  /** Size, ETag (multipart uploads end in `-<parts>"`) and user metadata of an object. */
  head(key: string): Promise<{ size: number; etag: string; metadata: Record<string, string> }>;
}

export async function createTestBucket(moto: Moto, name: string): Promise<TestBucket> {
  const client = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const bucket: TestBucket = {
    name,
    client,
    async create() {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async keys(prefix = '') {
      const out = await client.send(new ListObjectsV2Command({ Bucket: name, Prefix: prefix }));
      return (out.Contents ?? []).map((o) => (o.Key ?? '').slice(prefix.length)).sort();
    },
    async read(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: name, Key: key }));
      return out.Body!.transformToString();
    },
    async head(key) {
      const out = await client.send(new HeadObjectCommand({ Bucket: name, Key: key }));
      return { size: out.ContentLength ?? -1, etag: out.ETag ?? '', metadata: out.Metadata ?? {} };
    },
  };
  await bucket.create();
  return bucket;
}
