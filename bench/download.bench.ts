/**
 * Benchmark: `agentcore-claude download --latest` (the built binary) against `aws s3 cp
 * --recursive` of that session's prefix (AWS CLI v2, Debian's `awscli`, at /usr/bin/aws) on the
 * same moto_server S3, same run.
 *
 * Workload: the newest session holds 200 objects × 64 KiB (outputs/<session>/); the bucket also
 * holds 2,000 unrelated older objects (100 older sessions × 20 × 1 KiB), which `--latest` must not
 * pay for. Figures are medians of RUNS runs, the two tools alternating.
 * Targets (issue 10): `download --latest` ≤ 0.5× `aws s3 cp --recursive` of the prefix; an
 * unchanged re-download ≤ 0.5× `aws s3 sync` of the prefix (the AWS CLI's own skip mode). Also
 * printed: the server floor (200 GETs with a fixed Authorization header from one process, 16 at a
 * time, keep-alive, no SDK, every status checked) — the part of any client's time that is moto's own.
 *
 * Never fails for a missing peer: it says how to install it and reports our figures alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { startMoto } from '../test/support/moto.js';

const FILES = 200;
const SIZE = 64 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BUCKET = 'bench-outputs';
const SESSION = '20250101_000000_0a1b2c3d';
/** Unrelated older objects: OLD_SESSIONS sessions × OLD_PER_SESSION objects of 1 KiB. */
const OLD_SESSIONS = 100;
const OLD_PER_SESSION = 20;
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/agentcore-claude.js');
/** The AWS CLI v2 binary (Debian's awscli); `BENCH_AWS_CLI` overrides. The pyenv `aws` on PATH is v1. */
const AWS_V2 = process.env.BENCH_AWS_CLI ?? '/usr/bin/aws';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function countFiles(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    files += 1;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

function awsCliV2(): string | undefined {
  if (!existsSync(AWS_V2)) return undefined;
  try {
    const version = execFileSync(AWS_V2, ['--version'], { encoding: 'utf8' });
    return version.startsWith('aws-cli/2') ? version.trim() : undefined;
  } catch {
    return undefined;
  }
}

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('Run `npm run build` first: dist/cli/main.js is missing.');
const moto = await startMoto();
const work = mkdtempSync(join(tmpdir(), 'bench-download-'));
try {
  const env = { ...process.env, ...moto.env, AWS_DEFAULT_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete (env as Record<string, string | undefined>).AWS_PROFILE;
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const body = Buffer.alloc(SIZE);
  for (let i = 0; i < FILES; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) =>
        s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `outputs/${SESSION}/dir${(i + j) % 10}/file${i + j}.bin`, Body: body.fill(i + j) })),
      ),
    );
  }
  const small = Buffer.alloc(1024, 7);
  const oldKeys = Array.from({ length: OLD_SESSIONS * OLD_PER_SESSION }, (_, i) => {
    const s = Math.floor(i / OLD_PER_SESSION);
    return `outputs/2024${String(1 + (s % 12)).padStart(2, '0')}${String(1 + (s % 28)).padStart(2, '0')}_${String(s % 24).padStart(2, '0')}0000_${String(s).padStart(8, '0')}/f${i % OLD_PER_SESSION}.txt`;
  });
  for (let i = 0; i < oldKeys.length; i += 20) {
    await Promise.all(oldKeys.slice(i, i + 20).map((Key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: small }))));
  }
  console.log(
    `Workload: ${FILES} objects × ${SIZE / 1024} KiB in the newest session, ${oldKeys.length} older objects in the bucket, ` +
      `moto_server S3 (${moto.endpoint}); median of ${RUNS} runs.`,
  );

  const ours = (out: string) =>
    execa('node', [BIN, 'download', '--latest', '--bucket', BUCKET, '--region', 'us-east-1', '--out', out], { env, stdin: 'ignore' });
  const peer = awsCliV2();
  const awsArgs = ['--endpoint-url', moto.endpoint, '--region', 'us-east-1', '--only-show-errors'];
  const awsCp = (out: string) => execa(AWS_V2, ['s3', 'cp', '--recursive', `s3://${BUCKET}/outputs/${SESSION}/`, out, ...awsArgs], { env });
  const awsSync = (out: string) => execa(AWS_V2, ['s3', 'sync', `s3://${BUCKET}/outputs/${SESSION}/`, out, ...awsArgs], { env });

  const t = { ours: [] as number[], oursAgain: [] as number[], aws: [] as number[], awsSync: [] as number[], floor: [] as number[] };
  for (let run = 0; run < RUNS; run += 1) {
    const oursOut = join(work, `ours-${run}`);
    const awsOut = join(work, `aws-${run}`);
    // Alternate the order so neither tool always runs on a warmer server.
    const steps: Array<() => Promise<void>> = [
      async () => {
        t.ours.push(await timed(() => ours(oursOut)));
        t.oursAgain.push(await timed(() => ours(oursOut)));
      },
    ];
    if (peer) {
      steps.push(async () => {
        t.aws.push(await timed(() => awsCp(awsOut)));
        t.awsSync.push(await timed(() => awsSync(awsOut)));
      });
    }
    if (run % 2 === 1) steps.reverse();
    for (const step of steps) await step();
    t.floor.push(await timed(() => rawGets(moto.endpoint)));
    const got = countFiles(oursOut);
    if (got.files !== FILES || got.bytes !== FILES * SIZE) throw new Error(`our download is not exactly the session: ${JSON.stringify(got)}`);
    if (peer) {
      const theirs = countFiles(awsOut);
      if (theirs.files !== FILES || theirs.bytes !== FILES * SIZE) throw new Error(`aws s3 cp did not download the session: ${JSON.stringify(theirs)}`);
    }
  }

  const ms = (v: number) => `${v.toFixed(0).padStart(6)} ms`;
  console.log(`agentcore-claude download --latest          ${ms(median(t.ours))}`);
  console.log(`agentcore-claude download --latest (again)  ${ms(median(t.oursAgain))}   (unchanged: every file skipped)`);
  console.log(`server floor: ${FILES} GETs, no SDK              ${ms(median(t.floor))}`);
  if (!peer) {
    console.log(`Peer missing: AWS CLI v2 not found at ${AWS_V2}. Install it with: apt-get update && apt-get install -y awscli`);
  } else {
    const aws = median(t.aws);
    const sync = median(t.awsSync);
    console.log(`aws s3 cp --recursive <prefix> (${peer.split(' ')[0]})  ${ms(aws)}`);
    console.log(`aws s3 sync <prefix> (unchanged tree)       ${ms(sync)}`);
    const r1 = median(t.ours) / aws;
    const r2 = median(t.oursAgain) / sync;
    console.log(`ratio download --latest / aws s3 cp:  ${r1.toFixed(2)}×  (target ≤ 0.50×) ${r1 <= 0.5 ? 'met' : 'NOT met'}`);
    console.log(`ratio re-download / aws s3 sync:      ${r2.toFixed(2)}×  (target ≤ 0.50×) ${r2 <= 0.5 ? 'met' : 'NOT met'}`);
    console.log(`ratio server floor / aws s3 cp:       ${(median(t.floor) / aws).toFixed(2)}×  (no client can go below this)`);
  }
} finally {
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}

/**
 * 200 GETs with Node's http (keep-alive, 16 at a time): what moto itself needs. moto refuses a
 * request without an Authorization header (403) but does not verify the signature, so a fixed
 * header stands in for SigV4. Every response must be 200 with the object's size.
 */
async function rawGets(endpoint: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const keys = Array.from({ length: FILES }, (_, i) => `outputs/${SESSION}/dir${i % 10}/file${i}.bin`);
  const headers = {
    authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
    'x-amz-date': '20250101T000000Z',
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  };
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let key = keys.shift(); key; key = keys.shift()) {
        await new Promise<void>((ok, fail) => {
          http
            .get(`${endpoint}/${BUCKET}/${key}`, { agent, headers }, (res) => {
              let bytes = 0;
              res.on('data', (chunk: Buffer) => (bytes += chunk.length));
              res.on('end', () => (res.statusCode === 200 && bytes === SIZE ? ok() : fail(new Error(`floor GET ${key}: HTTP ${res.statusCode}, ${bytes} bytes`))));
            })
            .on('error', fail);
        });
      }
    }),
  );
  agent.destroy();
}
