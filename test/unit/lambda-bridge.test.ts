/**
 * The Lambda bridge's handler, called locally with API Gateway REST proxy events. The AgentCore
 * client is the real SDK client, pointed at the data-plane stand-in, which forwards to a scripted
 * upstream playing the agent's `/invocations` (so status codes and bodies can be chosen per test).
 * The last tests load the zip `deploy --with-api` uploads (the esbuild bundle `dist/lambda/bridge.cjs`
 * with its SDK client, made by `npm run build`) from an empty directory, as Lambda does.
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/lambda/bridge.js';
import { BRIDGE_SDK_PACKAGE, cleanLambdaDir, existingLookupPaths, loadBuiltBridge, type LoadedBridge } from '../support/bridge-zip.js';
import { sendJson } from '../support/http-upstream.js';
import { scriptedRuntimeForSuite, TEST_RUNTIME_ARN } from '../support/scripted-runtime.js';

const ARN = TEST_RUNTIME_ARN;
const SESSION = 'a-session-id-that-is-long-enough-for-agentcore';

const runtime = scriptedRuntimeForSuite();

function event(body: string | null, extra: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return { httpMethod: 'POST', path: '/invoke', resource: '/invoke', body, isBase64Encoded: false, headers: {}, ...extra } as unknown as APIGatewayProxyEvent;
}

const handler = () => createHandler({ client: runtime.client, runtimeArn: ARN });

describe('Lambda bridge', () => {
  it('invokes the runtime with the agent payload and returns its JSON with CORS headers', async () => {
    const res = await handler()(event(JSON.stringify({ prompt: 'Create hello.py', max_turns: 3, allowed_tools: 'Write,Read', permission_mode: 'acceptEdits' })));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ result: 'done', is_error: false });
    expect(res.headers).toMatchObject({ 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' });
    const [call] = runtime.dataPlane.invocations;
    expect(call).toMatchObject({ runtimeArn: ARN, qualifier: 'DEFAULT', accept: 'text/event-stream' });
    expect(call!.sessionId!.length).toBeGreaterThanOrEqual(33);
    expect(res.headers!['X-Runtime-Session-Id']).toBe(call!.sessionId);
    expect(JSON.parse(runtime.upstream.requests[0]!.body)).toEqual({
      input: { prompt: 'Create hello.py', max_turns: 3, allowed_tools: 'Write,Read', permission_mode: 'acceptEdits' },
    });
  });

  it('answers the CORS preflight (OPTIONS) itself, without calling AgentCore', async () => {
    const res = await handler()(event(null, { httpMethod: 'OPTIONS' }));
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type,X-Api-Key', 'Access-Control-Allow-Methods': 'OPTIONS,POST' });
    expect(runtime.dataPlane.invocations).toHaveLength(0);
  });

  it('passes a given session_id through as the runtime session id', async () => {
    await handler()(event(JSON.stringify({ prompt: 'go on', session_id: SESSION })));
    expect(runtime.upstream.requests[0]!.headers['x-amzn-bedrock-agentcore-runtime-session-id']).toBe(SESSION);
  });

  it('accepts a base64-encoded body', async () => {
    const res = await handler()({ ...event(Buffer.from('{"prompt":"hi"}').toString('base64')), isBase64Encoded: true });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(runtime.upstream.requests[0]!.body).input.prompt).toBe('hi');
  });

  it.each([
    ['missing body', null, 'Missing request body'],
    ['bad JSON', '{"prompt": ', 'Request body is not valid JSON'],
    ['no prompt', '{"max_turns": 2}', 'Missing prompt'],
    ['empty prompt', '{"prompt": "  "}', 'Missing prompt'],
    ['short session id', '{"prompt": "x", "session_id": "short"}', 'Invalid session_id'],
  ])('answers 400 with a JSON error for %s, without calling AgentCore', async (_name, body, error) => {
    const res = await handler()(event(body));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error });
    expect(JSON.parse(res.body).details).toEqual(expect.any(String));
    expect(res.headers!['Access-Control-Allow-Origin']).toBe('*');
    expect(runtime.dataPlane.invocations).toHaveLength(0);
  });

  it("keeps the agent's status when the runtime answers with an error", async () => {
    runtime.upstream.answer((_req, res) => sendJson(res, 500, { error: 'Claude Code exited with code 1' }));
    const res = await handler()(event('{"prompt": "fail"}'));
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'The agent returned an error', details: expect.stringContaining('(500)') });
  });

  it('passes an agent-reported error (is_error, status 200) through unchanged', async () => {
    runtime.upstream.answer((_req, res) => sendJson(res, 200, { result: 'max turns reached', is_error: true }));
    const res = await handler()(event('{"prompt": "long"}'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ result: 'max turns reached', is_error: true });
  });

  describe('when the agent streams (text/event-stream)', () => {
    const stream = (...events: unknown[]) => (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(': keepalive\n\n');
      for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
      res.end();
    };

    it("answers with the final result event's reply, status 200", async () => {
      runtime.upstream.answer(stream({ type: 'text', text: 'working' }, { type: 'result', result: 'done', is_error: false, files: [] }));
      const res = await handler()(event('{"prompt": "go"}'));
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ result: 'done', is_error: false, files: [] });
    });

    it('keeps the reason of an agent failure, with status 500 as the agent gives it', async () => {
      runtime.upstream.answer(stream({ type: 'result', result: '', is_error: true, error: 'error_max_turns', details: { stderr_tail: 'x' } }));
      const res = await handler()(event('{"prompt": "go"}'));
      expect(res.statusCode).toBe(500);
      expect(JSON.parse(res.body)).toMatchObject({ is_error: true, error: 'error_max_turns', details: { stderr_tail: 'x' } });
    });

    it('answers 502 when the stream ends without a result', async () => {
      runtime.upstream.answer(stream({ type: 'text', text: 'cut off' }));
      const res = await handler()(event('{"prompt": "go"}'));
      expect(res.statusCode).toBe(502);
      expect(JSON.parse(res.body).error).toMatch(/without a result/);
    });
  });

  it.each([
    ['AccessDeniedException', 502, 'bedrock-agentcore:InvokeAgentRuntime'],
    ['ResourceNotFoundException', 502, 'ResourceNotFoundException'],
    ['ThrottlingException', 429, 'Rate exceeded'],
    ['ValidationException', 400, 'ValidationException'],
  ] as const)('maps AWS %s to %i with details', async (name, status, detail) => {
    runtime.dataPlane.fail({ name });
    const res = await handler()(event('{"prompt": "x"}'));
    expect(res.statusCode).toBe(status);
    expect(res.body).toContain(detail);
    expect(runtime.upstream.requests).toHaveLength(0);
  });

  it('answers 504 before the Lambda itself times out', async () => {
    runtime.upstream.answer(() => new Promise(() => undefined)); // never answers
    const res = await handler()(event('{"prompt": "slow"}'), { getRemainingTimeInMillis: () => 2_500 });
    expect(res.statusCode).toBe(504);
    expect(JSON.parse(res.body).error).toMatch(/did not finish in time/);
  });
});

describe('Lambda bridge package (the zip deploy --with-api uploads, loaded as Lambda does)', () => {
  let bridge: LoadedBridge;
  const saved = { ...process.env };
  beforeAll(async () => {
    bridge = await loadBuiltBridge();
  });
  afterAll(() => {
    process.env = saved;
    bridge?.cleanup();
  });

  it('holds index.js only, in a directory where no SDK can be required from', () => {
    expect(bridge.files).toEqual(['index.js']);
    expect(existingLookupPaths(bridge.dir)).toEqual([]);
    expect(typeof bridge.handler).toBe('function');
  });

  it("cannot fall back on anyone's SDK there: a bundle with the SDK external fails to load", async () => {
    const dir = cleanLambdaDir();
    try {
      // The old build (SDK left to the Lambda runtime), in the same kind of directory.
      buildSync({ entryPoints: [resolve(__dirname, '../../src/lambda/bridge.ts')], bundle: true, platform: 'node', target: 'node22', format: 'cjs', external: ['@aws-sdk/*'], outfile: join(dir, 'index.js'), logLevel: 'silent' });
      expect(() => createRequire(join(dir, 'index.js'))('./index.js')).toThrow(expect.objectContaining({ code: 'MODULE_NOT_FOUND', message: expect.stringContaining(BRIDGE_SDK_PACKAGE) }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs as Lambda would: runtime ARN from AGENT_RUNTIME_ARN, its own bundled SDK client', async () => {
    Object.assign(process.env, {
      AGENT_RUNTIME_ARN: ARN,
      AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: runtime.dataPlane.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    const res = await bridge.handler(event('{"prompt": "from the zip"}'), { getRemainingTimeInMillis: () => 900_000 });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ result: 'done', is_error: false });
    expect(JSON.parse(runtime.upstream.requests[0]!.body).input.prompt).toBe('from the zip');
    // A real SigV4-signed call of the bundled client reached the data plane.
    expect(runtime.dataPlane.invocations[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/bedrock-agentcore\/aws4_request/);
  });
});
