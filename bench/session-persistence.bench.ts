/**
 * Session persistence cost (issue 8). Standalone: `npm run bench -- session-persistence`.
 *
 * Same agent server (built `container/dist/main.js`, real Claude Code binary, scripted model,
 * moto S3), medians over BENCH_RUNS invocations each, alternating:
 *  1. an invocation (1 Write tool turn + 1 text turn) in a 10,000-file session vs one in an empty
 *     session — the ratio (target ≤ 1.2×; the reply waits for the save until the server moves it
 *     off the reply path);
 *  2. the store alone on the 10k-file session: a whole-state save (base), a one-file-changed save
 *     (delta), a restore on a machine that never saw it;
 *  3. restore hostility: peak RSS under a 3.5 GB-of-zeros gzip bomb, and 100k tiny entries
 *     (time and peak RSS, refused at the default RESTORE_MAX_ENTRIES and restored with it raised).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Header } from 'tar';
import { SessionStore } from '../container/src/session-store.js';
import { sessionDirName } from '../container/src/workspace.js';
import { startAgentServer } from '../test/support/agent-server.js';
import { newSessionId, postInvocation } from '../test/support/invocations.js';
import { startMoto } from '../test/support/moto.js';
import { createTestBucket } from '../test/support/s3-bucket.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write } from '../test/support/scripted-model.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FILES = 10_000;
const BUCKET = 'bench-sessions';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const ms = (n: number): string => `${n.toFixed(0)} ms`;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Peak RSS of this process while `work` runs (sampled every 20 ms, plus the end value). */
async function peakRss<T>(work: () => Promise<T>): Promise<{ value: T; peak: number; ms: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peak, ms: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

/** 10,000 small source-like files in 100 directories. */
function populate(dir: string): void {
  for (let d = 0; d < FILES / 100; d++) {
    mkdirSync(join(dir, `pkg${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(join(dir, `pkg${d}`, `m${f}.ts`), `export const v${d}_${f} = ${d * 100 + f};\n// ${'x'.repeat((f * 37) % 400)}\n`);
  }
}

function tarEntry(path: string, type: 'File' | 'Directory', size = 0, data?: Buffer): Buffer {
  const block = Buffer.alloc(512);
  new Header({ path, type, size, mode: type === 'Directory' ? 0o755 : 0o644, mtime: new Date(0) }).encode(block, 0);
  if (!data) return block;
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([block, padded]);
}

const scratch = mkdtempSync(join(tmpdir(), 'bench-sessions-'));
const [moto, model] = await Promise.all([
  startMoto(),
  startScriptedModel([(r) => toolTurn([write(join(workingDirectory(r), 'out.txt'), `benchmark ${Date.now()}\n`)]), textTurn('done')]),
]);
const bucket = await createTestBucket(moto, BUCKET);
await bucket.create();
const server = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: BUCKET });
try {
  // 1. Invocation in a 10k-file session vs in an empty session, same server.
  const empty = newSessionId('empty');
  const big = newSessionId('big');
  populate(join(server.workspaceRoot, sessionDirName(big)));
  for (const id of [empty, big]) {
    const reply = await postInvocation(server.url, { prompt: 'write out.txt' }, id);
    if (reply.status !== 200 || reply.body.session_saved?.saved !== true) throw new Error(`warm-up failed: ${JSON.stringify(reply.body).slice(0, 500)}`);
  }
  const times: Record<string, number[]> = { [empty]: [], [big]: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const id of i % 2 === 0 ? [empty, big] : [big, empty]) {
      const started = performance.now();
      const reply = await postInvocation(server.url, { prompt: 'write out.txt' }, id);
      if (reply.status !== 200 || reply.body.session_saved?.saved !== true) throw new Error(`run failed: ${JSON.stringify(reply.body).slice(0, 500)}`);
      times[id]!.push(performance.now() - started);
    }
  }
  const e50 = median(times[empty]!);
  const b50 = median(times[big]!);
  console.log(`runs: ${RUNS} each, alternating (1 Write tool turn + 1 text turn, scripted model, moto S3, session saved before the reply)`);
  console.log(`invocation, empty session        p50 ${ms(e50)}`);
  console.log(`invocation, ${FILES}-file session   p50 ${ms(b50)}   ratio ${(b50 / e50).toFixed(2)}x (target ≤ 1.2x)`);

  // 2. The store alone on the 10k-file session.
  const root = join(scratch, 'store');
  const id = 'bench-store-10k';
  populate(join(root, id));
  const store = new SessionStore(bucket.client, BUCKET);
  const baseTimes: number[] = [];
  const deltaTimes: number[] = [];
  const restoreTimes: number[] = [];
  let record = await store.save(id, root, [id], { prompt: 'p' });
  for (let i = 0; i < Math.min(RUNS, 5); i++) {
    let started = performance.now();
    record = await new SessionStore(bucket.client, BUCKET).save(id, root, [id], { prompt: 'base', previous: record });
    baseTimes.push(performance.now() - started);
    const writer = new SessionStore(bucket.client, BUCKET);
    const fresh = join(scratch, `restore-${i}`);
    started = performance.now();
    const restored = await writer.restore(id, fresh, [id]);
    restoreTimes.push(performance.now() - started);
    if (restored?.fileCount !== FILES) throw new Error(`restore got ${restored?.fileCount} files: ${JSON.stringify(restored?.refused)}`);
    writeFileSync(join(fresh, id, 'pkg0', 'm0.ts'), `export const changed = ${i};\n`);
    started = performance.now();
    const delta = await writer.save(id, fresh, [id], { prompt: 'delta', previous: restored.record });
    deltaTimes.push(performance.now() - started);
    if (delta.saved_as !== 'delta') throw new Error(`expected a delta save, got ${delta.saved_as}`);
    record = delta;
    rmSync(fresh, { recursive: true, force: true });
  }
  console.log(`store, ${FILES} files: save whole state (base) p50 ${ms(median(baseTimes))}   save one change (delta) p50 ${ms(median(deltaTimes))}   restore p50 ${ms(median(restoreTimes))}`);

  // 3a. A 3.5 GB file of zeros in a few-MB archive.
  const bombKey = 'bench-bomb';
  const gz = new PassThrough();
  const chunks: Buffer[] = [];
  gz.on('data', (c: Buffer) => chunks.push(c));
  const zeros = Buffer.alloc(1024 * 1024);
  const bombSize = 3.5 * 1024 ** 3;
  async function* bombTar() {
    yield tarEntry(`${bombKey}/`, 'Directory');
    yield tarEntry(`${bombKey}/zeros`, 'File', bombSize);
    for (let written = 0; written < bombSize; written += zeros.length) yield zeros;
    yield Buffer.alloc(1024);
  }
  await pipeline(Readable.from(bombTar()), createGzip({ level: 9 }), gz);
  const bomb = Buffer.concat(chunks);
  await bucket.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${bombKey}.tar.gz`, Body: bomb }));
  const bombRoot = join(scratch, 'bomb');
  const bombRun = await peakRss(() => new SessionStore(bucket.client, BUCKET).restore(bombKey, bombRoot, [bombKey]));
  console.log(`gzip bomb (${mb(bomb.length)} archive, one 3.5 GB file): ${bombRun.value?.refusal?.code ?? 'NOT REFUSED'} in ${ms(bombRun.ms)}, peak RSS ${mb(bombRun.peak)}`);
  // Same zeros split under the size limits: the ratio limit stops it.
  const splitKey = 'bench-bomb-split';
  const split = gzipSync(Buffer.concat([tarEntry(`${splitKey}/`, 'Directory'), ...Array.from({ length: 4 }, (_, i) => tarEntry(`${splitKey}/z${i}`, 'File', 64 * 1024 ** 2, Buffer.alloc(64 * 1024 ** 2))), Buffer.alloc(1024)]), { level: 9 });
  await bucket.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${splitKey}.tar.gz`, Body: split }));
  const splitRun = await peakRss(() => new SessionStore(bucket.client, BUCKET).restore(splitKey, join(scratch, 'split'), [splitKey]));
  console.log(`ratio bomb (${mb(split.length)} archive, 4 × 64 MB zeros): ${splitRun.value?.refusal?.code ?? 'NOT REFUSED'} in ${ms(splitRun.ms)}, peak RSS ${mb(splitRun.peak)}`);

  // 3b. 100k tiny entries.
  const manyKey = 'bench-100k';
  const entries: Buffer[] = [tarEntry(`${manyKey}/`, 'Directory')];
  for (let d = 0; d < 100; d++) {
    entries.push(tarEntry(`${manyKey}/d${d}/`, 'Directory'));
    for (let f = 0; f < 1000; f++) entries.push(tarEntry(`${manyKey}/d${d}/f${f}`, 'File', 1, Buffer.from('x')));
  }
  entries.push(Buffer.alloc(1024));
  const many = gzipSync(Buffer.concat(entries));
  await bucket.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${manyKey}.tar.gz`, Body: many }));
  const refused = await peakRss(() => new SessionStore(bucket.client, BUCKET).restore(manyKey, join(scratch, 'many-refused'), [manyKey]));
  console.log(`100k tiny entries (${mb(many.length)} archive), default limits: ${refused.value?.refusal?.code ?? 'restored'} in ${ms(refused.ms)}, peak RSS ${mb(refused.peak)}`);
  const restored = await peakRss(() => new SessionStore(bucket.client, BUCKET, { limits: { maxEntries: 200_000 } }).restore(manyKey, join(scratch, 'many'), [manyKey]));
  console.log(`100k tiny entries, RESTORE_MAX_ENTRIES=200000: ${restored.value?.refusal?.code ?? `${restored.value?.fileCount} files restored`} in ${ms(restored.ms)}, peak RSS ${mb(restored.peak)}`);
} finally {
  await server.stop();
  await Promise.all([moto.stop(), model.stop()]);
  rmSync(scratch, { recursive: true, force: true });
}
