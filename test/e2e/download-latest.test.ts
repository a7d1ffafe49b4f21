/**
 * `download --latest` finds the newest run without listing every object under
 * `outputs/`: the engine against moto_server S3 with a real S3 client whose ListObjectsV2 calls
 * are recorded. For each bucket layout the session found must be the one the full listing puts
 * first (the order `download --list` shows).
 */
import { CreateBucketCommand, PutObjectCommand, S3Client, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLatestSession, listSessions } from '../../src/engine/download.js';
import type { OpsContext } from '../../src/engine/target.js';
import { startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let s3: S3Client;
let ctx: OpsContext;
let lists: ListObjectsV2CommandInput[] = [];

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ListObjectsV2Command') lists.push({ ...(args.input as ListObjectsV2CommandInput) });
      return next(args);
    },
    { step: 'initialize', name: 'recordLists' },
  );
  // Only `aws().s3()` is used by the listing functions.
  ctx = { aws: () => ({ s3: () => s3 }) } as unknown as OpsContext;
});
afterAll(async () => {
  await moto?.stop();
});

let n = 0;
/** A fresh bucket holding `keys` (written in order: later keys have a later or equal LastModified). */
async function bucketWith(keys: string[], pauseBefore?: string): Promise<string> {
  n += 1;
  const bucket = `latest-${n}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const parallel = keys.filter((k) => k !== pauseBefore);
  for (let i = 0; i < parallel.length; i += 16) {
    await Promise.all(parallel.slice(i, i + 16).map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key.endsWith('/') ? new Uint8Array(0) : `content of ${Key}` }))));
  }
  if (pauseBefore) {
    // LastModified has a resolution of one second.
    await new Promise((r) => setTimeout(r, 1100));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: pauseBefore, Body: 'newest by time' }));
  }
  return bucket;
}

/** The latest session both ways, and the ListObjectsV2 calls of the fast way. */
async function both(bucket: string) {
  const full = await listSessions(ctx, bucket);
  lists = [];
  const fast = await listLatestSession(ctx, bucket);
  return { full, fast, calls: lists };
}

describe('download --latest listing', () => {
  it('lists the outputs/ folders, then only the newest folder: never every object of outputs/', async () => {
    const older = Array.from({ length: 40 }, (_, i) => `outputs/202401${String(1 + (i % 28)).padStart(2, '0')}_0${i % 10}0000_${String(i).padStart(8, '0')}/f${i}.txt`);
    const newest = ['outputs/20250301_120000_deadbeef/report.md', 'outputs/20250301_120000_deadbeef/src/a.ts', 'outputs/20250301_120000_deadbeef/../../evil'];
    const bucket = await bucketWith([...older, ...newest, 'outputs/stray.txt', 'outputs/../escape', 'sessions/x/record.json']);
    const { full, fast, calls } = await both(bucket);
    expect(full.sessions).toHaveLength(41);
    expect(fast.sessions[0]).toEqual(full.sessions[0]);
    expect(fast.sessions[0]).toMatchObject({ name: '20250301_120000_deadbeef', fileCount: 2 });
    expect(fast.sessions[0]!.refused.map((r) => r.key)).toEqual(['outputs/20250301_120000_deadbeef/../../evil']);
    expect(calls.map((c) => [c.Prefix, c.Delimiter])).toEqual([
      ['outputs/', '/'],
      ['outputs/20250301_120000_deadbeef/', undefined],
    ]);
  });

  it('a folder without a timestamp in its name counts by its newest object, as in the full listing', async () => {
    const bucket = await bucketWith(['outputs/20250101_000000/a.txt', 'outputs/20250102_000000/b.txt'], 'outputs/manual-run/c.txt');
    const { full, fast } = await both(bucket);
    expect(full.sessions[0]!.name).toBe('manual-run');
    expect(fast.sessions[0]).toEqual(full.sessions[0]);
  });

  it('the newest timestamped folder with only a folder marker is no session: the next one is taken', async () => {
    const bucket = await bucketWith(['outputs/20250101_000000/a.txt', 'outputs/20250102_000000/b.txt', 'outputs/20250103_000000/', 'outputs/20250104_000000/../x']);
    const { full, fast, calls } = await both(bucket);
    // A folder of refused keys only is a session (with nothing to download), as before.
    expect(full.sessions[0]!.name).toBe('20250104_000000');
    expect(fast.sessions[0]).toEqual(full.sessions[0]);

    const markerOnly = await bucketWith(['outputs/20250101_000000/a.txt', 'outputs/20250102_000000/b.txt', 'outputs/20250103_000000/']);
    const second = await both(markerOnly);
    expect(second.full.sessions[0]!.name).toBe('20250102_000000');
    expect(second.fast.sessions[0]).toEqual(second.full.sessions[0]);
    expect(second.calls.map((c) => c.Prefix)).toEqual(['outputs/', 'outputs/20250103_000000/', 'outputs/20250102_000000/']);
  });

  it('folders with the same time are compared as the full listing compares them', async () => {
    const bucket = await bucketWith(['outputs/20250105_101010/a.txt', 'outputs/20250105_101010_zz/b.txt', 'outputs/20250105_101010_aa/c.txt', 'outputs/20250101_000000/d.txt']);
    const { full, fast } = await both(bucket);
    expect(fast.sessions[0]).toEqual(full.sessions[0]);
  });

  it('more than 1,000 folders (a second page of the delimited listing, where the newest are): still the newest', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `outputs/2024${String(1 + Math.floor(i / 28) % 12).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}_${String(i % 24).padStart(2, '0')}0000_${String(i).padStart(8, '0')}/f.txt`);
    const bucket = await bucketWith([...keys, 'outputs/20250601_000000_ffffffff/last.txt']);
    lists = [];
    const fast = await listLatestSession(ctx, bucket);
    expect(fast.sessions[0]!.name).toBe('20250601_000000_ffffffff');
    expect(lists.filter((c) => c.Delimiter === '/').length).toBe(2);
    expect(lists.filter((c) => c.Delimiter === undefined).map((c) => c.Prefix)).toEqual(['outputs/20250601_000000_ffffffff/']);
  });

  it('no session at all: the same answer as the full listing (orphans included)', async () => {
    const bucket = await bucketWith(['outputs/stray.txt', 'outputs/../escape', 'outputs/20250103_000000/']);
    const { full, fast } = await both(bucket);
    expect(full.sessions).toEqual([]);
    expect(fast).toEqual(full);
  });
});
