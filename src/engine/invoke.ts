/**
 * `invoke`: send a task to an agent through a transport and return its reply. The transport
 * decides where the agent runs (local server, AgentCore, API Gateway); this module decides what
 * is sent: the payload, the runtime session id, and how progress reaches the caller.
 */
import type { AgentResponse, InvocationPayload, ProgressEvent } from '@agentcore-claude/protocol';
import { UsageError } from '../core/errors.js';
import { newRuntimeSessionId, validateRuntimeSessionId } from '../core/runtime-session.js';
import type { AgentTransport } from './transports/transport.js';

export interface InvokeRequest {
  prompt: string;
  permissionMode?: string;
  allowedTools?: string[];
  maxTurns?: number;
  /** Budget of the run in US dollars (payload `max_budget_usd`). */
  maxBudgetUsd?: number;
  model?: string;
  /** Continue in this runtime session (same workspace); default: a new session. */
  sessionId?: string;
  /** Work on a clone of this Git repository (`repo`, optional `branch` and `base`). */
  repo?: { url: string; branch?: string; base?: string };
}

export interface InvokeOutcome {
  response: AgentResponse;
  runtimeSessionId: string;
  target: string;
}

/**
 * Build the payload (flat form) from a request.
 * @throws UsageError for an empty prompt.
 */
export function buildPayload(request: InvokeRequest): InvocationPayload {
  if (!request.prompt.trim()) throw new UsageError('The task prompt is empty.', { hint: 'Pass the task as an argument: agentcore-claude invoke --local "Create a hello world app"', code: 'EMPTY_PROMPT' });
  const payload: InvocationPayload = { prompt: request.prompt };
  if (request.permissionMode) payload.permission_mode = request.permissionMode;
  if (request.allowedTools) payload.allowed_tools = request.allowedTools;
  if (request.maxTurns !== undefined) payload.max_turns = request.maxTurns;
  if (request.maxBudgetUsd !== undefined) payload.max_budget_usd = request.maxBudgetUsd;
  if (request.model) payload.model = request.model;
  if (request.repo) {
    payload.repo = request.repo.url;
    if (request.repo.branch) payload.branch = request.repo.branch;
    if (request.repo.base) payload.base = request.repo.base;
  }
  return payload;
}

/**
 * Invoke the agent through `transport`, reporting progress events to `onEvent`.
 * @returns the reply (check `response.is_error`) and the runtime session id used.
 * @throws UsageError for a bad prompt or session id; whatever the transport throws.
 */
export async function invokeAgent(
  transport: AgentTransport,
  request: InvokeRequest,
  onEvent: (event: ProgressEvent) => void,
  signal?: AbortSignal,
): Promise<InvokeOutcome> {
  const payload = buildPayload(request);
  const runtimeSessionId = request.sessionId ? validateRuntimeSessionId(request.sessionId) : newRuntimeSessionId();
  const response = await transport.invoke(payload, { runtimeSessionId, onEvent, signal });
  return { response, runtimeSessionId: response.session.runtime_session_id || runtimeSessionId, target: transport.target };
}
