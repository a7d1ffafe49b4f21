/**
 * The JSON reply of `POST /invocations`: its shape is the protocol's (vendor/protocol/reply.ts);
 * here, the session metadata the server fills in from the SDK's result.
 */
import type { SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import type { AgentResponse } from './vendor/protocol/reply.js';

export type { AgentResponse, OutputLocation, RepoWork, SessionSaved } from './vendor/protocol/reply.js';
/** A file of the reply (outputs, transcript, patch): the protocol's `AgentFile`. */
export type { AgentFile as ResponseFile } from './vendor/protocol/reply.js';

/** Session metadata from the SDK result (zeros when the run ended before one). */
export function sessionInfo(ids: { runtimeSessionId: string; claudeSessionId?: string; invocationId: string }, result: SDKResultMessage | undefined, wallMs: number, maxBudgetUsd?: number): AgentResponse['session'] {
  return {
    runtime_session_id: ids.runtimeSessionId,
    claude_session_id: ids.claudeSessionId ?? null,
    invocation_id: ids.invocationId,
    duration_ms: result?.duration_ms ?? wallMs,
    num_turns: result?.num_turns ?? 0,
    total_cost_usd: result?.total_cost_usd ?? 0,
    usage: (result?.usage as Record<string, unknown> | undefined) ?? null,
    max_budget_usd: maxBudgetUsd ?? null,
  };
}
