/**
 * Benchmark of `deploy --artifact code` against a real moto_server, in process (calls counted with
 * the AwsClients `onCall` middleware):
 * 1. First deploy: staging (the arm64 production install), zip and upload times, zip size; peer:
 *    Info-ZIP `zip -r -6` of the same staged tree (when `zip` is installed), same machine, same run.
 * 2. Five unchanged redeploys. Target: 0 uploads, 0 runtime create/update, ≤ 6 AWS API calls each.
 * 3. On linux/arm64 (native, or qemu-user emulation set up by .ci/setup-arm64-emulation.sh): the
 *    server's start-up to the first /ping and one invocation (arm64 Claude Code binary, scripted
 *    model in Bedrock mode), for the container path's tree (the staged install, as the image's
 *    `npm run install:arm64` lays it out) and for the code zip as deployed (unpacked from moto S3).
 *
 * Run: npm run build && node --import tsx bench/deploy-code.bench.ts   (or npm run bench -- deploy-code)
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { deploy } from '../src/engine/deploy.js';
import { installArm64 } from '../src/engine/code-package.js';
import { loadDeployments } from '../src/io/state-file.js';

/** The one deployment the bench made (the project's state file holds every deployment). */
async function readState(path: string) {
  return (await loadDeployments({ root: path, path }))[0];
}
import { arm64Node22, arm64Unavailable } from '../test/support/arm64.js';
import { REPO_ROOT } from '../test/support/cli.js';
import { makeTestDeploy } from '../test/support/deploy-context.js';
import { newSessionId, streamInvocation } from '../test/support/invocations.js';
import { startMoto } from '../test/support/moto.js';
import { freePort, waitForHttp } from '../test/support/ports.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write } from '../test/support/scripted-model.js';
import { extractZip } from '../test/support/unzip.js';

const CONTAINER = join(REPO_ROOT, 'container');
const moto = await startMoto();
const t = await makeTestDeploy();
Object.assign(process.env, moto.env);

interface Run {
  label: string;
  ms: number;
  calls: string[];
  uploads: number;
  runtimeWrites: number;
}

