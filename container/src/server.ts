/**
 * The AgentCore Runtime HTTP contract on `node:http`:
 * - `GET /ping` → 200 `{"status":"Healthy"|"HealthyBusy","time_of_last_update":<unix s>}`
 * - `POST /invocations` → the agent's JSON reply (200, or 500 when the agent failed), or SSE
 *   events ending with a `result` event when the request has `Accept: text/event-stream`.
 * - Bad requests → 4xx `{"error": "...", "details": …}`; the server keeps serving.
 *
 * The workspace is chosen by `X-Amzn-Bedrock-AgentCore-Runtime-Session-Id` (generated when absent);
 * one invocation at a time per session (409 otherwise). No request timeout: agent runs take minutes.
 *
 * Asynchronous runs: a payload with `"async": true` is answered at once with 202
 * `{"status":"running","runtime_session_id","invocation_id"}` and keeps running (so `/ping` says
 * `HealthyBusy` and AgentCore keeps the session alive); `{"action":"status"}` in the same
 * session answers with its latest run (runs.ts), including the final reply once done.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AgentEvent } from './events.js';
import { Health } from './health.js';
import { runInvocation, type InvocationEnvironment } from './invocation.js';
import { RunRegistry } from './runs.js';
import { PayloadError, parseInvocationPayload } from './payload.js';

/** Header carrying the AgentCore runtime session id. */
export const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';
/** Longest runtime session id accepted (AgentCore's own limit for runtimeSessionId). */
export const MAX_SESSION_ID_CHARS = 256;
/** Default request body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Interval of SSE keep-alive comments, so idle proxies keep long runs open. */
export const SSE_KEEPALIVE_MS = 15_000;

export interface AgentServerOptions extends InvocationEnvironment {
  maxBodyBytes?: number;
  /** One structured log line (JSON) per event worth logging; default: stdout. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface AgentServer {
  server: Server;
  health: Health;
  runs: RunRegistry;
  /** Start listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  /**
   * Graceful stop: refuse new requests (503), abort running agents, wait for in-flight replies
   * (uploads of finished runs complete) up to `graceMs`, then close.
   */
  shutdown(graceMs?: number): Promise<void>;
}

