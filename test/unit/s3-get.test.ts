/**
 * The route of `download`'s plain GETs, read from the real SDK's own GetObject request (built and
 * signed by the SDK, never sent: no network here).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { builtGetObjectRequest } from '../../src/aws/s3.js';
import { encodeKeyPath, routeFromRequest } from '../../src/aws/s3-get.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const KEYS = [
  'outputs/s/plain.txt',
  'outputs/s/with space.txt',
  'outputs/s/ünïcödé/日本語 ファイル.md',
  'outputs/s/e\u0301-decomposed.txt',
  "outputs/s/sub+delims=&;,$!'()*@:.txt",
  'outputs/s/percent%20literal%2F.txt',
  'outputs/s/brackets[]{}^`|"<>#?~.txt',
];

describe('encodeKeyPath', () => {
  it.each(KEYS)('writes %s into the path exactly as the SDK writes GetObject’s key', async (key) => {
    const s3 = new S3Client({ region: 'eu-west-1', credentials });
    const request = await builtGetObjectRequest(s3, 'my-bucket', key);
    expect(request.path).toBe(`/${encodeKeyPath(key)}`);
  });
});

describe('routeFromRequest', () => {
  it('virtual-hosted bucket on AWS: host, base path, signing scope and the x-id query', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', credentials });
    const route = routeFromRequest(await builtGetObjectRequest(s3, 'my-bucket', KEYS[2]!), KEYS[2]!);
    expect(route).toEqual({
      protocol: 'https:',
      hostname: 'my-bucket.s3.eu-west-1.amazonaws.com',
      basePath: '/',
      query: { 'x-id': 'GetObject' },
      signingRegion: 'eu-west-1',
      signingService: 's3',
    });
  });

  it('path-style endpoint (an emulator): the bucket is the first path segment', async () => {
    const s3 = new S3Client({ region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:4566', forcePathStyle: true });
    const route = routeFromRequest(await builtGetObjectRequest(s3, 'my-bucket', KEYS[1]!), KEYS[1]!);
    expect(route).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', port: 4566, basePath: '/my-bucket/', signingRegion: 'us-east-1' });
  });

  it('no route (GetObject for every object) for anything but a plain SigV4 GET of that key', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', credentials });
    const request = await builtGetObjectRequest(s3, 'my-bucket', KEYS[0]!);
    expect(routeFromRequest(request, KEYS[0]!)).toBeDefined();
    expect(routeFromRequest(request, 'outputs/s/other.txt')).toBeUndefined();
    const headers = request.headers ?? {};
    expect(routeFromRequest({ ...request, headers: { ...headers, authorization: 'AWS4-ECDSA-P256-SHA256 Credential=AKID/20250101/s3/aws4_request, SignedHeaders=host, Signature=0' } }, KEYS[0]!)).toBeUndefined();
    expect(routeFromRequest({ ...request, headers: { ...headers, 'x-amz-s3session-token': 'token' } }, KEYS[0]!)).toBeUndefined();
    expect(routeFromRequest({ ...request, query: { ...request.query, versionId: 'v1' } }, KEYS[0]!)).toBeUndefined();
  });
});
