/**
 * Helpers for the hostile suites: the encodings a secret can leak in, a scan of every object in a
 * bucket (session archives decompressed), and the root-only set-up of an isolated agent user.
 */
import { chmodSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { TestBucket } from './s3-bucket.js';

/** The four encodings of a secret the server must never let out: raw, JSON-escaped, URL-encoded, base64. */
export function encodings(secret: string): Record<string, string> {
  return {
    raw: secret,
    json: JSON.stringify(secret).slice(1, -1),
    url: encodeURIComponent(secret),
    base64: Buffer.from(secret).toString('base64').replace(/=+$/, ''),
  };
}

/** Every (secret name, encoding) found in `text`, as `NAME/encoding` strings. */
export function leaks(text: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const [encoding, form] of Object.entries(encodings(secret))) if (text.includes(form)) found.push(`${name}/${encoding}`);
  }
  return found;
}

/** Every object of the bucket as text (gzip objects decompressed), keyed by object key. */
export async function bucketContents(bucket: TestBucket): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const listed = await bucket.client.send(new ListObjectsV2Command({ Bucket: bucket.name }));
  for (const object of listed.Contents ?? []) {
    const got = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.name, Key: object.Key! }));
    let bytes = Buffer.from(await got.Body!.transformToByteArray());
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    out.set(object.Key!, bytes.toString('latin1'));
  }
  return out;
}

/** True when the tests run as root (CI does): the only case where the agent can get its own user. */
export const IS_ROOT = process.getuid?.() === 0;

/**
 * Let an unprivileged user reach `path`: add o+x to every ancestor directory that lacks it (temp
 * directories are 0700). Test set-up only, as root.
 */
export function makeReachable(path: string): void {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o011);
  }
}

/** Deterministic PRNG (mulberry32): a seeded source in [0, 1) for reproducible hostile inputs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
