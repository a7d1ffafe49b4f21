import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isContentMd5, isUpToDate, readManifest, writeManifest } from '../../src/engine/download-manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'f.txt');
writeFileSync(file, 'hello');
const md5 = createHash('md5').update('hello').digest('hex');

describe('isUpToDate', () => {
  it('single-part ETag: same size and MD5 → identical; different content → not', async () => {
    expect(await isUpToDate(file, { size: 5, etag: md5 })).toBe(true);
    expect(await isUpToDate(file, { size: 5, etag: createHash('md5').update('HELLO').digest('hex') })).toBe(false);
    expect(await isUpToDate(file, { size: 6, etag: md5 })).toBe(false);
    expect(await isUpToDate(join(dir, 'missing'), { size: 5, etag: md5 })).toBe(false);
  });
  it('multipart ETag: identical only with a matching manifest entry (etag, size, mtime)', async () => {
    const etag = `${'a'.repeat(32)}-3`;
    const { mtimeMs } = statSync(file);
    expect(await isUpToDate(file, { size: 5, etag })).toBe(false);
    expect(await isUpToDate(file, { size: 5, etag }, { etag, size: 5, mtimeMs })).toBe(true);
    expect(await isUpToDate(file, { size: 5, etag }, { etag, size: 5, mtimeMs: mtimeMs - 1 })).toBe(false);
    expect(await isUpToDate(file, { size: 5, etag }, { etag: `${'b'.repeat(32)}-3`, size: 5, mtimeMs })).toBe(false);
  });
  it('tells content MD5 ETags from multipart ones', () => {
    expect(isContentMd5(md5)).toBe(true);
    expect(isContentMd5(`${md5}-2`)).toBe(false);
  });
});

describe('manifest file', () => {
  it('round-trips and reads a damaged file as empty', async () => {
    await writeManifest(dir, { 's3://b/k': { etag: 'e', size: 1, mtimeMs: 2 } });
    expect(await readManifest(dir)).toEqual({ 's3://b/k': { etag: 'e', size: 1, mtimeMs: 2 } });
    writeFileSync(join(dir, '.agentcore-claude-downloads.json'), '{broken');
    expect(await readManifest(dir)).toEqual({});
  });
});
