/**
 * `info` and `logs` end to end: the built binary against moto_server (stack, AgentCore runtime
 * and CloudWatch Logs seeded the way `deploy` and the runtime leave them).
 */
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type Moto } from '../support/moto.js';
import { BIN, cliEnv, requireBuiltBinary, runCli, tempDir } from '../support/ops-cli.js';
import { motoClients, seedDeployment, type Seeded } from '../support/seed-deployment.js';

let moto: Moto;
let env: Record<string, string>;
let work: { dir: string; cleanup: () => void };
let seeded: Seeded;
let logs: CloudWatchLogsClient;
let group: string;

beforeAll(async () => {
  requireBuiltBinary();
  moto = await startMoto();
  env = cliEnv(moto.env);
  work = tempDir();
  seeded = await seedDeployment(moto.env, work.dir);
  group = `/aws/bedrock-agentcore/runtimes/${seeded.state.runtime.id}-DEFAULT`;
  logs = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  await moto?.stop();
  work?.cleanup();
});

async function putEvents(messages: Array<[number, string]>, stream = 'runtime-logs') {
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })).catch(() => undefined);
  await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: messages.map(([timestamp, message]) => ({ timestamp, message })) }));
}

describe('info', () => {
  it('--json shows the live runtime and stack, the log group and console links, and no secrets', async () => {
    const r = await runCli(['info', '--json'], { cwd: work.dir, env });
    expect(r.exitCode).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      name: 'opsagent',
      region: 'us-east-1',
      model: seeded.state.model,
      bucket: seeded.state.bucket,
      runtime: { id: seeded.state.runtime.id, arn: seeded.state.runtime.arn, status: 'READY', version: '1', image_uri: seeded.state.imageUri, lifecycle: { idle_runtime_session_timeout: 900, max_lifetime: 28800 } },
      stack: { name: 'opsagent', status: 'CREATE_COMPLETE', id: seeded.stackId },
      log_group: group,
      api: { endpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/invoke', key_id: 'k3y1d' },
    });
    expect(Object.keys(info.console).sort()).toEqual(['bucket', 'logs', 'repository', 'runtime', 'stack']);
    expect(info.console.runtime).toContain(seeded.state.runtime.id);
    expect(`${r.stdout}${r.stderr}`).not.toContain('do-not-print-me');
  });

  it('prints readable lines by default', async () => {
    const r = await runCli(['info'], { cwd: work.dir, env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Runtime status: +READY$/m);
    expect(r.stdout).toMatch(/^Stack status: +CREATE_COMPLETE$/m);
    expect(r.stdout).toContain(`Log group:`);
    expect(r.stdout).not.toContain('do-not-print-me');
  });

  it('shows how sessions persist and the default budget: S3 archive and none, or session storage and the budget deploy set', async () => {
    const plain = JSON.parse((await runCli(['info', '--json'], { cwd: work.dir, env })).stdout);
    expect(plain.runtime.persistence).toEqual({ mode: 's3-archive' });
    expect(plain.runtime.max_budget_usd).toBeUndefined();
    const { dir, cleanup } = tempDir();
    try {
      await seedDeployment(env, dir, 'storeagent', { SESSION_PERSISTENCE: 'session-storage', WORKSPACE_ROOT: '/mnt/workspace', MAX_BUDGET_USD: '2.5' });
      const json = await runCli(['info', '--json'], { cwd: dir, env });
      expect(json.exitCode, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout).runtime).toMatchObject({ persistence: { mode: 'session-storage', mount_path: '/mnt/workspace' }, max_budget_usd: 2.5 });
      const human = await runCli(['info'], { cwd: dir, env });
      expect(human.stdout).toMatch(/^Sessions: +AgentCore session storage at \/mnt\/workspace /m);
      expect(human.stdout).toMatch(/^Budget per run: +\$2\.5 /m);
    } finally {
      cleanup();
    }
  });

  it('without deployment.json and without flags: a usage error saying to deploy or pass --name', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await runCli(['info'], { cwd: dir, env });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/agentcore-claude deploy/);
      expect(r.stderr).toMatch(/--name/);
      expect(r.stdout).toBe('');
    } finally {
      cleanup();
    }
  });

  it('--name finds the runtime and stack in AWS without deployment.json', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await runCli(['info', '--name', 'opsagent', '--json'], { cwd: dir, env });
      expect(r.exitCode).toBe(0);
      const info = JSON.parse(r.stdout);
      expect(info).toMatchObject({ state_file: null, runtime: { id: seeded.state.runtime.id, status: 'READY' }, bucket: seeded.state.bucket });
    } finally {
      cleanup();
    }
  });
});

