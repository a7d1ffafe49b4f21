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
 * Two more operations, as the API reference describes them:
 * - StopRuntimeSession (`POST /runtimes/{arn}/stopruntimesession`, session id header, JSON body
 *   `{clientToken}`): 200 with the session id header for a live session — the stand-in then calls
 *   the runtime's `onStop` (the platform stops the session's microVM: SIGTERM to the agent) —
 *   and ResourceNotFoundException (404) for a session that is not live.
 * - InvokeAgentRuntimeCommand (`POST /runtimes/{arn}/commands`, body `{command, timeout}`: command
 *   1–65,536 characters, timeout 1–3,600 s, default 300; else ValidationException 400): 200
 *   `application/vnd.amazon.eventstream` of `chunk` events (`:message-type=event`,
 *   `:event-type=chunk`, JSON payload `{"contentStart":{}}`, `{"contentDelta":{"stdout"|"stderr"}}`,
 *   `{"contentStop":{"exitCode","status":"COMPLETED"|"TIMED_OUT"}}`). The command runs as the
 *   platform runs it, in a fresh `/bin/sh -c` (execa with an argv array; the command is the test's
 *   own), with the runtime's environment: `WORKSPACE_ROOT` is the local agent's workspace root for
 *   a live session, and a new empty directory for a session the stand-in has not seen (AgentCore
 *   starts a new microVM for it).
 * Sessions are live once an invocation reached the agent in them, until stopped.
 *
 * Point a client at it with `AWS_ENDPOINT_URL_BEDROCK_AGENTCORE=<endpoint>` (the SDK's service id
 * is "Bedrock AgentCore"), so the control plane (`…_BEDROCK_AGENTCORE_CONTROL`) can stay on moto.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { execa } from 'execa';

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

/** What the stand-in knows of the local agent server that plays a runtime, beyond its URL. */
export interface RuntimeHost {
  /** The agent server's WORKSPACE_ROOT: where commands of its live sessions run. */
  workspaceRoot?: string;
  /** What stopping a session does to the agent (e.g. SIGTERM to the server process, awaited). */
  onStop?: (sessionId: string) => Promise<void>;
}

/** One StopRuntimeSession or InvokeAgentRuntimeCommand as received. */
export interface RecordedSessionCall {
  operation: 'StopRuntimeSession' | 'InvokeAgentRuntimeCommand';
  runtimeArn: string;
  sessionId: string | undefined;
  body: string;
}

export interface DataPlaneStandIn {
  /** Runtime ARN → the local agent's workspace root and stop hook. */
  hosts: Map<string, RuntimeHost>;
  /** Live sessions as `<arn> <session id>`. */
  liveSessions: Set<string>;
  /** Every StopRuntimeSession / InvokeAgentRuntimeCommand received, in order. */
  sessionCalls: RecordedSessionCall[];
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
  const state: StandInState = {
    runtimes: new Map(Object.entries(runtimes)),
    invocations: [] as RecordedInvocation[],
    scripted: undefined as ScriptedError | undefined,
    hosts: new Map(),
    liveSessions: new Set(),
    sessionCalls: [],
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
    hosts: state.hosts,
    liveSessions: state.liveSessions,
    sessionCalls: state.sessionCalls,
    fail(error) {
      state.scripted = error;
    },
    stop: () => close(server),
  };
}

interface StandInState {
  runtimes: Map<string, string>;
  invocations: RecordedInvocation[];
  scripted: ScriptedError | undefined;
  hosts: Map<string, RuntimeHost>;
  liveSessions: Set<string>;
  sessionCalls: RecordedSessionCall[];
}

