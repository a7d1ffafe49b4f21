/**
 * Asynchronous runs (`invoke --async`) and their status (`status`): the agent replies at once
 * and keeps working in its runtime session (reporting `HealthyBusy`, so AgentCore keeps the
 * session alive up to its maximum lifetime); a status request in the same session reads its progress.
 */
import { asyncStartSchema, STATUS_PAYLOAD, statusReplySchema, type AsyncStart, type StatusReply } from '@agentcore-claude/protocol';
import { CliError, UsageError } from '../core/errors.js';
import { errorForStatus } from './transports/agent-stream.js';
import { canCall, type AgentTransport, type JsonCallTransport } from './transports/transport.js';
import { buildPayload, type InvokeRequest } from './invoke.js';
import { newRuntimeSessionId, validateRuntimeSessionId } from '../core/runtime-session.js';

/** The transport's JSON calls. @throws UsageError for a transport without them (the HTTP API). */
export function callable(transport: AgentTransport, what: string): JsonCallTransport {
  if (canCall(transport)) return transport;
  throw new UsageError(`${what} is not available through the ${transport.target}.`, {
    hint: 'Use the deployed runtime (without --api) or --local.',
    code: 'UNSUPPORTED_TRANSPORT',
  });
}

/**
 * Start a run and return as soon as the agent accepted it.
 * @throws UsageError for a transport without JSON calls (the HTTP API) or a refused request;
 *   CliError when the reply is not an async start.
 */
export async function startAsyncRun(transport: AgentTransport, request: InvokeRequest, signal?: AbortSignal): Promise<AsyncStart> {
  const agent = callable(transport, 'An asynchronous run');
  const runtimeSessionId = request.sessionId ? validateRuntimeSessionId(request.sessionId) : newRuntimeSessionId();
  const answer = await agent.call({ ...buildPayload(request), async: true }, { runtimeSessionId, signal });
  const start = asyncStartSchema.safeParse(answer.body);
  if (answer.status < 300 && start.success) return start.data;
  throw errorForStatus(answer.status, answer.body, agent.target);
}

/**
 * The latest run of a runtime session, as the agent serving that session reports it.
 * @throws UsageError for a bad session id or a transport without JSON calls; CliError for a reply
 *   that is not a status.
 */
export async function runStatus(transport: AgentTransport, sessionId: string, signal?: AbortSignal): Promise<StatusReply> {
  const agent = callable(transport, 'The status of a run');
  const answer = await agent.call(STATUS_PAYLOAD, { runtimeSessionId: validateRuntimeSessionId(sessionId), signal });
  const reply = statusReplySchema.safeParse(answer.body);
  if (answer.status < 300 && reply.success) return reply.data;
  if (answer.status >= 300) throw errorForStatus(answer.status, answer.body, agent.target);
  throw new CliError(`The ${agent.target} answered the status request with something else: ${JSON.stringify(answer.body).slice(0, 300)}`, {
    hint: 'Is the deployed agent older than this CLI? Run `agentcore-claude deploy` to update it.',
    code: 'BAD_STATUS_REPLY',
  });
}

export interface WaitOptions {
  /** First poll interval in ms (doubles up to `maxIntervalMs`); default 1000. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Give up after this many ms; default: never. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onPoll?: (reply: StatusReply) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Poll {@link runStatus} until the run is no longer `running`.
 * @returns the last reply (`succeeded`, `failed`, or `unknown`).
 * @throws CliError (exit 3) when `timeoutMs` passes first.
 */
export async function waitForRun(transport: AgentTransport, sessionId: string, options: WaitOptions = {}): Promise<StatusReply> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let interval = options.intervalMs ?? 1000;
  for (;;) {
    const reply = await runStatus(transport, sessionId, options.signal);
    options.onPoll?.(reply);
    if (reply.status !== 'running') return reply;
    if (Date.now() + interval > deadline) {
      throw new CliError(`The run in session ${sessionId} is still running.`, {
        hint: `Check again later: agentcore-claude status --session ${sessionId} --wait`,
        code: 'WAIT_TIMEOUT',
      });
    }
    await sleep(interval);
    interval = Math.min(interval * 2, options.maxIntervalMs ?? 10_000);
  }
}