describe('logs', () => {
  it('a missing log group says the runtime has not run yet (exit 3)', async () => {
    const r = await runCli(['logs'], { cwd: work.dir, env });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`Log group ${group} does not exist`);
    expect(r.stderr).toMatch(/invoke/);
  });

  it('prints recent events, hides /ping unless --all, honours --since and --filter', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const now = Date.now();
    await putEvents([
      [now - 3 * 3_600_000, 'three hours ago'],
      [now - 3000, 'INFO:     127.0.0.1:5000 - "GET /ping HTTP/1.1" 200 OK'],
      [now - 2000, 'ERROR agent failed to start tool'],
      [now - 1000, 'agent finished the task'],
    ]);
    const plain = await runCli(['logs'], { cwd: work.dir, env });
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout.split('\n').map((l) => l.replace(/^\S+ /, ''))).toEqual(['ERROR agent failed to start tool', 'agent finished the task']);

    const all = await runCli(['logs', '--all', '--since', '4h'], { cwd: work.dir, env });
    expect(all.stdout.split('\n')).toHaveLength(4);
    expect(all.stdout).toContain('three hours ago');
    expect(all.stdout).toContain('GET /ping');

    const filtered = await runCli(['logs', '--filter', 'ERROR'], { cwd: work.dir, env });
    expect(filtered.stdout.split('\n').map((l) => l.replace(/^\S+ /, ''))).toEqual(['ERROR agent failed to start tool']);

    const bad = await runCli(['logs', '--since', 'yesterday'], { cwd: work.dir, env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('[BAD_SINCE]: --since "yesterday" is not a duration or a time.');
    expect(bad.stderr).toMatch(/90s, 15m, 1h30m, 2d/);
  });

  it('--follow prints new events once each until Ctrl-C', async () => {
    const child = execa('node', [BIN, 'logs', '--follow', '--since', '1m'], { cwd: work.dir, env, reject: false, stdin: 'ignore' });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}; got:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitFor('agent finished the task');
    await putEvents([[Date.now(), 'follow-up event one']], 'second-stream');
    await waitFor('follow-up event one');
    await putEvents([[Date.now(), 'follow-up event two']], 'second-stream');
    await waitFor('follow-up event two');
    // Let at least one more poll happen over the same window: nothing may repeat.
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    const lines = out.trim().split('\n');
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.filter((l) => l.endsWith('follow-up event one'))).toHaveLength(1);
  });

  it('a typo in --name or --region is an error (exit 3) naming list, not a NOT_FOUND report', async () => {
    const typo = await runCli(['info', '--name', 'opsagnet'], { cwd: work.dir, env });
    expect(typo.exitCode).toBe(3);
    expect(typo.stderr).toContain('No agent "opsagnet" in us-east-1');
    expect(typo.stderr).toContain('agentcore-claude list');
    const region = await runCli(['info', '--json', '--name', 'opsagent', '--region', 'eu-west-1'], { cwd: work.dir, env });
    expect(region.exitCode).toBe(3);
    expect(JSON.parse(region.stdout).error.code).toBe('AGENT_NOT_FOUND');
  });

  it('info reports a runtime deleted behind its back as NOT_FOUND (exit 3)', async () => {
    await motoClients(moto.env).control.send(new DeleteAgentRuntimeCommand({ agentRuntimeId: seeded.state.runtime.id }));
    const r = await runCli(['info', '--json'], { cwd: work.dir, env });
    expect(r.exitCode).toBe(3);
    expect(JSON.parse(r.stdout).runtime.status).toBe('NOT_FOUND');
    expect(r.stderr).toMatch(/runtime no longer exists/);
  });
});

