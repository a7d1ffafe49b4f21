/**
 * The `invoke --api` transport against the whole HTTP API chain on loopback: API Gateway stand-in
 * (API key, proxy event, integration timeout) → the Lambda bridge as deployed (the zip of
 * dist/lambda/bridge.cjs, built by `npm run build`, loaded from an empty directory) → its bundled
 * AgentCore SDK client → data-plane stand-in → a scripted agent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { invokeHttpApi, readSavedApiKey } from '../../src/engine/transports/http-api.js';
import { ExitCode, UsageError } from '../../src/core/errors.js';
import { startApiGateway, type ApiGatewayStandIn } from '../support/apigateway-standin.js';
import { loadBuiltBridge, type LoadedBridge } from '../support/bridge-zip.js';
import { sendJson } from '../support/http-upstream.js';
import { startScriptedRuntime, TEST_RUNTIME_ARN, type ScriptedRuntime } from '../support/scripted-runtime.js';

const API_KEY = 'k3y-for-the-http-api-0123456789abcdefghij';
let runtime: ScriptedRuntime;
let gateway: ApiGatewayStandIn;
let bridge: LoadedBridge | undefined;
const savedEnv = { ...process.env };

beforeAll(async () => {
  runtime = await startScriptedRuntime();
  // The bundle reads its configuration from the environment, as in Lambda.
  Object.assign(process.env, {
    AGENT_RUNTIME_ARN: TEST_RUNTIME_ARN,
    AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: runtime.dataPlane.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_MAX_ATTEMPTS: '1',
  });
  bridge = await loadBuiltBridge();
  gateway = await startApiGateway({ handler: bridge.handler, apiKey: API_KEY, integrationTimeoutMs: 1_000 });
});
afterAll(async () => {
  process.env = savedEnv;
  await gateway?.stop();
  await runtime?.stop();
  bridge?.cleanup();
});
beforeEach(() => runtime.reset());

const call = (apiKey = API_KEY, payload = { prompt: 'Create hello.py', max_turns: 4 }) => invokeHttpApi({ endpoint: gateway.endpoint, apiKey, payload });

describe('invokeHttpApi through API Gateway and the deployed bridge zip', () => {
  it("returns the agent's JSON and the runtime session id the bridge used", async () => {
    runtime.upstream.answer((req, res) => sendJson(res, 200, { result: 'wrote hello.py', is_error: false, echo: JSON.parse(req.body) }));
    const answer = await call();
    expect(JSON.parse(answer.text)).toMatchObject({ result: 'wrote hello.py', echo: { input: { prompt: 'Create hello.py', max_turns: 4 } } });
    expect(answer.runtimeSessionId).toBe(runtime.dataPlane.invocations[0]!.sessionId);
  });

  it('continues a session given as session_id', async () => {
    const session = 'session-0123456789abcdef0123456789abcdef';
    await invokeHttpApi({ endpoint: gateway.endpoint, apiKey: API_KEY, payload: { prompt: 'next', session_id: session } });
    expect(runtime.upstream.requests[0]!.headers['x-amzn-bedrock-agentcore-runtime-session-id']).toBe(session);
  });

  it('says to refresh the key when API Gateway refuses it (403, exit 3)', async () => {
    const error = await call('wrong-key').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_FORBIDDEN', exitCode: ExitCode.Infrastructure });
    expect((error as { hint: string }).hint).toMatch(/agentcore-claude api-key/);
    expect(runtime.dataPlane.invocations).toHaveLength(0);
  });

  it("explains API Gateway's integration timeout (504) and points at invoke without --api", async () => {
    runtime.upstream.answer(() => new Promise(() => undefined));
    const error = await call().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_TIMEOUT', exitCode: ExitCode.Infrastructure });
    expect((error as { hint: string }).hint).toMatch(/without --api/);
  });

  it('reports an agent failure as an agent error (exit 1)', async () => {
    runtime.upstream.answer((_req, res) => sendJson(res, 500, { error: 'Claude Code exited' }));
    const error = await call().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_ERROR', exitCode: ExitCode.AgentError });
  });

  it("reports the bridge's own AWS failure as infrastructure (502, exit 3)", async () => {
    runtime.dataPlane.fail({ name: 'AccessDeniedException' });
    const error = await call().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_BRIDGE_ERROR', exitCode: ExitCode.Infrastructure });
    expect((error as Error).message).toContain('bedrock-agentcore:InvokeAgentRuntime');
  });

  it('reports a refused request as a usage error (400, exit 2)', async () => {
    const error = await call(API_KEY, { prompt: '  ', max_turns: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_BAD_REQUEST', exitCode: ExitCode.Usage });
    expect((error as Error).message).toMatch(/Missing prompt/);
  });
});

describe('readSavedApiKey', () => {
  it('reads .api_key, and says to run api-key when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-key-file-'));
    try {
      await expect(readSavedApiKey(dir)).rejects.toThrow(UsageError);
      await expect(readSavedApiKey(dir)).rejects.toMatchObject({ hint: expect.stringMatching(/agentcore-claude api-key/) });
      writeFileSync(join(dir, '.api_key'), `${API_KEY}\n`);
      expect(await readSavedApiKey(dir)).toBe(API_KEY);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
