/**
 * `download`'s plain signed GETs (src/aws/s3-get.ts) against a moto_server that CHECKS signatures
 * and IAM policies: after INITIAL_NO_AUTH_ACTION_COUNT requests, moto recomputes every request's
 * SigV4 signature (botocore's S3SigV4Auth) for the access key it issued and evaluates the user's
 * policy. So a key whose path is encoded or signed differently from what S3 expects is rejected
 * (403), and the counts of plain GETs vs GetObject calls show it.
 *
 * moto 5.2.1 gap: in this mode it rejects the SDK's own ListObjectsV2 with a `prefix` query
 * (SignatureDoesNotMatch; GetObject and HeadObject verify fine), so the bucket is listed once
 * while moto is not yet checking, and the tests download from that listing.
 *
 * The engine is called in process (real AwsClients, real moto) because the counts are not part of
 * the CLI's output.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { resolveConfig } from '../../src/core/config.js';
import { downloadSessions, listSessions } from '../../src/engine/download.js';
import type { OpsContext } from '../../src/engine/target.js';
import type { OutputSession } from '../../src/core/sessions.js';
import { IoHost } from '../../src/io/host.js';
import { Recorder } from '../support/deploy-context.js';
import { startMoto, type Moto } from '../support/moto.js';

const BUCKET = 'plain-get-test';
const SIGNED = '20250105_120000_signed';
const ODD = '20250104_120000_odd';
const GUARDED = '20250106_120000_guarded';
/** Keys whose path encoding matters: spaces, unicode (NFC and NFD), reserved and sub-delim characters. */
/**
 * Keys whose signature moto can check: it verifies with botocore after decoding the path, which
 * agrees with S3 (and the SDK) for a space, `#`, `?` or `~` in a key, but not for other
 * reserved characters, non-ASCII or some combinations (moto 5.2.1 then refuses the SDK's own
 * GetObject too).
 */
const SIGNED_FILES: Record<string, string> = {
  'with space.txt': 'space',
  'dir with space/file.txt': 'dir space',
  'hash#x.txt': 'hash',
  'tilde~x.txt': 'tilde',
  'question?x.txt': 'question',
  'plain/nested/file.txt': 'nested',
};
/** Keys moto cannot check signatures for: fetched from a moto that does not check, by content. */
const ODD_FILES: Record<string, string> = {
  'ünïcödé/日本語 ファイル.md': 'unicode',
  'e\u0301-decomposed.txt': 'nfd',
  "sub+delims=&;,$!'()*@.txt": 'subdelims',
  'percent%20literal%2F.txt': 'percent',
  'brackets[]{}^`|"<>.txt': 'others',
};
const GUARDED_FILES: Record<string, string> = { 'a.txt': 'a', 'denied.txt': 'secret', 'b.txt': 'b', 'c.txt': 'c' };
const inSession = (session: string, files: Record<string, string>): Array<[string, string]> => Object.entries(files).map(([path, body]) => [`outputs/${session}/${path}`, body] as [string, string]);
const objects = Object.fromEntries([...inSession(SIGNED, SIGNED_FILES), ...inSession(GUARDED, GUARDED_FILES)]);
/** The requests made before moto starts checking: CreateUser, CreateAccessKey, PutUserPolicy, CreateBucket, one PutObject per object, one listing. */
const UNCHECKED = 4 + Object.keys(objects).length + 1;

let moto: Moto;
/** A second moto_server that does not check signatures, for the keys moto cannot check. */
let plainMoto: Moto;
let keys: { accessKeyId: string; secretAccessKey: string };
let listed: OutputSession[];
const saved = { ...process.env };
const dirs: string[] = [];

