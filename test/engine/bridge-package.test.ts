/**
 * The Lambda bridge's code package against moto S3 with the real S3 client: the zip's shape and
 * determinism, its content-addressed key, the upload (with the object version in a versioned
 * bucket, none in an unversioned one), and no second upload for the same bundle.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_KEY_PREFIX, bridgePackageKey, publishBridge, zipBridge } from '../../src/engine/bridge-package.js';
import { REPO_ROOT } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { eachEntry } from '../support/unzip.js';

let moto: Moto;
let s3: S3Client;
let work: string;
const BUNDLE = join(REPO_ROOT, 'dist/lambda/bridge.cjs');

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  work = mkdtempSync(join(tmpdir(), 'bridge-package-'));
  await s3.send(new CreateBucketCommand({ Bucket: 'versioned' }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
});
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const versionsOf = async (bucket: string) => (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: BRIDGE_KEY_PREFIX }))).Versions ?? [];

describe('bridge package', () => {
  it('is one index.js (mode 0644) holding the bundle, the same bytes every time', async () => {
    const bundle = readFileSync(BUNDLE);
    const [a, b] = [await zipBridge(bundle), await zipBridge(bundle)];
    try {
      expect(sha256(readFileSync(a.zipPath))).toBe(sha256(readFileSync(b.zipPath)));
      const entries: Array<{ name: string; mode: number; content: Buffer }> = [];
      await eachEntry(a.zipPath, async (entry, content) => void entries.push({ name: entry.name, mode: entry.mode, content: await content() }));
      expect(entries.map(({ name, mode }) => ({ name, mode }))).toEqual([{ name: 'index.js', mode: 0o100644 }]);
      expect(entries[0]!.content.equals(bundle)).toBe(true);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });

  it('is keyed by its content: lambda/api-bridge-<tag>.zip, a new key for one changed byte', () => {
    const bundle = readFileSync(BUNDLE);
    const key = bridgePackageKey(bundle);
    expect(key).toMatch(/^lambda\/api-bridge-c-[0-9a-f]{20}\.zip$/);
    expect(bridgePackageKey(Buffer.from(bundle))).toBe(key);
    const changed = Buffer.from(bundle);
    changed[changed.length - 1]! ^= 1;
    expect(bridgePackageKey(changed)).not.toBe(key);
  });

  it('uploads once to a versioned bucket and names the object version; the same bundle again uploads nothing', async () => {
    const first = await publishBridge(s3, 'versioned', BUNDLE);
    expect(first.uploadedBytes).toBeGreaterThan(100_000);
    expect(first.versionId).not.toBe('');
    const [version] = await versionsOf('versioned');
    expect(version).toMatchObject({ Key: first.key, VersionId: first.versionId, IsLatest: true });
    const stored = await s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: first.key, VersionId: first.versionId }));
    const bytes = await stored.Body!.transformToByteArray();
    expect(bytes.length).toBe(first.uploadedBytes);
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('PK\x03\x04'); // a zip

    const again = await publishBridge(s3, 'versioned', BUNDLE);
    expect(again).toEqual({ bucket: 'versioned', key: first.key, versionId: first.versionId });
    expect(await versionsOf('versioned')).toHaveLength(1);
  });

  it('gives an empty version in a bucket without versioning (the template then leaves S3ObjectVersion out)', async () => {
    const published = await publishBridge(s3, 'plain', BUNDLE);
    expect(published).toMatchObject({ bucket: 'plain', versionId: '', uploadedBytes: expect.any(Number) });
  });

  it('says to build first when the bundle is missing, and uploads nothing', async () => {
    const before = await versionsOf('plain');
    await expect(publishBridge(s3, 'plain', join(work, 'nope.cjs'))).rejects.toMatchObject({ code: 'NO_BRIDGE_BUNDLE', hint: expect.stringContaining('npm run build') });
    expect(await versionsOf('plain')).toEqual(before);
  });
});
