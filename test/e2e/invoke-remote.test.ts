/**
 * `invoke` against the deployed runtime, end to end: the BUILT binary, with a deployment.json
 * naming a runtime (seeded in moto), through the real `@aws-sdk/client-bedrock-agentcore` client
 * → the AgentCore data-plane stand-in → the real agent server (container/dist) running the real
 * Claude Code binary against the scripted model. Also `invoke --api`: API Gateway stand-in → the
 * Lambda bridge as deployed (its zip, loaded from an empty directory) → the same chain.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentResponseSchema } from '@agentcore-claude/protocol';
import type { DeploymentState } from '../../src/core/state.js';
import { requireBuilt, startAgentServer, type RunningAgentServer } from '../support/agent-server.js';
import { startDataPlane, type DataPlaneStandIn } from '../support/agentcore-dataplane.js';
import { startApiGateway, type ApiGatewayStandIn } from '../support/apigateway-standin.js';
import { loadBuiltBridge, type LoadedBridge } from '../support/bridge-zip.js';
import { BIN, runCli, spawnCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { startScriptedModel, textTurn, toolTurn, workingDirectory, write, type ScriptedModel, type ScriptStep } from '../support/scripted-model.js';
import { seedDeployment } from '../support/seed-deployment.js';
import { writeDeployments } from '../support/state.js';
import { openTerminal } from '../support/tmux.js';

let moto: Moto;
let model: ScriptedModel;
let server: RunningAgentServer;
let dataPlane: DataPlaneStandIn;
let cwd: string;
let state: DeploymentState;

beforeAll(async () => {
  requireBuilt();
  [moto, model] = await Promise.all([startMoto(), startScriptedModel()]);
  // IS_SANDBOX=1: tests may run as root, where Claude Code refuses bypassPermissions otherwise.
  server = await startAgentServer({ ...model.anthropicEnv(), CLAUDE_CODE_MAX_RETRIES: '0', IS_SANDBOX: '1' });
  cwd = mkdtempSync(join(tmpdir(), 'invoke-remote-'));
  ({ state } = await seedDeployment(moto.env, cwd, 'remoteagent'));
  dataPlane = await startDataPlane({ [state.runtime.arn]: server.url });
});
afterAll(async () => {
  await Promise.all([dataPlane?.stop(), server?.stop(), model?.stop(), moto?.stop()]);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

const env = () => ({ ...moto.env, AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: dataPlane.endpoint, HOME: cwd });
const invoke = (...args: string[]) => runCli(['invoke', ...args], { cwd, env: env() });

/** Write `name`, then (after `delayMs`, the model "thinking") say so. */
const writeFile = (name: string, content: string, delayMs?: number): ScriptStep[] => [
  (r) => toolTurn([write(join(workingDirectory(r), name), content)], `Writing ${name}`),
  textTurn(`Created ${name}.`, delayMs),
];

describe('invoke (deployed runtime through the AgentCore SDK client)', () => {
  let session: string;

  it('streams progress live, prints the result, files, and the session to continue', async () => {
    model.setScript(writeFile('hello.py', 'print("hello")\n', 1500));
    const child = spawnCli(['invoke', 'Create hello.py'], { cwd, env: env() });
    let progressAt = 0;
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!progressAt && chunk.toString().includes('→ Write hello.py')) progressAt = Date.now();
    });
    const run = await child;
    const endedAt = Date.now();
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(String(run.stdout).trim()).toBe('Created hello.py.');
    const stderr = String(run.stderr);
    expect(stderr).toContain('│ Writing hello.py');
    expect(stderr).toContain('✓ Write');
    // The tool-use event reached the terminal while the agent was still working (the model's next
    // turn only started after it): the body was streamed, not buffered.
    expect(progressAt).toBeGreaterThan(0);
    expect(endedAt - progressAt).toBeGreaterThanOrEqual(500);
    session = /Session: (\S+)/.exec(stderr)![1]!;
    expect(stderr).toContain(`agentcore-claude invoke --session ${session} "…"`);
    expect(stderr).not.toContain('--local');

    const call = dataPlane.invocations.at(-1)!;
    expect(call).toMatchObject({ runtimeArn: state.runtime.arn, qualifier: 'DEFAULT', sessionId: session, accept: 'text/event-stream', contentType: 'application/json' });
    expect(call.sessionId!.length).toBeGreaterThanOrEqual(33);
    expect(call.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/bedrock-agentcore\/aws4_request/);
    expect(JSON.parse(call.body)).toMatchObject({ prompt: 'Create hello.py' });
    expect(readFileSync(join(server.workspaceRoot, session, 'hello.py'), 'utf8')).toBe('print("hello")\n');
  });

  it('continues the session with --session: same runtime session, same workspace', async () => {
    model.setScript(writeFile('second.py', 'x = 2\n'));
    const run = await invoke('--json', '--session', session, 'Add second.py');
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const reply = agentResponseSchema.parse(JSON.parse(String(run.stdout)));
    expect(reply.session.runtime_session_id).toBe(session);
    expect(reply.files.map((f) => f.file_name)).toEqual(['second.py']);
    expect(dataPlane.invocations.at(-1)!.sessionId).toBe(session);
    expect(existsSync(join(server.workspaceRoot, session, 'hello.py'))).toBe(true);
    expect(existsSync(join(server.workspaceRoot, session, 'second.py'))).toBe(true);
  });

  it('refuses a --session id shorter than 33 characters before any call (exit 2)', async () => {
    const before = dataPlane.invocations.length;
    const run = await invoke('--session', 'too-short', 'hi');
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr)).toMatch(/--session/);
    expect(dataPlane.invocations).toHaveLength(before);
  });

  it('exits 1 when the agent reports an error', async () => {
    model.setScript(writeFile('x.py', 'x\n'));
    const run = await invoke('--max-turns', '1', 'Create x.py');
    expect(run.exitCode).toBe(1);
    expect(String(run.stderr)).toMatch(/The agent failed/);
  });

  it('names the missing IAM action when access is denied (exit 3)', async () => {
    dataPlane.fail({ name: 'AccessDeniedException' });
    try {
      const run = await invoke('hi');
      expect(run.exitCode).toBe(3);
      expect(String(run.stderr)).toContain('bedrock-agentcore:InvokeAgentRuntime');
      expect(String(run.stderr)).not.toMatch(/at .*\.js:\d+/);
    } finally {
      dataPlane.fail(undefined);
    }
  });

  it('says to deploy when the runtime does not exist (exit 3)', async () => {
    const run = await invoke('--runtime-arn', 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/gone-AbCdEf1234', 'hi');
    expect(run.exitCode).toBe(3);
    expect(String(run.stderr)).toMatch(/agentcore-claude deploy/);
  });

  it('stops at --timeout and says the run may still be going on (exit 3)', async () => {
    model.setScript([textTurn('slow', 4_000)]);
    const run = await invoke('--timeout', '1s', 'Take your time');
    expect(run.exitCode).toBe(3);
    expect(String(run.stderr)).toMatch(/within 1 s/);
    expect(String(run.stderr)).toMatch(/--timeout/);
  });
});

