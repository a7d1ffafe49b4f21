/**
 * `sessions stop` and `exec` end to end (issue 12): the built CLI, the real
 * @aws-sdk/client-bedrock-agentcore against the data-plane stand-in (StopRuntimeSession,
 * InvokeAgentRuntimeCommand as the API reference describes them), the real agent server with the
 * real Claude Code binary and the scripted model, S3 on moto.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../src/core/state.js';
import { requireBuilt, startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { startDataPlane, type DataPlaneStandIn } from '../support/agentcore-dataplane.js';
import { runCli, spawnCli } from '../support/cli.js';
import { newSessionId } from '../support/invocations.js';
import { startMoto, type Moto } from '../support/moto.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel } from '../support/scripted-model.js';
import { seedDeployment } from '../support/seed-deployment.js';

let moto: Moto;
let model: ScriptedModel;
let dataPlane: DataPlaneStandIn;
let cwd: string;
let state: DeploymentState;
const servers: RunningAgentServer[] = [];

beforeAll(async () => {
  requireBuilt();
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  cwd = mkdtempSync(join(tmpdir(), 'session-control-'));
  ({ state } = await seedDeployment(moto.env, cwd, 'controlagent'));
  dataPlane = await startDataPlane({});
});
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  await Promise.all([dataPlane?.stop(), model?.stop(), moto?.stop()]);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** A fresh agent server playing the runtime (a stop ends it, as it ends the microVM). */
async function agentForRuntime(): Promise<RunningAgentServer> {
  const server = await startAgentServer({ ...model.anthropicEnv(), ...moto.env, OUTPUT_BUCKET_NAME: state.bucket, CLAUDE_CODE_MAX_RETRIES: '0' });
  servers.push(server);
  dataPlane.runtimes.set(state.runtime.arn, server.url);
  dataPlane.hosts.set(state.runtime.arn, {
    workspaceRoot: server.workspaceRoot,
    onStop: async () => {
      server.child.kill('SIGTERM');
      await server.child;
    },
  });
  return server;
}

const env = () => ({ ...moto.env, AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: dataPlane.endpoint, HOME: cwd });
const cli = (...args: string[]) => runCli(args, { cwd, env: env() });

