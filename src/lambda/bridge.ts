/**
 * The HTTP API's Lambda bridge: API Gateway REST (proxy integration) `POST /invoke` →
 * AgentCore `InvokeAgentRuntime` on this deployment's runtime → the agent's JSON.
 *
 * Request body (JSON): `{prompt, permission_mode?, allowed_tools?, max_turns?, model?, session_id?}`.
 * The runtime ARN comes from the `AGENT_RUNTIME_ARN` environment variable (`AWS_REGION` is reserved
 * in Lambda; the SDK takes the region from the execution environment).
 *
 * The bridge asks the runtime for `text/event-stream` and answers with the stream's final `result`
 * event (the agent's JSON reply, `type` removed) and the status the agent gives that reply when
 * not streaming: 200, or 500 when `is_error` — so an agent failure keeps its reason and stderr tail
 * (a non-2xx answer of the container would reach the bridge only as AgentCore's
 * `RuntimeClientError`, without its body). A JSON answer is passed through with its status.
 *
 * Responses (always JSON, always with CORS headers):
 * - the agent's JSON reply (200, or 500 with `is_error: true`);
 * - 400 `{error, details}`: missing body, invalid JSON, missing prompt, a `session_id` outside AgentCore's
 *   `runtimeSessionId` length (33–256);
 * - the agent's own 4xx/5xx when AgentCore reports that the runtime answered with an error
 *   (`RuntimeClientError`, "Received error (NNN) from runtime");
 * - 429 when AgentCore throttles, 502 for other AWS errors, 504 when the call runs out of time
 *   (the Lambda's remaining time, less a second to answer).
 *
 * Bundled by `npm run build` with esbuild to `dist/lambda/bridge.cjs` (CommonJS, target node22 for
 * the nodejs22.x runtime) **with** `@aws-sdk/client-bedrock-agentcore` inside: the function never
 * loads the SDK the Lambda runtime ships. `deploy --with-api` zips it as `index.js` into the stack's
 * bucket (src/engine/bridge-package.ts); test/e2e/deploy-with-api.test.ts runs that zip in a
 * directory with no node_modules.
 * Header names, the session id rule and SSE parsing come from `@agentcore-claude/protocol` (its
 * zod-free modules).
 */
import { randomUUID } from 'node:crypto';
import {
  BedrockAgentCoreClient,
  InvokeAgentRuntimeCommand,
  type InvokeAgentRuntimeCommandOutput,
} from '@aws-sdk/client-bedrock-agentcore';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_KEY_HEADER, API_SESSION_HEADER } from '@agentcore-claude/protocol/headers';
import { agentCoreSessionIdProblem } from '@agentcore-claude/protocol/session-id';
import { lastSseResult } from '@agentcore-claude/protocol/sse';
import type { HttpApiPayload } from '@agentcore-claude/protocol/payload';

/** CORS headers on every response (the OPTIONS preflight is answered by API Gateway itself). */
export const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': `Content-Type,${API_KEY_HEADER}`,
  'Access-Control-Allow-Methods': 'OPTIONS,POST',
  'Access-Control-Expose-Headers': API_SESSION_HEADER,
};

/** The one call the bridge makes; a `BedrockAgentCoreClient` in Lambda, injectable for tests. */
export interface AgentCoreSender {
  send(command: InvokeAgentRuntimeCommand, options?: { abortSignal?: AbortSignal }): Promise<InvokeAgentRuntimeCommandOutput>;
}

export interface BridgeOptions {
  client: AgentCoreSender;
  /** ARN of the agent runtime to invoke. */
  runtimeArn: string;
  /** Runtime endpoint qualifier; default `DEFAULT`. */
  qualifier?: string;
}