beforeAll(async () => {
  moto = await startMoto({ env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: String(UNCHECKED) } as Record<string, string> });
  Object.assign(process.env, moto.env);
  const config = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  await iam({ Action: 'CreateUser', UserName: 'downloader' });
  const created = await iam({ Action: 'CreateAccessKey', UserName: 'downloader' });
  keys = { accessKeyId: /<AccessKeyId>([^<]+)</.exec(created)![1]!, secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(created)![1]! };
  await iam({
    Action: 'PutUserPolicy',
    UserName: 'downloader',
    PolicyName: 'outputs',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/outputs/${GUARDED}/denied.txt` },
      ],
    }),
  });
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const [Key, Body] of Object.entries(objects)) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  listed = (await listSessions(context(), BUCKET)).sessions;
  plainMoto = await startMoto();
  const plainS3 = new S3Client({ ...config, endpoint: plainMoto.endpoint, forcePathStyle: true });
  await plainS3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const [Key, Body] of inSession(ODD, ODD_FILES)) await plainS3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
}, 60_000);

/**
 * One IAM Query API call (no IAM client in this project's dependencies); moto does not check these
 * (they are among the first UNCHECKED requests) and routes them by the credential scope's service.
 */
async function iam(params: Record<string, string>): Promise<string> {
  const response = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Version: '2010-05-08', ...params }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`IAM ${params.Action}: HTTP ${response.status} ${text}`);
  return text;
}

afterAll(async () => {
  process.env = saved;
  await moto?.stop();
  await plainMoto?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An engine context with the IAM user's keys (or others), pointed at moto by AWS_ENDPOINT_URL. */
function context(credentials = keys): OpsContext & { stderr: Recorder } {
  const stderr = new Recorder();
  const io = new IoHost({ stdout: new Recorder(), stderr, stdin: { isTTY: false } as NodeJS.ReadStream, env: { CI: 'true' } });
  const aws = new AwsClients({ region: 'us-east-1', credentials: async () => credentials, maxAttempts: 1 });
  return { io, config: resolveConfig({ flags: { region: 'us-east-1' } }), statePath: '', state: undefined, cwd: process.cwd(), aws: () => aws, stderr };
}

async function download(session: string, options: { plainGets?: boolean } = {}) {
  const ctx = context();
  const out = mkdtempSync(join(tmpdir(), 'plain-get-'));
  dirs.push(out);
  const chosen = listed.filter((s) => s.name === session);
  expect(chosen).toHaveLength(1);
  const result = await downloadSessions(ctx, BUCKET, chosen, [], { out, ...options });
  return { ...result, out, stderr: ctx.stderr.text };
}

function partFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.part'));
}

describe('plain signed GETs against a signature-checking moto', () => {
  it('moto really checks signatures: GetObject signed with a wrong secret key is refused', async () => {
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `outputs/${GUARDED}/a.txt` }))).rejects.toThrow(/signature/i);
  });

  it('signs keys with spaces, `#`, `?` and `~` as S3 expects: every object by plain GET', async () => {
    const result = await download(SIGNED);
    expect(result.failed).toEqual([]);
    expect(result.gets).toEqual({ raw: Object.keys(SIGNED_FILES).length, sdk: 0 });
    for (const [path, body] of Object.entries(SIGNED_FILES)) {
      expect(readFileSync(join(result.out, SIGNED, ...path.split('/')), 'utf8'), path).toBe(body);
    }
    expect(partFiles(result.out)).toEqual([]);
  });

  it('fetches keys with unicode and reserved characters by plain GET, each the right object', async () => {
    process.env.AWS_ENDPOINT_URL = plainMoto.endpoint;
    try {
      const ctx = context({ accessKeyId: 'test', secretAccessKey: 'test' });
      const chosen = (await listSessions(ctx, BUCKET)).sessions.filter((s) => s.name === ODD);
      const out = mkdtempSync(join(tmpdir(), 'plain-get-'));
      dirs.push(out);
      const result = await downloadSessions(ctx, BUCKET, chosen, [], { out });
      expect(result.failed).toEqual([]);
      expect(result.gets).toEqual({ raw: Object.keys(ODD_FILES).length, sdk: 0 });
      for (const [path, body] of Object.entries(ODD_FILES)) expect(readFileSync(join(out, ODD, ...path.split('/')), 'utf8'), path).toBe(body);
    } finally {
      process.env.AWS_ENDPOINT_URL = moto.endpoint;
    }
  });

  it('a plain GET that is refused (403) falls back to GetObject, whose error is reported; the rest still downloads', async () => {
    const result = await download(GUARDED);
    expect(result.failed.map((f) => f.key)).toEqual([`outputs/${GUARDED}/denied.txt`]);
    expect(result.failed[0]!.error).toMatch(/access ?denied/i);
    expect(result.stderr).toContain(`could not download outputs/${GUARDED}/denied.txt`);
    expect(result.exitCode).toBe(4);
    // The refused object went through GetObject too (the fallback), so not all objects came by plain GET.
    expect(result.gets.sdk).toBeGreaterThanOrEqual(1);
    expect(result.gets.raw + result.gets.sdk).toBe(Object.keys(GUARDED_FILES).length);
    for (const name of ['a.txt', 'b.txt', 'c.txt']) expect(readFileSync(join(result.out, GUARDED, name), 'utf8')).toBe(GUARDED_FILES[name]);
    expect(existsSync(join(result.out, GUARDED, 'denied.txt'))).toBe(false);
    expect(partFiles(result.out)).toEqual([]);
  });

  it('with plain GETs off, every object goes through GetObject (same files)', async () => {
    const result = await download(SIGNED, { plainGets: false });
    expect(result.gets).toEqual({ raw: 0, sdk: Object.keys(SIGNED_FILES).length });
    for (const [path, body] of Object.entries(SIGNED_FILES)) expect(readFileSync(join(result.out, SIGNED, ...path.split('/')), 'utf8')).toBe(body);
  });
});
