/**
 * Helper of session-persistence.bench.ts (not a benchmark itself): restores one session key from
 * S3 in a fresh process and prints one JSON line — wall time, RSS just before the restore, peak
 * RSS during it (sampled every 5 ms, and Linux's VmHWM — unlike getrusage's maxRSS, which a child
 * inherits from the parent it was forked from, VmHWM starts over at exec), refusal code, files
 * restored — so the figures are the restore's own, not the benchmark's.
 *
 * Environment: AWS_ENDPOINT_URL (moto), BENCH_BUCKET, BENCH_RESTORE_KEY, BENCH_RESTORE_ROOT, and any RESTORE_* limit.
 */
import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SessionStore } from '../container/src/session-store.js';

const client = new S3Client({ region: 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const key = process.env.BENCH_RESTORE_KEY!;
const store = new SessionStore(client, process.env.BENCH_BUCKET!);
const before = process.memoryUsage().rss;
let peak = before;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const started = performance.now();
const result = await store.restore(key, process.env.BENCH_RESTORE_ROOT!, [key]);
const ms = performance.now() - started;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(
  JSON.stringify({
    ms,
    rssBeforeMb: before / 1024 / 1024,
    peakRssMb: Math.max(peak, highWaterMark()) / 1024 / 1024,
    code: result?.refusal?.code ?? null,
    files: result?.fileCount ?? null,
  }),
);

/** This process's peak RSS since exec, in bytes (0 where /proc is missing). */
function highWaterMark(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}
