/**
 * Start-up of the CLI as whole processes, in one run against AWS CLI v2's `aws --version` (issue
 * 10 targets: `--help` ≤ 0.25×, `info --json` with no deployment ≤ 0.4×). Also a bare
 * `node -e 0`, the floor every Node CLI pays. Median of BENCH_RUNS (default 15) runs each,
 * interleaved so a load spike hits every command alike. Without AWS CLI v2 (`apt-get install -y
 * awscli`, `/usr/bin/aws`, or BENCH_AWS_CLI) the ratios are left out and the figures printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/agentcore-claude.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const AWS_V2 = process.env.BENCH_AWS_CLI ?? '/usr/bin/aws';

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('Run `npm run build` first: dist/cli/main.js is missing.');

function awsCliV2(): string | undefined {
  if (!existsSync(AWS_V2)) return undefined;
  try {
    return execFileSync(AWS_V2, ['--version'], { encoding: 'utf8' }).startsWith('aws-cli/2') ? AWS_V2 : undefined;
  } catch {
    return undefined;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// An empty project (its own .git stops the search for state): `info --json` has no deployment.
const project = mkdtempSync(join(tmpdir(), 'bench-startup-'));
mkdirSync(join(project, '.git'));
const env = { ...process.env, CI: 'true', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const aws = awsCliV2();
const cases: Array<[string, string, string[], number]> = [
  ['node -e 0', process.execPath, ['-e', '0'], 0],
  ['agentcore-claude --help', process.execPath, [BIN, '--help'], 0],
  ['agentcore-claude info --json (no deployment)', process.execPath, [BIN, 'info', '--json'], 2],
  ...(aws ? [['aws --version', aws, ['--version'], 0] as [string, string, string[], number]] : []),
];
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
try {
  for (let run = 0; run < RUNS; run++) {
    for (const [name, file, args, exit] of cases) {
      const start = performance.now();
      const result = spawnSync(file, args, { cwd: project, env, stdio: 'ignore' });
      const ms = performance.now() - start;
      if (result.status !== exit) throw new Error(`${name} exited ${result.status}, expected ${exit}`);
      times.get(name)!.push(ms);
    }
  }
} finally {
  rmSync(project, { recursive: true, force: true });
}
const peer = aws ? median(times.get('aws --version')!) : undefined;
for (const [name] of cases) {
  const ms = median(times.get(name)!);
  console.log(`${name.padEnd(46)} ${ms.toFixed(0).padStart(5)} ms${peer && name !== 'aws --version' ? `  ${(ms / peer).toFixed(2)}× aws --version` : ''}`);
}
if (!aws) console.log('(AWS CLI v2 not found: install it (apt-get install -y awscli) or set BENCH_AWS_CLI for the ratios)');
