/**
 * Benchmark: AWS API calls and wall time of a no-op redeploy versus a first deploy, against a real
 * moto_server, with the fake docker on PATH (no Docker engine here). Calls are counted with the
 * AwsClients `onCall` middleware. Target: a no-op redeploy makes 0 builds, 0 runtime updates and
 * at most 6 AWS API calls.
 *
 * Run: npm run build && node --import tsx bench/deploy.bench.ts   (or npm run bench -- deploy)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deploy } from '../src/engine/deploy.js';
import { loadDeployments } from '../src/io/state-file.js';
import { FAKE_DOCKER_DIR, makeTestDeploy } from '../test/support/deploy-context.js';
import { startMoto } from '../test/support/moto.js';

const moto = await startMoto();
const t = await makeTestDeploy();
Object.assign(process.env, moto.env, { PATH: `${FAKE_DOCKER_DIR}:${process.env.PATH}`, FAKE_DOCKER_LOG: join(t.dir, 'docker.log') });

interface Run {
  label: string;
  ms: number;
  calls: string[];
  builds: number;
  runtimeWrites: number;
}

async function measure(label: string): Promise<Run> {
  await writeFile(join(t.dir, 'docker.log'), '');
  const calls: string[] = [];
  const [state] = await loadDeployments({ root: t.dir, path: t.statePath });
  const start = performance.now();
  await deploy(t.context({}, state, (service, command) => calls.push(`${service}:${command}`)), t.options({ yes: true, delays: { minDelay: 0.2, maxDelay: 0.2 } }));
  const ms = performance.now() - start;
  const docker = (await readFile(join(t.dir, 'docker.log'), 'utf8')).split('\n').filter(Boolean);
  return {
    label,
    ms,
    calls,
    builds: docker.filter((line) => line.includes('"build"')).length,
    runtimeWrites: calls.filter((c) => /(Create|Update)AgentRuntime/.test(c)).length,
  };
}

try {
  const first = await measure('first deploy');
  const noops: Run[] = [];
  for (let i = 0; i < 5; i++) noops.push(await measure(`no-op redeploy #${i + 1}`));
  const median = [...noops].sort((a, b) => a.ms - b.ms)[Math.floor(noops.length / 2)]!;

  console.log('run                    wall ms  API calls  builds  runtime create/update');
  for (const run of [first, ...noops]) {
    console.log(`${run.label.padEnd(22)} ${run.ms.toFixed(0).padStart(7)}  ${String(run.calls.length).padStart(9)}  ${String(run.builds).padStart(6)}  ${String(run.runtimeWrites).padStart(21)}`);
  }
  console.log(`\nfirst deploy calls: ${first.calls.join(', ')}`);
  console.log(`no-op redeploy calls: ${median.calls.join(', ')}`);
  console.log(`\nno-op / first deploy: wall time ${(median.ms / first.ms).toFixed(2)}×, API calls ${(median.calls.length / first.calls.length).toFixed(2)}×`);
  const ok = noops.every((run) => run.builds === 0 && run.runtimeWrites === 0 && run.calls.length <= 6);
  console.log(`target (0 builds, 0 runtime updates, ≤ 6 API calls per no-op redeploy): ${ok ? 'MET' : 'MISSED'}`);
  if (!ok) process.exitCode = 1;
} finally {
  await moto.stop();
  await t.cleanup();
}
