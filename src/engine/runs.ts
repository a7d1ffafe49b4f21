/**
 * Asynchronous runs (`invoke --async`) and their status (`status`): the agent replies at once
 * and keeps working in its runtime session (reporting `HealthyBusy`, so AgentCore keeps the
 * session alive up to its maximum lifetime); a status request in the same session reads its progress.
 */
import { asyncStartSchema, STATUS_PAYLOAD, statusReplySchema, type AsyncStart, type StatusReply } from '@agentcore-claude/protocol';
import { waitUntil, type WaitDefaults, type WaitOptions } from '../aws/wait.js';
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

/** Delays between status requests, in seconds: 1 s, growing to 10 s. */
export const RUN_WAIT: WaitDefaults = { minDelay: 1, maxDelay: 10 };

/**
 * Ask {@link runStatus} until the run is no longer `running`.
 * @param onPoll called with each reply.
 * @returns the last reply (`succeeded`, `failed`, or `unknown`).
 * @throws CliError (exit 3, `WAIT_TIMEOUT`) past `wait.deadline` (default: none); the signal's
 *   reason when it aborts.
 */
export async function waitForRun(transport: AgentTransport, sessionId: string, wait: WaitOptions = {}, onPoll?: (reply: StatusReply) => void): Promise<StatusReply> {
  const check = async () => {
    const reply = await runStatus(transport, sessionId, wait.signal);
    onPoll?.(reply);
    return reply.status === 'running' ? undefined : reply;
  };
  return waitUntil(check, wait, RUN_WAIT, () =>
    new CliError(`The run in session ${sessionId} is still running.`, {
      hint: `Check again later: agentcore-claude status --session ${sessionId} --wait`,
      code: 'WAIT_TIMEOUT',
    }),
  );
}