describe('Ctrl-C in a terminal during a remote invoke', () => {
  it('exits 130 within 2 s and names the session to reattach to and continue', async () => {
    model.setScript([textTurn('too late', 60_000)]);
    const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    const vars = Object.entries({ ...env(), PATH: process.env.PATH ?? '', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }).map(([k, v]) => `${k}=${quote(v)}`);
    const t = await openTerminal(`env -u CI ${vars.join(' ')} ${quote(process.execPath)} ${quote(BIN)} invoke 'Wait for me'; echo "EXIT=$?"; sleep 60`, cwd);
    try {
      await t.waitFor(/Claude Code .* started/, 30_000);
      const pressed = Date.now();
      await t.press('C-c');
      const screen = await t.waitFor(/EXIT=\d+/, 5_000);
      expect(Date.now() - pressed).toBeLessThan(2_500);
      expect(screen).toMatch(/EXIT=130/);
      expect(screen).toMatch(/The run may still be going on in AWS, in session (\S{33,})\./);
      const session = /in session (\S+)\./.exec(screen)![1]!;
      expect(screen).toContain(`Reattach: agentcore-claude status --session ${session} --wait`);
      expect(screen).toContain(`Continue: agentcore-claude invoke --session ${session} "…"`);
    } finally {
      await t.close();
    }
  });
});

describe('invoke --api (API Gateway stand-in → the Lambda bridge zip → AgentCore)', () => {
  const API_KEY = 'api-key-value-0123456789abcdefghijklmn';
  let gateway: ApiGatewayStandIn;
  let bridge: LoadedBridge | undefined;
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, {
      AGENT_RUNTIME_ARN: state.runtime.arn,
      AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: dataPlane.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    bridge = await loadBuiltBridge();
    gateway = await startApiGateway({ handler: bridge.handler, apiKey: API_KEY });
    writeDeployments(cwd, [{ ...state, api: { endpoint: gateway.endpoint } }]);
  });
  afterAll(async () => {
    process.env = saved;
    await gateway?.stop();
    bridge?.cleanup();
  });

  it('says to run api-key when no key is saved (exit 2)', async () => {
    const run = await invoke('--api', 'hi');
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr)).toContain('agentcore-claude api-key');
  });

  it("sends the task with the saved key and prints the agent's reply", async () => {
    writeFileSync(join(cwd, '.api_key'), API_KEY, { mode: 0o600 });
    model.setScript(writeFile('api.py', 'print("api")\n'));
    const run = await invoke('--api', '--json', 'Create api.py');
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const reply = agentResponseSchema.parse(JSON.parse(String(run.stdout)));
    expect(reply.result).toBe('Created api.py.');
    expect(reply.files.map((f) => f.file_name)).toEqual(['api.py']);
    const event = gateway.events.at(-1)!;
    expect(event.headers['x-api-key']).toBe(API_KEY);
    expect(JSON.parse(event.body!)).toMatchObject({ prompt: 'Create api.py', session_id: reply.session.runtime_session_id });
    expect(dataPlane.invocations.at(-1)!.sessionId).toBe(reply.session.runtime_session_id);
  });
});

describe('invoke --async and status through AgentCore', () => {
  it('starts at once, then status (an {"action":"status"} invocation in the same session) waits for the result', async () => {
    model.setScript(writeFile('async.txt', 'later\n', 2000));
    const started = await invoke('--async', '--json', 'write async.txt');
    expect(started.exitCode, String(started.stderr)).toBe(0);
    const { runtime_session_id: session, status } = JSON.parse(String(started.stdout));
    expect(status).toBe('running');
    expect(dataPlane.invocations.at(-1)).toMatchObject({ sessionId: session, accept: 'application/json' });

    const done = await runCli(['status', '--session', session, '--wait', '--json'], { cwd, env: env() });
    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect(JSON.parse(String(done.stdout))).toMatchObject({ status: 'succeeded', runtime_session_id: session, response: { result: 'Created async.txt.' } });
    const statusCalls = dataPlane.invocations.filter((i) => i.sessionId === session);
    expect(statusCalls.length).toBeGreaterThanOrEqual(2); // the start, then at least one status request
    expect(existsSync(join(server.workspaceRoot, session, 'async.txt'))).toBe(true);
  });
});