type Handler = (event: APIGatewayProxyEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<APIGatewayProxyResult>;

/** Build the handler around a client and a runtime ARN. Never throws: every failure is a JSON response. */
export function createHandler(options: BridgeOptions): Handler {
  return async (event, context) => {
    if (event.httpMethod === 'OPTIONS') return reply(204, '');
    const request = parseRequest(event);
    if ('error' in request) return json(400, request);
    const { session_id, prompt, permission_mode, allowed_tools, max_turns, model } = request;
    const runtimeSessionId = session_id ?? `api-${randomUUID()}`;
    const remaining = context?.getRemainingTimeInMillis() ?? 0;
    const signal = remaining > 2000 ? AbortSignal.timeout(remaining - 1000) : undefined;
    try {
      const output = await options.client.send(
        new InvokeAgentRuntimeCommand({
          agentRuntimeArn: options.runtimeArn,
          qualifier: options.qualifier ?? 'DEFAULT',
          runtimeSessionId,
          contentType: 'application/json',
          accept: 'text/event-stream',
          payload: JSON.stringify({ input: { prompt, permission_mode, allowed_tools, max_turns, model } }),
        }),
        { abortSignal: signal },
      );
      const body = (await output.response?.transformToString()) ?? '';
      const session = output.runtimeSessionId ?? runtimeSessionId;
      if (!output.contentType?.includes('text/event-stream')) return reply(output.statusCode ?? 200, body, session);
      const result = lastSseResult(body);
      if (!result) return json(502, { error: 'The agent stream ended without a result', details: body.slice(-500) });
      return reply(result.is_error ? 500 : 200, JSON.stringify(result), session);
    } catch (error) {
      return awsError(error as Error & { $metadata?: { httpStatusCode?: number } });
    }
  };
}

function parseRequest(event: APIGatewayProxyEvent): HttpApiPayload | { error: string; details: string } {
  if (!event.body) return { error: 'Missing request body', details: 'Send a JSON object such as {"prompt": "Create a hello world app"}.' };
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { error: 'Request body is not valid JSON', details: (error as Error).message };
  }
  if (!body || typeof body !== 'object' || typeof body.prompt !== 'string' || !body.prompt.trim()) {
    return { error: 'Missing prompt', details: '"prompt" must be a non-empty string.' };
  }
  const session = body.session_id;
  const problem = typeof session === 'string' ? agentCoreSessionIdProblem(session) : 'must be a string';
  if (session !== undefined && problem) return { error: 'Invalid session_id', details: `"session_id" ${problem}.` };
  return body as unknown as HttpApiPayload;
}

function awsError(error: Error & { $metadata?: { httpStatusCode?: number } }): APIGatewayProxyResult {
  const details = error.message;
  switch (error.name) {
    case 'RuntimeClientError': {
      // AgentCore reports a non-2xx answer of the container as "Received error (NNN) from runtime".
      const status = Number(/\((\d{3})\)/.exec(details)?.[1] ?? 502);
      return json(status, { error: 'The agent returned an error', details });
    }
    case 'ValidationException':
      return json(400, { error: 'AgentCore rejected the request', details });
    case 'ThrottlingException':
    case 'ServiceQuotaExceededException':
      return json(429, { error: 'AgentCore is throttling requests; retry later', details });
    case 'TimeoutError':
    case 'AbortError':
      return json(504, { error: 'The agent did not finish in time', details });
    default:
      return json(502, { error: `AgentCore call failed: ${error.name}`, details });
  }
}

function json(statusCode: number, value: unknown): APIGatewayProxyResult {
  return reply(statusCode, JSON.stringify(value));
}

function reply(statusCode: number, body: string, sessionId?: string): APIGatewayProxyResult {
  const headers: Record<string, string> = { ...CORS_HEADERS, 'Content-Type': 'application/json' };
  if (sessionId) headers[API_SESSION_HEADER] = sessionId;
  return { statusCode, headers, body };
}

let lambdaHandler: Handler | undefined;

/** The Lambda entry point (`index.handler` inline, or `bridge.handler`). */
export const handler: Handler = (event, context) => {
  lambdaHandler ??= createHandler({ client: new BedrockAgentCoreClient({}), runtimeArn: process.env.AGENT_RUNTIME_ARN ?? '' });
  return lambdaHandler(event, context);
};