export function createAgentServer(options: AgentServerOptions): AgentServer {
  const health = new Health();
  const runs = new RunRegistry();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? ((entry) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`));
  const running = new Map<string, { abort: AbortController; finished: Promise<void> }>();
  let stopping = false;

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log({ level: 'error', msg: 'unhandled request error', error: String((error as Error)?.stack ?? error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error', details: { reason: String(error) } });
      else res.end();
    });
  });
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/ping') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req, res, 'GET');
      return sendJson(res, 200, health.ping());
    }
    if (path === '/invocations') {
      if (req.method !== 'POST') return methodNotAllowed(req, res, 'POST');
      return invocation(req, res);
    }
    req.resume();
    sendJson(res, 404, { error: `No route for ${req.method} ${path}`, details: { routes: ['GET /ping', 'POST /invocations'] } });
  }

  async function invocation(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (stopping) {
      req.resume();
      return sendJson(res, 503, { error: 'The agent server is shutting down', details: { retry: true } });
    }
    const body = await readBody(req, maxBody);
    if (body === null) {
      return sendJson(res, 413, { error: `Request body exceeds ${maxBody} bytes`, details: { limit_bytes: maxBody } });
    }
    const headerId = req.headers[SESSION_HEADER];
    const sessionId = typeof headerId === 'string' && headerId !== '' ? headerId : randomUUID();
    if (sessionId.length > MAX_SESSION_ID_CHARS) {
      return sendJson(res, 400, {
        error: `${SESSION_HEADER} is longer than ${MAX_SESSION_ID_CHARS} characters`,
        details: { length: sessionId.length, limit: MAX_SESSION_ID_CHARS },
      });
    }
    let request;
    try {
      request = parseInvocationPayload(body);
    } catch (error) {
      if (error instanceof PayloadError) return sendJson(res, error.status, { error: error.message, details: error.details });
      throw error;
    }
    if ('repo' in request && request.repo && options.env.AGENT_ARTIFACT === 'code') {
      // A direct code deployment runs on AgentCore's managed Node.js runtime, which has no git.
      return sendJson(res, 400, {
        error: 'Repository workspaces need git, which this code deployment (managed Node.js runtime) does not have',
        details: { artifact: 'code', fix: 'redeploy with `agentcore-claude deploy --artifact container`' },
      });
    }
    if (request.action === 'status') {
      const state = runs.get(sessionId);
      if (!state) {
        // 200, not 404: AgentCore passes a container's body through only on success.
        return sendJson(res, 200, {
          runtime_session_id: sessionId,
          status: 'unknown',
          reason: 'no run of this session on this agent: it never ran here, or its microVM was replaced (saved sessions: agentcore-claude sessions)',
        }, { [SESSION_HEADER]: sessionId });
      }
      return sendJson(res, 200, state, { [SESSION_HEADER]: sessionId });
    }
    if (running.has(sessionId)) {
      return sendJson(res, 409, { error: `Session ${sessionId} is already running an invocation`, details: { runtime_session_id: sessionId } });
    }

    const abort = new AbortController();
    const invocationId = randomUUID();
    let finish!: () => void;
    running.set(sessionId, { abort, finished: new Promise<void>((r) => (finish = r)) });
    runs.start(sessionId, invocationId);
    const done = health.begin();
    const streaming = !request.async && (req.headers.accept ?? '').includes('text/event-stream');
    if (!request.async) {
      res.on('close', () => {
        if (!res.writableFinished) abort.abort('the client disconnected');
      });
    }
    let keepalive: NodeJS.Timeout | undefined;
    const stream = streaming ? startStream(res, sessionId) : () => undefined;
    const emit = (event: AgentEvent): void => {
      runs.observe(sessionId, event);
      stream(event);
    };
    if (streaming) keepalive = setInterval(() => res.write(': keepalive\n\n'), SSE_KEEPALIVE_MS);
    log({ level: 'info', msg: 'invocation started', runtime_session_id: sessionId, invocation_id: invocationId, permission_mode: request.permissionMode, streaming, async: request.async });
    const work = (async () => {
      try {
        const reply = await runInvocation(options, request, sessionId, abort.signal, emit, invocationId);
        runs.finish(sessionId, reply);
        log({
          level: reply.is_error ? 'error' : 'info', msg: 'invocation finished', runtime_session_id: sessionId,
          invocation_id: reply.session.invocation_id, is_error: reply.is_error, subtype: reply.subtype,
          files: reply.files.length, upload_errors: reply.upload_errors.length, duration_ms: reply.session.duration_ms,
          ...(reply.is_error ? { error: reply.error, stderr_tail: reply.details?.stderr_tail } : {}),
        });
        return reply;
      } finally {
        clearInterval(keepalive);
        running.delete(sessionId);
        done();
        finish();
      }
    })();
    if (request.async) {
      work.catch((error: unknown) => log({ level: 'error', msg: 'async invocation crashed', runtime_session_id: sessionId, error: String((error as Error)?.stack ?? error) }));
      return sendJson(res, 202, { status: 'running', runtime_session_id: sessionId, invocation_id: invocationId }, { [SESSION_HEADER]: sessionId });
    }
    const reply = await work;
    if (streaming) {
      stream({ type: 'result', ...reply });
      res.end();
    } else {
      sendJson(res, reply.is_error ? 500 : 200, reply, { [SESSION_HEADER]: sessionId });
    }
  }

  return {
    server,
    health,
    runs,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    async shutdown(graceMs = 30_000) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const { abort } of running.values()) abort.abort('the agent server is shutting down (SIGTERM)');
      const inFlight = Promise.all([...running.values()].map((r) => r.finished));
      await Promise.race([inFlight, new Promise((r) => setTimeout(r, graceMs).unref())]);
      server.closeAllConnections();
      await closed;
    },
  };
}

function startStream(res: ServerResponse, sessionId: string): (event: AgentEvent) => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    [SESSION_HEADER]: sessionId,
  });
  res.flushHeaders();
  return (event) => {
    if (!res.writableEnded) res.write(`data: ${JSON.stringify(event)}\n\n`);
  };
}

/** The body as text, or null when it exceeds `limit` bytes (the rest is drained, not kept). */
async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = declared > limit;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) over = true;
    if (!over) chunks.push(chunk as Buffer);
  }
  return over ? null : Buffer.concat(chunks).toString('utf8');
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  req.resume();
  sendJson(res, 405, { error: `Method ${req.method} not allowed on ${req.url}`, details: { allow } }, { allow });
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