async function handle(req: IncomingMessage, res: ServerResponse, state: StandInState): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const session = /^\/runtimes\/([^/]+)\/(stopruntimesession|commands)$/.exec(url.pathname);
  if (req.method === 'POST' && session) return sessionOperation(req, res, state, decodeURIComponent(session[1]!), session[2] === 'commands' ? 'InvokeAgentRuntimeCommand' : 'StopRuntimeSession');
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
  state.liveSessions.add(`${runtimeArn} ${recorded.sessionId}`);
  res.writeHead(200, {
    'content-type': forwarded.headers.get('content-type') ?? 'application/octet-stream',
    [SESSION_HEADER]: recorded.sessionId,
  });
  if (forwarded.body) await pipeline(Readable.fromWeb(forwarded.body as never), res);
  else res.end();
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** StopRuntimeSession and InvokeAgentRuntimeCommand (see the module comment). */
async function sessionOperation(req: IncomingMessage, res: ServerResponse, state: StandInState, runtimeArn: string, operation: RecordedSessionCall['operation']): Promise<void> {
  const body = (await readBody(req)).toString('utf8');
  const sessionId = req.headers[SESSION_HEADER] as string | undefined;
  state.sessionCalls.push({ operation, runtimeArn, sessionId, body });
  if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/bedrock-agentcore\/aws4_request/.test(String(req.headers.authorization ?? ''))) {
    return sendError(res, 'AccessDeniedException', 'Missing or invalid SigV4 Authorization header for service bedrock-agentcore.');
  }
  if (state.scripted) {
    const scripted = state.scripted;
    if (scripted.times !== undefined && --scripted.times <= 0) state.scripted = undefined;
    return sendError(res, scripted.name, scripted.message ?? defaultMessage(scripted.name, runtimeArn));
  }
  if (!state.runtimes.has(runtimeArn)) return sendError(res, 'ResourceNotFoundException', `No agent runtime found with ARN ${runtimeArn}`);
  if (!sessionId || sessionId.length < 33 || sessionId.length > 256) {
    return sendError(res, 'ValidationException', "1 validation error detected: Value at 'runtimeSessionId' failed to satisfy constraint: Member must have length greater than or equal to 33");
  }
  const key = `${runtimeArn} ${sessionId}`;
  const host = state.hosts.get(runtimeArn) ?? {};
  if (operation === 'StopRuntimeSession') {
    if (!state.liveSessions.has(key)) return sendError(res, 'ResourceNotFoundException', `Session ${sessionId} not found or already terminated`);
    state.liveSessions.delete(key);
    await host.onStop?.(sessionId);
    res.writeHead(200, { 'content-type': 'application/json', [SESSION_HEADER]: sessionId });
    res.end('{}');
    return;
  }
  let request: { command?: unknown; timeout?: unknown };
  try {
    request = JSON.parse(body) as typeof request;
  } catch {
    return sendError(res, 'ValidationException', 'Request body is not valid JSON');
  }
  const timeout = request.timeout ?? 300;
  if (typeof request.command !== 'string' || request.command.length < 1 || request.command.length > 65_536) {
    return sendError(res, 'ValidationException', "1 validation error detected: Value at 'body.command' failed to satisfy constraint: Member must have length between 1 and 65536");
  }
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
    return sendError(res, 'ValidationException', "1 validation error detected: Value at 'body.timeout' failed to satisfy constraint: Member must be between 1 and 3600");
  }
  // A session the platform has not seen gets a new microVM: an empty filesystem.
  const live = state.liveSessions.has(key);
  const root = live && host.workspaceRoot ? host.workspaceRoot : mkdtempSync(join(tmpdir(), 'new-microvm-'));
  state.liveSessions.add(key);
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', [SESSION_HEADER]: sessionId });
  const send = (chunk: Record<string, unknown>): void => {
    res.write(codec.encode({
      headers: {
        ':message-type': { type: 'string', value: 'event' },
        ':event-type': { type: 'string', value: 'chunk' },
        ':content-type': { type: 'string', value: 'application/json' },
      },
      body: fromUtf8(JSON.stringify(chunk)),
    }));
  };
  send({ contentStart: {} });
  const child = execa('/bin/sh', ['-c', request.command], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', WORKSPACE_ROOT: root },
    extendEnv: false,
    reject: false,
    timeout: timeout * 1000,
    stdin: 'ignore',
  });
  child.stdout?.on('data', (data: Buffer) => send({ contentDelta: { stdout: data.toString('utf8') } }));
  child.stderr?.on('data', (data: Buffer) => send({ contentDelta: { stderr: data.toString('utf8') } }));
  const result = await child;
  send({ contentStop: { exitCode: result.timedOut ? -1 : (result.exitCode ?? -1), status: result.timedOut ? 'TIMED_OUT' : 'COMPLETED' } });
  res.end();
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
