// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.
/**
 * Server-sent events of an invocation (`Accept: text/event-stream`), before the final `result`:
 * `start` (accepted: runtime session id, workspace), `init` (Claude Code started: claude session
 * id, model, permission mode, version, tools), `text` (assistant text), `tool_use` (tool name and
 * a short summary of its input), `tool_result` (status of a tool call), `upload` (files about to
 * be uploaded), `restore` (the session was restored from S3 on this microVM: files, and when the
 * archive was refused as a whole its `refusal` code; `sanitized`: settings stripped of commands),
 * `retry` (a model API request failed and Claude Code retries it), `usage` (tokens so far in this
 * invocation, summed over its model responses as they stream; the cost in US dollars comes with
 * `result` — the SDK reports cost only there), then `result` (the JSON reply).
 * Frames: sse.ts.
 */
import { z } from 'zod';
import { agentResponseSchema } from './reply.js';

/** Tokens used so far (Anthropic Messages API `usage` names). */
export const tokenUsageSchema = z.object({
  input_tokens: z.number(),
  output_tokens: z.number(),
  cache_read_input_tokens: z.number(),
  cache_creation_input_tokens: z.number(),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export const agentEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('start'), runtime_session_id: z.string(), invocation_id: z.string(), workspace: z.string() }),
  z.looseObject({ type: z.literal('init'), claude_session_id: z.string(), model: z.string(), permission_mode: z.string().optional(), claude_code_version: z.string().optional(), tools: z.array(z.string()) }),
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), summary: z.string() }),
  z.looseObject({ type: z.literal('tool_result'), tool_use_id: z.string(), name: z.string(), is_error: z.boolean(), summary: z.string() }),
  z.looseObject({ type: z.literal('upload'), count: z.number(), destination: z.string() }),
  z.looseObject({ type: z.literal('restore'), files: z.number(), refused: z.array(z.string()), refusal: z.string().optional(), sanitized: z.array(z.string()).optional() }),
  /**
   * A model API request failed and Claude Code will retry it (the SDK's `system`/`api_retry`
   * message): attempt n of max_retries, after retry_delay_ms; error_status is the HTTP status, or
   * null for a connection error (no network, timeout).
   */
  z.looseObject({
    type: z.literal('retry'),
    attempt: z.number(),
    max_retries: z.number(),
    retry_delay_ms: z.number(),
    error_status: z.number().nullable(),
    error: z.string().optional(),
  }),
  z.looseObject({ type: z.literal('usage'), ...tokenUsageSchema.shape }),
  agentResponseSchema.extend({ type: z.literal('result') }),
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;
export type ProgressEvent = Exclude<AgentEvent, { type: 'result' }>;

/** The event types of this protocol; others (from newer servers) are skipped by {@link parseAgentEvent}. */
export const AGENT_EVENT_TYPES: readonly AgentEvent['type'][] = ['start', 'init', 'text', 'tool_use', 'tool_result', 'upload', 'restore', 'retry', 'usage', 'result'];

/**
 * Parse one SSE `data:` payload. Returns undefined for an event type this protocol does not know.
 * @throws Error when the JSON is malformed or a known event has the wrong shape.
 */
export function parseAgentEvent(data: string): AgentEvent | undefined {
  const json: unknown = JSON.parse(data);
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(AGENT_EVENT_TYPES as readonly string[]).includes(type)) return undefined;
  return agentEventSchema.parse(json);
}