async function measure(label: string): Promise<Run> {
  const calls: string[] = [];
  const state = await readState(t.statePath);
  const start = performance.now();
  await deploy(t.context({ artifact: 'code' }, state, (service, command) => calls.push(`${service}:${command}`)), t.options({ yes: true, contextDir: CONTAINER, delays: { minDelay: 0.2, maxDelay: 0.2 } }));
  return {
    label,
    ms: performance.now() - start,
    calls,
    uploads: calls.filter((c) => /s3:(PutObject|CreateMultipartUpload)/.test(c)).length,
    runtimeWrites: calls.filter((c) => /(Create|Update)AgentRuntime/.test(c)).length,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const work = await mkdtemp(join(tmpdir(), 'bench-code-'));
try {
  const first = await measure('first deploy');
  const log = t.stderr.text;
  const staged = /Code package (c-[0-9a-f]+): (\d+) entries, ([\d.]+) MiB → ([\d.]+) MiB zip \(install ([\d.]+) s, zip ([\d.]+) s\)/.exec(log);
  const uploaded = /Uploaded (s3:\/\/\S+) \(([\d.]+) MiB in ([\d.]+) s\)/.exec(log);
  if (!staged || !uploaded) throw new Error(`deploy did not report its phases:\n${log}`);
  const noops: Run[] = [];
  for (let i = 0; i < 5; i++) noops.push(await measure(`no-op redeploy #${i + 1}`));

  console.log(`code package ${staged[1]}: ${staged[2]} entries, ${staged[3]} MiB unpacked → zip ${staged[4]} MiB`);
  console.log(`first deploy phases: install (npm run install:arm64) ${staged[5]} s, zip (yazl, level 6 default) ${staged[6]} s, upload to moto ${uploaded[3]} s; total deploy ${seconds(first.ms)}`);

  // Peer: Info-ZIP of the same tree (same machine, same run).
  const tree = join(work, 'tree');
  await mkdir(tree);
  for (const name of ['package.json', 'package-lock.json']) await cp(join(CONTAINER, name), join(tree, name));
  await cp(join(CONTAINER, 'dist'), join(tree, 'dist'), { recursive: true });
  await installArm64(tree);
  const zipTool = await execa('zip', ['-v'], { reject: false });
  if (zipTool.exitCode === 0) {
    const start = performance.now();
    await execa('zip', ['-r', '-q', '-6', '-y', join(work, 'peer.zip'), '.'], { cwd: tree });
    const peerMs = performance.now() - start;
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(join(work, 'peer.zip')));
    console.log(`peer: Info-ZIP zip -r -6 of the same tree: ${seconds(peerMs)}, ${(size / 1024 / 1024).toFixed(1)} MiB → ours/peer time ${(Number(staged[6]) * 1000 / peerMs).toFixed(2)}×, size ${(Number(staged[4]) / (size / 1024 / 1024)).toFixed(3)}×`);
  } else {
    console.log('peer: Info-ZIP `zip` is not installed here (apt-get install zip) — no zip-time peer this run');
  }

  console.log('\nrun                    wall ms  API calls  uploads  runtime create/update');
  for (const run of [first, ...noops]) {
    console.log(`${run.label.padEnd(22)} ${run.ms.toFixed(0).padStart(7)}  ${String(run.calls.length).padStart(9)}  ${String(run.uploads).padStart(7)}  ${String(run.runtimeWrites).padStart(21)}`);
  }
  const median = [...noops].sort((a, b) => a.ms - b.ms)[Math.floor(noops.length / 2)]!;
  console.log(`no-op redeploy calls: ${median.calls.join(', ')}`);
  const ok = noops.every((run) => run.uploads === 0 && run.runtimeWrites === 0 && run.calls.length <= 6);
  console.log(`target (0 uploads, 0 runtime updates, ≤ 6 API calls per no-op redeploy): ${ok ? 'MET' : 'MISSED'}`);
  if (!ok) process.exitCode = 1;

  // 3. arm64 start-up and one invocation.
  const unavailable = arm64Unavailable();
  if (unavailable) {
    console.log(`\narm64 start-up: not measured (${unavailable})`);
  } else {
    const state = (await readState(t.statePath))!;
    const key = state.artifact!.location.replace(`s3://${state.bucket}/`, '');
    const s3 = new S3Client({ region: 'us-east-1', forcePathStyle: true });
    const zipPath = join(work, 'deployed.zip');
    await pipeline((await s3.send(new GetObjectCommand({ Bucket: state.bucket, Key: key }))).Body as Readable, createWriteStream(zipPath));
    await extractZip(zipPath, join(work, 'zip'));
    const node = await arm64Node22();
    const model = await startScriptedModel();
    const mode = process.arch === 'arm64' ? 'native arm64' : 'qemu-user emulation';
    console.log(`\narm64 (${mode}), Node ${(await execa(node, ['--version'])).stdout}: start-up to first /ping, then one invocation (Write + answer)`);
    for (const [label, cwd] of [
      ['container-path tree', tree],
      ['code zip (deployed)', join(work, 'zip')],
    ] as const) {
      const port = await freePort();
      const workspace = await mkdtemp(join(work, 'ws-'));
      const env = { PATH: process.env.PATH ?? '', AGENT_ARTIFACT: 'code', WORKSPACE_ROOT: workspace, HOME: workspace, PORT: String(port), HOST: '127.0.0.1', OUTPUT_BUCKET_NAME: state.bucket, ...moto.env, ...model.bedrockEnv(state.model) };
      const start = performance.now();
      const child = execa(node, ['dist/main.js'], { cwd, env, extendEnv: false, reject: false, cleanup: true });
      try {
        await waitForHttp(`http://127.0.0.1:${port}/ping`, 120_000);
        const pingMs = performance.now() - start;
        model.setScript([(request) => toolTurn([write(join(workingDirectory(request), 'bench.txt'), 'arm64\n')], 'Writing.'), textTurn('Done.')]);
        const invokeStart = performance.now();
        const { events } = await streamInvocation(`http://127.0.0.1:${port}`, { prompt: 'write bench.txt', permission_mode: 'acceptEdits' }, newSessionId('bench'));
        const invokeMs = performance.now() - invokeStart;
        const result = events.at(-1)?.event;
        console.log(`  ${label.padEnd(20)} first /ping ${seconds(pingMs)}, invocation ${seconds(invokeMs)} (${result?.type === 'result' && !result.is_error ? 'ok' : 'FAILED'})`);
      } finally {
        child.kill('SIGTERM');
        await child;
      }
    }
    await model.stop();
  }
} finally {
  await moto.stop();
  await t.cleanup();
  if (existsSync(work)) await rm(work, { recursive: true, force: true });
}
