/**
 * The AgentCore Runtime HTTP contract on `node:http`:
 * - `GET /ping` → 200 `{"status":"Healthy"|"HealthyBusy","time_of_last_update":<unix s>}`
 * - `POST /invocations` → the agent's JSON reply (200, or 500 when the agent failed), or SSE
 *   events ending with a `result` event when the request has `Accept: text/event-stream`.
 * - Bad requests → 4xx `{"error": "...", "details": …}`; the server keeps serving.
 *
 * The workspace is chosen by `X-Amzn-Bedrock-AgentCore-Runtime-Session-Id` (generated when absent);
 * one invocation at a time per session (409 otherwise), at most `maxConcurrentSessions` sessions
 * running at once (429 with `Retry-After` otherwise).
 *
 * Limits on what a client can hold (all configurable, see {@link ServerLimits}): the request's
 * headers and body must arrive within `requestTimeoutMs` (the reply itself may take as long as the
 * agent runs); a body declared over `maxBodyBytes` is refused with 413 before it is read, and an
 * undeclared one as soon as it crosses the limit (the connection is then closed).
 *
 * Everything the server sends or logs passes through the redactor (redact.ts) as a whole
 * document: every string field of the reply, each SSE event, the status, log entries.
 *
 * Asynchronous runs: a payload with `"async": true` is answered at once with 202
 * `{"status":"running","runtime_session_id","invocation_id"}` and keeps running (so `/ping` says
 * `HealthyBusy` and AgentCore keeps the session alive); `{"action":"status"}` in the same
 * session answers with its latest run (runs.ts), including the final reply once done.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AgentEvent } from './vendor/protocol/events.js';
import { SESSION_HEADER_KEY as SESSION_HEADER, SSE_KEEPALIVE_FRAME, encodeSseEvent, MAX_SESSION_ID_LENGTH as MAX_SESSION_ID_CHARS } from './vendor/protocol/index.js';
import { Health } from './health.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runInvocation, saveSession, type InvocationEnvironment, type InvocationOutcome } from './invocation.js';
import { sessionDirName } from './workspace.js';
import { redactDeep, createRedactor } from './redact.js';
import type { AgentResponse } from './vendor/protocol/reply.js';
import type { RunStatusStore } from './run-status-store.js';
import { RunRegistry, type RunState } from './runs.js';
import { PayloadError, parseInvocationPayload } from './payload.js';
import { sessionInfo } from './response.js';

/** Header carrying the AgentCore runtime session id (lower case, as Node keys it); its longest value is AgentCore's `runtimeSessionId` limit. */
export { SESSION_HEADER, MAX_SESSION_ID_CHARS };
/** Default request body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Interval of SSE keep-alive comments, so idle proxies keep long runs open. */
export const SSE_KEEPALIVE_MS = 15_000;
/** Default time for a request's headers and body to arrive: 60 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/**
 * Default sessions running at once: each runs a Claude Code process (≈170 MB and up). AgentCore
 * gives every runtime session its own microVM, so more than one is a local (`dev`) situation.
 */
export const DEFAULT_MAX_CONCURRENT_SESSIONS = 4;
/** `Retry-After` (seconds) of a 429 when every session slot is busy. */
export const RETRY_AFTER_SECONDS = 10;

/** What an untrusted client can make the server hold, and for how long. */
export interface ServerLimits {
  /** Largest request body, bytes (default {@link DEFAULT_MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
  /** Time for the request's headers and body to arrive, ms (default {@link DEFAULT_REQUEST_TIMEOUT_MS}). */
  requestTimeoutMs?: number;
  /** Sessions running an invocation at once (default {@link DEFAULT_MAX_CONCURRENT_SESSIONS}). */
  maxConcurrentSessions?: number;
}

