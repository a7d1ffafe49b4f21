/**
 * A loopback stand-in for the Amazon Bedrock AgentCore data plane (moto has none), so the real
 * `@aws-sdk/client-bedrock-agentcore` client is exercised end to end: SigV4-signed request, path,
 * query, headers, streaming response body, restJson1 errors.
 *
 * What the SDK sends (read from its schema, client-bedrock-agentcore 3.1141
 * `dist-es/schemas/schemas_0.js`, `InvokeAgentRuntime$` and `InvokeAgentRuntimeRequest$`):
 *   POST /runtimes/{agentRuntimeArn, URI-encoded}/invocations?qualifier=DEFAULT
 *   Content-Type, Accept, X-Amzn-Bedrock-AgentCore-Runtime-Session-Id (an idempotency token: the
 *   SDK fills in a UUID when none is given), X-Amzn-Trace-Id…; body = the payload bytes.
 * What it reads back (`InvokeAgentRuntimeResponse$`): the body as a stream (`response`), headers
 * Content-Type → `contentType`, X-Amzn-Bedrock-AgentCore-Runtime-Session-Id → `runtimeSessionId`,
 * and the HTTP status → `statusCode`. Errors: restJson1, the type in `x-amzn-errortype`, the
 * message in the JSON body, statuses as modelled (AccessDenied 403, Validation 400,
 * ResourceNotFound 404, Throttling 429, RuntimeClientError 424).
 *
 * Point a client at it with `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE=<endpoint>` (the SDK's service id
 * is "Bedrock AgentCore"), so the control plane (`…_BEDROCK_AGENTCORE_CONTROL`) can stay on moto.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';

/** One request as the stand-in received it. */
export interface RecordedInvocation {
  runtimeArn: string;
  qualifier: string | null;
  sessionId: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** An AWS error to answer with instead of forwarding. */
export interface ScriptedError {
  name: 'AccessDeniedException' | 'ResourceNotFoundException' | 'ValidationException' | 'ThrottlingException' | 'RuntimeClientError' | 'InternalServerException' | 'ConflictException';
  message?: string;
  /** How many requests get this error; default every request until cleared. */
  times?: number;
}

export interface DataPlaneStandIn {
  /** e.g. http://127.0.0.1:5123 — pass as AWS_ENDPOINT_URL_BEDROCK_AGENTCORE. */
  endpoint: string;
  /** Runtime ARN → base URL of the agent server that plays it (e.g. http://127.0.0.1:8080). */
  runtimes: Map<string, string>;
  /** Every invocation received, in order. */
  invocations: RecordedInvocation[];
  /** Answer the next requests with this AWS error (undefined clears it). */
  fail(error: ScriptedError | undefined): void;
  stop(): Promise<void>;
}

const ERROR_STATUS: Record<ScriptedError['name'], number> = {
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ValidationException: 400,
  ThrottlingException: 429,
  RuntimeClientError: 424,
  InternalServerException: 500,
  ConflictException: 409,
};

/** Start the stand-in on a free loopback port. */
export async function startDataPlane(runtimes: Record<string, string> = {}): Promise<DataPlaneStandIn> {
  const state = {
    runtimes: new Map(Object.entries(runtimes)),
    invocations: [] as RecordedInvocation[],
    scripted: undefined as ScriptedError | undefined,
  };
  const server = createServer((req, res) => {
    handle(req, res, state).catch((error) => {
      if (!res.headersSent) sendError(res, 'InternalServerException', String(error));
      else res.destroy(error as Error);
    });
  });
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    runtimes: state.runtimes,
    invocations: state.invocations,
    fail(error) {
      state.scripted = error;
    },
    stop: () => close(server),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  state: { runtimes: Map<string, string>; invocations: RecordedInvocation[]; scripted: ScriptedError | undefined },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const match = /^\/runtimes\/([^/]+)\/invocations$/.exec(url.pathname);
  if (req.method !== 'POST' || !match) {
    sendError(res, 'ResourceNotFoundException', `No route for ${req.method} ${url.pathname}`);
    return;
  }
  const runtimeArn = decodeURIComponent(match[1]!);
  const body = await readBody(req);
  const header = (name: string) => req.headers[name] as string | undefined;
  const recorded: RecordedInvocation = {
    runtimeArn,
    qualifier: url.searchParams.get('qualifier'),
    sessionId: header(SESSION_HEADER),
    accept: header('accept'),
    contentType: header('content-type'),
    authorization: header('authorization'),
    body: body.toString('utf8'),
  };
  state.invocations.push(recorded);

  if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/bedrock-agentcore\/aws4_request/.test(recorded.authorization ?? '')) {
    sendError(res, 'AccessDeniedException', 'Missing or invalid SigV4 Authorization header for service bedrock-agentcore.');
    return;
  }
  const scripted = state.scripted;
  if (scripted) {
    if (scripted.times !== undefined && --scripted.times <= 0) state.scripted = undefined;
    sendError(res, scripted.name, scripted.message ?? defaultMessage(scripted.name, runtimeArn));
    return;
  }
  const upstream = state.runtimes.get(runtimeArn);
  if (!upstream) {
    sendError(res, 'ResourceNotFoundException', `No agent runtime found with ARN ${runtimeArn}`);
    return;
  }
  if (!recorded.sessionId || recorded.sessionId.length < 33 || recorded.sessionId.length > 256) {
    sendError(res, 'ValidationException', "1 validation error detected: Value at 'runtimeSessionId' failed to satisfy constraint: Member must have length greater than or equal to 33");
    return;
  }

  const forwarded = await fetch(`${upstream}/invocations`, {
    method: 'POST',
    headers: {
      'content-type': recorded.contentType ?? 'application/octet-stream',
      accept: recorded.accept ?? '*/*',
      [SESSION_HEADER]: recorded.sessionId,
    },
    body: new Uint8Array(body),
  });
  if (!forwarded.ok) {
    // AgentCore does not pass a failing container's body through: it reports the status.
    await forwarded.body?.cancel();
    sendError(res, 'RuntimeClientError', `Received error (${forwarded.status}) from runtime. Please check your CloudWatch logs for more information.`);
    return;
  }
  res.writeHead(200, {
    'content-type': forwarded.headers.get('content-type') ?? 'application/octet-stream',
    [SESSION_HEADER]: recorded.sessionId,
  });
  if (forwarded.body) await pipeline(Readable.fromWeb(forwarded.body as never), res);
  else res.end();
}

function defaultMessage(name: ScriptedError['name'], arn: string): string {
  if (name === 'AccessDeniedException') {
    return `User: arn:aws:iam::123456789012:user/test is not authorized to perform: bedrock-agentcore:InvokeAgentRuntime on resource: ${arn} because no identity-based policy allows the bedrock-agentcore:InvokeAgentRuntime action`;
  }
  if (name === 'ThrottlingException') return 'Rate exceeded';
  return `${name} (scripted by the test)`;
}

function sendError(res: ServerResponse, name: ScriptedError['name'], message: string): void {
  res.writeHead(ERROR_STATUS[name], { 'content-type': 'application/json', 'x-amzn-errortype': name });
  res.end(JSON.stringify({ message }));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
