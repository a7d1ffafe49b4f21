/**
 * Session persistence cost (issue 8). Standalone: `npm run bench -- session-persistence`.
 *
 * Same agent server (built `container/dist/main.js`, real Claude Code binary, scripted model,
 * moto S3), medians over BENCH_RUNS invocations each, alternating:
 *  1. an invocation (1 Write tool turn + 1 text turn) in a 10,000-file session vs one in an empty
 *     session — the ratio of reply times (target ≤ 1.2×; the save runs after the reply, while the
 *     server says HealthyBusy), and of the times until the save is durable;
 *  2. the store alone on the 10k-file session: a whole-state save (base), a one-file-changed save
 *     (delta), a restore on a machine that never saw it;
 *  3. restore hostility: peak RSS under a 3.5 GB-of-zeros gzip bomb, and 100k tiny entries
 *     (time and peak RSS, refused at the default RESTORE_MAX_ENTRIES and restored with it raised).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
import { durableStatus, newSessionId, postInvocation } from '../test/support/invocations.js';
import { startMoto } from '../test/support/moto.js';
import { createTestBucket } from '../test/support/s3-bucket.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write } from '../test/support/scripted-model.js';

/** Restore `key` in a child process (limits from `env`); its time, peak RSS, refusal code, files. */
function restoreInChild(key: string, root: string, env: Record<string, string> = {}): { ms: number; rssBeforeMb: number; peakRssMb: number; code: string | null; files: number | null } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./session-restore-worker.ts', import.meta.url))], {
    env: { ...process.env, ...moto.env, ...env, BENCH_RESTORE_KEY: key, BENCH_RESTORE_ROOT: root, BENCH_BUCKET: BUCKET },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}
const describeChild = (r: ReturnType<typeof restoreInChild>): string => `${r.code ? `refused (${r.code})` : `${r.files} files restored`} in ${ms(r.ms)}, RSS ${r.rssBeforeMb.toFixed(0)} MB before → peak ${r.peakRssMb.toFixed(0)} MB`;

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FILES = 10_000;
const BUCKET = 'bench-sessions';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const ms = (n: number): string => `${n.toFixed(0)} ms`;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

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
/**
 * Median wall time of an invocation in an empty session and in a 10k-file session on one server
 * started with `env` (alternating, after one warm-up invocation each).
 */
async function compare(env: Record<string, string>, persisted: boolean): Promise<{ empty: number; big: number; deltas: number; durableEmpty: number; durableBig: number }> {
  const server = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: BUCKET, ...env });
  try {
    const empty = newSessionId('empty');
    const big = newSessionId('big');
    populate(join(server.workspaceRoot, sessionDirName(big)));
    const times: Record<string, number[]> = { [empty]: [], [big]: [] };
    const durable: Record<string, number[]> = { [empty]: [], [big]: [] };
    for (let i = -1; i < RUNS; i++) {
      for (const id of i % 2 === 0 ? [empty, big] : [big, empty]) {
        const started = performance.now();
        const reply = await postInvocation(server.url, { prompt: 'write out.txt' }, id);
        if (reply.status !== 200 || (persisted && reply.body.session_saved?.saved !== 'pending')) throw new Error(`run failed: ${JSON.stringify(reply.body).slice(0, 500)}`);
        if (i >= 0) times[id]!.push(performance.now() - started);
        // The save continues after the reply (HealthyBusy); it must succeed. Timed separately.
        if (persisted) {
          const saved = (await durableStatus(server.url, id)).response.session_saved;
          if (saved?.saved !== true) throw new Error(`save failed: ${JSON.stringify(saved)}`);
          if (i >= 0) durable[id]!.push(performance.now() - started);
        }
      }
    }
    const deltas = (await bucket.keys(`sessions/${sessionDirName(big)}/`)).length;
    return { empty: median(times[empty]!), big: median(times[big]!), deltas, durableEmpty: median(durable[empty]!), durableBig: median(durable[big]!) };
  } finally {
    await server.stop();
  }
}

try {
  // 1. Invocation in a 10k-file session vs in an empty session, same server.
  const on = await compare({}, true);
  const off = await compare({ SESSION_PERSISTENCE: 'off' }, false);
  console.log(`runs: ${RUNS} each, alternating (1 Write tool turn + 1 text turn, scripted model, moto S3)`);
  console.log(`reply (session saved after it):  empty p50 ${ms(on.empty)}   ${FILES}-file p50 ${ms(on.big)}   ratio ${(on.big / on.empty).toFixed(2)}x (target ≤ 1.2x; ${on.deltas} delta archives written)`);
  console.log(`until durable (status polled):   empty p50 ${ms(on.durableEmpty)}   ${FILES}-file p50 ${ms(on.durableBig)}   ratio ${(on.durableBig / on.durableEmpty).toFixed(2)}x`);
  console.log(`SESSION_PERSISTENCE=off:          empty p50 ${ms(off.empty)}   ${FILES}-file p50 ${ms(off.big)}   ratio ${(off.big / off.empty).toFixed(2)}x (the cost that is not persistence)`);

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
  console.log(`gzip bomb (${mb(bomb.length)} archive, one 3.5 GB file of zeros): ${describeChild(restoreInChild(bombKey, join(scratch, 'bomb')))}`);
  // The same archive with the size limits raised past it: only the ratio limit stops it.
  console.log(`  same, RESTORE_MAX_BYTES/RESTORE_MAX_FILE_BYTES=8 GiB: ${describeChild(restoreInChild(bombKey, join(scratch, 'bomb2'), { RESTORE_MAX_BYTES: String(8 * 1024 ** 3), RESTORE_MAX_FILE_BYTES: String(8 * 1024 ** 3) }))}`);
  // Same zeros split under the size limits: the ratio limit stops it.
  const splitKey = 'bench-bomb-split';
  const split = gzipSync(Buffer.concat([tarEntry(`${splitKey}/`, 'Directory'), ...Array.from({ length: 4 }, (_, i) => tarEntry(`${splitKey}/z${i}`, 'File', 64 * 1024 ** 2, Buffer.alloc(64 * 1024 ** 2))), Buffer.alloc(1024)]), { level: 9 });
  await bucket.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sessions/${splitKey}.tar.gz`, Body: split }));
  console.log(`ratio bomb (${(split.length / 1024).toFixed(0)} KB archive, 4 × 64 MB zeros): ${describeChild(restoreInChild(splitKey, join(scratch, 'split')))}`);

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
  console.log(`100k tiny entries (${mb(many.length)} archive), default limits: ${describeChild(restoreInChild(manyKey, join(scratch, 'many-refused')))}`);
  console.log(`100k tiny entries, RESTORE_MAX_ENTRIES=200000: ${describeChild(restoreInChild(manyKey, join(scratch, 'many'), { RESTORE_MAX_ENTRIES: '200000' }))}`);
} finally {
  await Promise.all([moto.stop(), model.stop()]);
  rmSync(scratch, { recursive: true, force: true });
}