export interface AgentServerOptions extends InvocationEnvironment, ServerLimits {
  /** One structured log line (JSON) per event worth logging; default: stdout. */
  log?: (entry: Record<string, unknown>) => void;
  /** Where finished runs are kept so `status` outlives this microVM; absent → memory only. */
  runStatusStore?: RunStatusStore;
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
  const maxSessions = options.maxConcurrentSessions ?? DEFAULT_MAX_CONCURRENT_SESSIONS;
  const redact = options.redact ?? createRedactor(options.env, options.gitToken ? [options.gitToken] : []);
  const writeLog = options.log ?? ((entry) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`));
  const log = (entry: Record<string, unknown>): void => writeLog(redactDeep(entry, redact));
  const sendJson = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void => writeJson(res, status, redactDeep(value, redact), headers);
  /** Sessions busy with an invocation or an export (one at a time per session: both work in its files). */
  const running = new Map<string, { abort: AbortController; finished: Promise<void>; work: 'an invocation' | 'an export' }>();
  /** Sessions whose last invocation replied but whose save (and stored status) is still under way. */
  const persisting = new Map<string, Promise<void>>();
  let stopping = false;

  /**
   * Store the run status (never rejects). Stored when a run starts too, so that `sessions stop` learns
   * from S3, without invoking the session, which run is in progress.
   */
  async function storeRun(sessionId: string, state: RunState | undefined): Promise<void> {
    if (!options.runStatusStore || !state) return;
    await options.runStatusStore.save(redactDeep(state, redact)).catch((error: unknown) => {
      log({ level: 'warn', msg: 'could not store the run status', runtime_session_id: sessionId, error: String(error) });
    });
  }

  /** Wait for the session save, record its result in the run, store the run status. Never rejects. */
  async function persist(sessionId: string, outcome: InvocationOutcome | undefined, finished: RunState | undefined, started: Promise<void>): Promise<void> {
    await started; // the start's record must not land after the end's
    try {
      if (outcome?.persisted) {
        const saved = await outcome.persisted;
        outcome.reply.session_saved = saved;
        log({ level: saved.saved === true ? 'info' : 'warn', msg: 'session saved', runtime_session_id: sessionId, ...saved });
      }
    } catch (error) {
      log({ level: 'warn', msg: 'could not save the session', runtime_session_id: sessionId, error: String(error) });
    }
    if (finished && finished.status !== 'running') await storeRun(sessionId, finished);
  }

  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Node checks request timeouts on this interval (default 30 s): keep it a fraction of the limit.
  const server = createServer({ requestTimeout, connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(requestTimeout / 4))) }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      log({ level: 'error', msg: 'unhandled request error', error: String((error as Error)?.stack ?? error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error', details: { reason: String(error) } });
      else res.end();
    });
  });
  server.headersTimeout = Math.min(60_000, requestTimeout);
  server.keepAliveTimeout = 65_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The path as sent (never parsed as a URL: `//x` is a path here, not a host).
    const path = (req.url ?? '/').split('?')[0]!;
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
      // Refused before (or while) reading: close the connection instead of draining the rest.
      res.once('finish', () => req.destroy());
      return sendJson(res, 413, { error: `Request body exceeds ${maxBody} bytes`, details: { limit_bytes: maxBody } }, { connection: 'close' });
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
      const state = runs.get(sessionId) ?? (await options.runStatusStore?.load(sessionId).catch((error: unknown) => {
        log({ level: 'warn', msg: 'could not read the stored run status', runtime_session_id: sessionId, error: String(error) });
        return undefined;
      }));
      if (state?.status === 'running' && !runs.get(sessionId)) {
        // Stored as running, yet not running here: the microVM that ran it ended before its end was recorded.
        return sendJson(res, 200, {
          runtime_session_id: sessionId,
          status: 'unknown',
          reason: `run ${state.invocation_id} was in progress on a microVM that ended before recording its end (its files up to the last save: agentcore-claude download, agentcore-claude sessions)`,
        }, { [SESSION_HEADER]: sessionId });
      }
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
    if (request.action === 'export') return exportSession(res, sessionId);
    const busy = running.get(sessionId);
    if (busy) {
      return sendJson(res, 409, { error: `Session ${sessionId} is already running ${busy.work}`, details: { runtime_session_id: sessionId } });
    }
    if (running.size >= maxSessions) {
      return sendJson(res, 429, {
        error: `The agent server is running ${running.size} sessions, its limit (MAX_CONCURRENT_SESSIONS=${maxSessions})`,
        details: { limit: maxSessions, retry_after_seconds: RETRY_AFTER_SECONDS },
      }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }

    const abort = new AbortController();
    const invocationId = randomUUID();
    let finish!: () => void;
    running.set(sessionId, { abort, finished: new Promise<void>((r) => (finish = r)), work: 'an invocation' });
    runs.start(sessionId, invocationId);
    const startStored = storeRun(sessionId, runs.get(sessionId));
    const done = health.begin();
    const streaming = !request.async && (req.headers.accept ?? '').includes('text/event-stream');
    if (!request.async) {
      res.on('close', () => {
        if (!res.writableFinished) abort.abort('the client disconnected');
      });
    }
    let keepalive: NodeJS.Timeout | undefined;
    const stream = streaming ? startStream(res, sessionId, (event) => redactDeep(event, redact)) : () => undefined;
    const emit = (event: AgentEvent): void => {
      runs.observe(sessionId, event);
      stream(event);
    };
    if (streaming) keepalive = setInterval(() => res.write(SSE_KEEPALIVE_FRAME), SSE_KEEPALIVE_MS);
    log({ level: 'info', msg: 'invocation started', runtime_session_id: sessionId, invocation_id: invocationId, permission_mode: request.permissionMode, streaming, async: request.async });
    const work = (async () => {
      let outcome: InvocationOutcome | undefined;
      try {
        // The session's previous save must be durable before its workspace changes again.
        await persisting.get(sessionId);
        try {
          outcome = await runInvocation({ ...options, redact }, request, sessionId, abort.signal, emit, invocationId);
        } catch (error) {
          // Never leave the session locked or its status `running`: an internal failure is a reply too.
          log({ level: 'error', msg: 'invocation crashed', runtime_session_id: sessionId, error: String((error as Error)?.stack ?? error) });
          outcome = { reply: internalError(sessionId, invocationId, error) };
        }
        const reply = outcome.reply;
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
        const finished = runs.get(sessionId);
        // Durable in the background: /ping stays HealthyBusy, and shutdown waits, until it is.
        const durable = persist(sessionId, outcome, finished, startStored).finally(() => {
          if (persisting.get(sessionId) === durable) persisting.delete(sessionId);
          done();
          finish();
        });
        persisting.set(sessionId, durable);
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

  /**
   * `{"action":"export"}`: the session's archive written to S3 now (a base and its record), from the
   * files this microVM holds for it (on managed session storage, what the session's storage kept).
   * 200 with `exported: false` and the reason when there is nothing to export here.
   */
  async function exportSession(res: ServerResponse, sessionId: string): Promise<void> {
    const store = options.sessionStore;
    if (!store) {
      return sendJson(res, 400, { error: 'This agent server saves no sessions (OUTPUT_BUCKET_NAME unset or SESSION_PERSISTENCE=off)', details: { runtime_session_id: sessionId } });
    }
    const busy = running.get(sessionId);
    if (busy) {
      return sendJson(res, 409, { error: `Session ${sessionId} is running ${busy.work}; export it once that ends`, details: { runtime_session_id: sessionId } });
    }
    // The export holds the session like an invocation: nothing may change its files (or save them) while they are archived.
    let finish!: () => void;
    running.set(sessionId, { abort: new AbortController(), finished: new Promise<void>((r) => (finish = r)), work: 'an export' });
    const done = health.begin();
    try {
      await persisting.get(sessionId);
      const name = sessionDirName(sessionId);
      const files = await readdir(join(options.workspaceRoot, name)).catch(() => [] as string[]);
      if (files.length === 0) {
        return sendJson(res, 200, {
          runtime_session_id: sessionId, exported: false,
          reason: 'no files of this session here: it never ran, or its storage was reset (a new runtime version) or expired',
        }, { [SESSION_HEADER]: sessionId });
      }
      const previous = await store.record(name).catch(() => undefined);
      const saved = await saveSession(store, options.workspaceRoot, sessionId, {
        prompt: previous?.last_prompt ?? '', previous, invocation: false, claudeSessionId: options.claudeSessions.get(sessionId),
        ...(options.persistence === 'session-storage' ? { storage: 'session-storage' as const } : {}),
      });
      log({ level: saved.saved === true ? 'info' : 'warn', msg: 'session exported', runtime_session_id: sessionId, ...saved });
      return sendJson(res, 200, { runtime_session_id: sessionId, exported: saved.saved === true, ...saved }, { [SESSION_HEADER]: sessionId });
    } finally {
      running.delete(sessionId);
      done();
      finish();
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
      const inFlight = Promise.all([...running.values()].map((r) => r.finished)).then(() => Promise.all(persisting.values()));
      await Promise.race([inFlight, new Promise((r) => setTimeout(r, graceMs).unref())]);
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The reply for an invocation that failed inside the server (a bug or an unexpected fault). */
function internalError(runtimeSessionId: string, invocationId: string, error: unknown): AgentResponse {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    result: `The agent server failed: ${reason}`,
    is_error: true,
    subtype: 'error_internal',
    error: `The agent server failed: ${reason}`,
    details: { reason },
    session: sessionInfo({ runtimeSessionId, invocationId }, undefined, 0),
    files: [],
    upload_errors: [],
    output: { location: 'local', path: '', reason: 'the server failed before delivering' },
  };
}

function startStream(res: ServerResponse, sessionId: string, clean: (event: AgentEvent) => AgentEvent): (event: AgentEvent) => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    [SESSION_HEADER]: sessionId,
  });
  res.flushHeaders();
  return (event) => {
    if (!res.writableEnded) res.write(encodeSseEvent(clean(event)));
  };
}

/** The body as text, or null when it exceeds `limit` bytes (declared or read so far): reading stops there. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  req.resume();
  writeJson(res, 405, { error: `Method ${req.method} not allowed on ${req.url}`, details: { allow } }, { allow });
}

function writeJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
