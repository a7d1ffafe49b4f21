/**
 * The AgentCore transport (`src/aws/invoke.ts`) through the real SDK client and the data-plane
 * stand-in: request shape, live streaming of SSE events, session ids, deadlines, and the
 * translation of AWS errors. The runtime-status lookup uses aws-sdk-client-mock, because moto
 * makes every runtime READY at once and a CREATING/UPDATE_FAILED runtime cannot be produced there.
 */
import { BedrockAgentCoreControlClient, GetAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { invokeAgentRuntime, runtimeIdFromArn, translateInvokeError } from '../../src/aws/invoke.js';
import { CliError, ExitCode } from '../../src/core/errors.js';
import { newRuntimeSessionId } from '../../src/core/runtime-session.js';
import type { DataPlaneStandIn } from '../support/agentcore-dataplane.js';
import { sendJson } from '../support/http-upstream.js';
import { scriptedRuntimeForSuite, TEST_RUNTIME_ARN } from '../support/scripted-runtime.js';

const ARN = TEST_RUNTIME_ARN;

const runtime = scriptedRuntimeForSuite();

describe('runtimeIdFromArn', () => {
  it('takes the runtime id from a runtime ARN', () => {
    expect(runtimeIdFromArn(ARN)).toBe('agentcore_claude-AbCdEf1234');
  });
});

describe('invokeAgentRuntime', () => {
  it('sends the payload, session id, qualifier and Accept, and streams SSE events as they come', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    runtime.upstream.answer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ type: 'text', text: 'working' })}\n\n`);
      await released; // the second event only goes out once the client has seen the first
      res.write(`data: ${JSON.stringify({ type: 'result', result: 'done' })}\n\n`);
      res.end();
    });
    const session = newRuntimeSessionId();
    const invocation = await invokeAgentRuntime(runtime.client, { runtimeArn: ARN, runtimeSessionId: session, payload: { input: { prompt: 'hi' } } });
    expect(invocation.runtimeSessionId).toBe(session);
    expect(invocation.contentType).toBe('text/event-stream');
    let text = '';
    for await (const chunk of invocation.body) {
      text += Buffer.from(chunk).toString('utf8');
      if (text.includes('working')) release();
    }
    expect(text).toBe('data: {"type":"text","text":"working"}\n\ndata: {"type":"result","result":"done"}\n\n');
    expect(runtime.dataPlane.invocations[0]).toMatchObject({ runtimeArn: ARN, qualifier: 'DEFAULT', sessionId: session, accept: 'text/event-stream', contentType: 'application/json' });
    expect(JSON.parse(runtime.upstream.requests[0]!.body)).toEqual({ input: { prompt: 'hi' } });
  });

  it('stops at the deadline and says which flag gives more time', async () => {
    runtime.upstream.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"type":"text","text":"started"}\n\n'); // then silence
    });
    const signal = AbortSignal.timeout(300);
    const error = await (async () => {
      const invocation = await invokeAgentRuntime(runtime.client, { runtimeArn: ARN, runtimeSessionId: newRuntimeSessionId(), payload: {}, signal });
      for await (const _chunk of invocation.body);
    })().catch((e: unknown) => e);
    const translated = await translateInvokeError(error, { runtimeArn: ARN, region: 'us-east-1', signal, timeoutMs: 300 });
    expect(translated.code).toBe('TIMEOUT');
    expect(translated.hint).toMatch(/--timeout/);
    expect(translated.exitCode).toBe(ExitCode.Infrastructure);
  });
  it('reports Ctrl-C (an abort that is not the deadline) as interrupted', async () => {
    runtime.upstream.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"type":"text","text":"started"}\n\n');
    });
    const controller = new AbortController();
    const error = await (async () => {
      const invocation = await invokeAgentRuntime(runtime.client, { runtimeArn: ARN, runtimeSessionId: newRuntimeSessionId(), payload: {}, signal: controller.signal });
      for await (const _chunk of invocation.body) controller.abort();
    })().catch((e: unknown) => e);
    const translated = await translateInvokeError(error, { runtimeArn: ARN, region: 'us-east-1', signal: controller.signal, timeoutMs: 60_000 });
    expect(translated.exitCode).toBe(ExitCode.Interrupted);
  });
});

describe('translateInvokeError', () => {
  async function failWith(name: Parameters<DataPlaneStandIn['fail']>[0], control?: BedrockAgentCoreControlClient): Promise<CliError> {
    runtime.dataPlane.fail(name);
    const error = await invokeAgentRuntime(runtime.client, { runtimeArn: ARN, runtimeSessionId: newRuntimeSessionId(), payload: {} }).catch((e: unknown) => e);
    return translateInvokeError(error, { runtimeArn: ARN, region: 'us-east-1', control });
  }

  it('names the missing IAM action on access denied (exit 3)', async () => {
    const error = await failWith({ name: 'AccessDeniedException' });
    expect(error.exitCode).toBe(ExitCode.Infrastructure);
    expect(`${error.message}\n${error.hint}`).toContain('bedrock-agentcore:InvokeAgentRuntime');
  });

  it('reports an error answered by the agent container as an agent error (exit 1)', async () => {
    runtime.upstream.answer((_req, res) => sendJson(res, 500, { error: 'boom' }));
    const error = await translateInvokeError(
      await invokeAgentRuntime(runtime.client, { runtimeArn: ARN, runtimeSessionId: newRuntimeSessionId(), payload: {} }).catch((e: unknown) => e),
      { runtimeArn: ARN, region: 'us-east-1' },
    );
    expect(error.exitCode).toBe(ExitCode.AgentError);
    expect(error.hint).toMatch(/logs/);
  });

  it('says to deploy when the runtime does not exist', async () => {
    const control = mockClient(BedrockAgentCoreControlClient);
    control.on(GetAgentRuntimeCommand).rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    const error = await failWith({ name: 'ResourceNotFoundException' }, new BedrockAgentCoreControlClient({ region: 'us-east-1' }));
    control.restore();
    expect(error.code).toBe('RUNTIME_NOT_FOUND');
    expect(error.hint).toMatch(/agentcore-claude deploy/);
  });

  it.each([
    ['UPDATING', undefined, /UPDATING, not READY/],
    ['UPDATE_FAILED', 'image not found', /UPDATE_FAILED, not READY: image not found/],
  ])('says the runtime status (%s) when the runtime is not READY', async (status, failureReason, message) => {
    const control = mockClient(BedrockAgentCoreControlClient);
    control.on(GetAgentRuntimeCommand, { agentRuntimeId: 'agentcore_claude-AbCdEf1234' }).resolves({ status: status as never, failureReason });
    const error = await failWith({ name: 'ConflictException', message: 'Runtime is not ready' }, new BedrockAgentCoreControlClient({ region: 'us-east-1' }));
    control.restore();
    expect(error.code).toBe('RUNTIME_NOT_READY');
    expect(error.message).toMatch(message);
  });

  it('gives up on throttling after the retries with a clear message', async () => {
    const error = await failWith({ name: 'ThrottlingException' });
    expect(error.code).toBe('THROTTLED');
  });
});