describe('exec --session', () => {
  it('runs ls in the session workspace, streams its output, and a failing command\'s exit code is ours', async () => {
    await agentForRuntime();
    const session = newSessionId('exec');
    model.setScript([(r) => toolTurn([write(join(workingDirectory(r), 'made-by-agent.txt'), 'hi\n')]), textTurn('done')]);
    const invoked = await cli('invoke', '--session', session, 'write a file');
    expect(invoked.exitCode, String(invoked.stderr)).toBe(0);

    const ls = await cli('exec', '--session', session, '--', 'ls', '-1');
    expect(ls.exitCode, String(ls.stderr)).toBe(0);
    expect(String(ls.stdout).split('\n')).toContain('made-by-agent.txt');
    const call = dataPlane.sessionCalls.at(-1)!;
    expect(call.operation).toBe('InvokeAgentRuntimeCommand');
    expect(JSON.parse(call.body)).toMatchObject({ timeout: 300 });

    const failing = await cli('exec', '--session', session, '--timeout', '30s', '--', 'sh', '-c', 'echo oops >&2; exit 7');
    expect(failing.exitCode).toBe(7);
    expect(failing.stderr).toContain('oops');
    expect(JSON.parse(dataPlane.sessionCalls.at(-1)!.body)).toMatchObject({ timeout: 30 });

    // An argument is one word on the remote side, whatever it holds (no local or remote splitting).
    const quoted = await cli('exec', '--session', session, '--', 'printf', '%s|', "it's a; $(word)");
    expect(quoted.stdout).toBe("it's a; $(word)|");
  });

  it('a command cannot pass itself off as a gone session: its own stderr line and exit 125 are its own', async () => {
    await agentForRuntime();
    const session = newSessionId('spoof');
    model.setScript([textTurn('ready')]);
    expect((await cli('invoke', '--session', session, 'hello')).exitCode).toBe(0);
    // What the agent could leave in the workspace for a user's `exec -- sh check.sh`: the wrapper's own words.
    const line = 'agentcore-claude: no workspace for this session here';
    const spoof = await cli('exec', '--session', session, '--', 'sh', '-c', `echo '${line}' >&2; echo 'and more' >&2; exit 125`);
    expect(spoof.exitCode, String(spoof.stderr)).toBe(125);
    expect(spoof.stderr).not.toMatch(/is gone/);
    expect(spoof.stderr).toContain('and more');
    // A command that succeeds after printing it keeps its output too.
    const quiet = await cli('exec', '--session', session, '--', 'sh', '-c', `echo '${line}, but fine' >&2`);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toContain(`${line}, but fine`);
  });

  it('a command line over InvokeAgentRuntimeCommand\'s 65,536 characters is refused before anything is sent', async () => {
    const calls = dataPlane.sessionCalls.length;
    // 40,000 quotes: each becomes four characters once quoted for the remote shell.
    const long = await cli('exec', '--session', newSessionId('long'), '--', 'printf', '%s', "'".repeat(40_000));
    expect(long.exitCode).toBe(2);
    expect(long.stderr).toMatch(/65,?536/);
    expect(long.stderr).toMatch(/script/);
    expect(dataPlane.sessionCalls.length).toBe(calls);
  });

  it('refuses a session workspace swapped for a symbolic link: nothing runs in the link\'s target', async () => {
    const server = await agentForRuntime();
    const elsewhere = mkdtempSync(join(tmpdir(), 'exec-link-target-'));
    try {
      writeFileSync(join(elsewhere, 'root-only-canary.txt'), 'secret');
      const session = newSessionId('swapped');
      mkdirSync(server.workspaceRoot, { recursive: true });
      symlinkSync(elsewhere, join(server.workspaceRoot, session));
      dataPlane.liveSessions.add(`${state.runtime.arn} ${session}`); // as after an invocation of the session
      const swapped = await cli('exec', '--session', session, '--', 'ls');
      expect(swapped.exitCode).toBe(125);
      expect(swapped.stderr).toContain('the session workspace is a symbolic link; refusing to enter it');
      expect(swapped.stdout).not.toContain('root-only-canary');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('is refused clearly when the session is gone (a new microVM without its workspace)', async () => {
    await agentForRuntime();
    const gone = await cli('exec', '--session', newSessionId('never-ran'), '--', 'ls');
    expect(gone.exitCode).toBe(2);
    expect(gone.stderr).toMatch(/is gone/);
    expect(gone.stderr).not.toContain('agentcore-claude: no workspace');
  });
});

describe('sessions stop', () => {
  it('stops a session during a run: the agent gets SIGTERM, delivers, and the command reports the files in S3', async () => {
    await agentForRuntime();
    const session = newSessionId('stop');
    model.setScript([
      (r) => toolTurn([write(join(workingDirectory(r), 'partial.txt'), 'work in progress\n')]),
      textTurn('never reached', 60_000),
    ]);
    const run = spawnCli(['invoke', '--async', '--session', session, 'long task'], { cwd, env: env() });
    expect((await run).exitCode).toBe(0);
    // Wait until the agent wrote its file (the second model turn is then pending).
    for (let i = 0; i < 400 && model.requests.length < 2; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(model.requests.length).toBe(2);

    const stopped = await cli('sessions', 'stop', session, '--bucket', state.bucket, '--json');
    expect(stopped.exitCode, String(stopped.stderr)).toBe(0);
    const outcome = JSON.parse(String(stopped.stdout));
    expect(dataPlane.sessionCalls.some((c) => c.operation === 'StopRuntimeSession' && c.sessionId === session)).toBe(true);
    expect(outcome.stopped_invocation_id).toBeTruthy();
    expect(outcome.delivery_unconfirmed).toBe(false);
    expect(outcome.run.status).toBe('failed');
    expect(outcome.run.response.subtype).toBe('error_aborted');
    const file = outcome.run.response.files.find((f: { file_name: string }) => f.file_name === 'partial.txt');
    expect(file.s3_url).toMatch(/^s3:\/\//);

    // The session is no longer live: a second stop is refused.
    const again = await cli('sessions', 'stop', session, '--bucket', state.bucket);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/no live session/);
  });

  it('an ended session is refused (NO_LIVE_SESSION) without invoking it: no new microVM is started to ask it', async () => {
    await agentForRuntime();
    const session = newSessionId('ended');
    const invocationsBefore = dataPlane.invocations.length;
    const stopped = await cli('sessions', 'stop', session, '--bucket', state.bucket);
    expect(stopped.exitCode, String(stopped.stderr)).toBe(2);
    expect(stopped.stderr).toContain('[NO_LIVE_SESSION]');
    expect(dataPlane.invocations.length).toBe(invocationsBefore);
  });
});
