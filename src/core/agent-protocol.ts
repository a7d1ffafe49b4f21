/**
 * The agent server's wire protocol as the CLI sees it, whatever the transport (local HTTP,
 * AgentCore InvokeAgentRuntime, API Gateway): the invocation payload, the JSON reply, the SSE
 * events, and the `{error, details}` body of refused requests. Schemas are loose (unknown fields
 * are kept) so a newer server never breaks an older CLI. Pure: no I/O.
 *
 * The producer is `container/src` (response.ts, events.ts); the e2e tests check both sides agree.
 */
import { z } from 'zod';

/** The `POST /invocations` payload (flat form; AgentCore also accepts `{"input": {…}}`). */
export interface InvocationPayload {
  prompt: string;
  permission_mode?: string;
  allowed_tools?: string[] | string;
  max_turns?: number;
  /** Stop once the run's estimated cost passes this many US dollars (SDK maxBudgetUsd; > 0, at most 10,000). */
  max_budget_usd?: number;
  model?: string;
  /** Reply at once with `status: "running"`; follow with a status request. */
  async?: boolean;
  /** Work on a clone of this Git repository (https://; file:// only on a local agent server: AGENT_ALLOW_FILE_REPOS=1). */
  repo?: string;
  branch?: string;
  base?: string;
}

/** The payload asking for a session's latest run. */
export const STATUS_PAYLOAD = { action: 'status' } as const;
/** The payload asking the agent to write the session's archive to S3 now (`sessions export`). */
export const EXPORT_PAYLOAD = { action: 'export' } as const;

/** The reply to {@link EXPORT_PAYLOAD}. */
export const exportReplySchema = z.looseObject({
  runtime_session_id: z.string(),
  exported: z.boolean(),
  file_count: z.number().optional(),
  archive_key: z.string().optional(),
  error: z.string().optional(),
  reason: z.string().optional(),
});
export type ExportReply = z.infer<typeof exportReplySchema>;

export const agentFileSchema = z.looseObject({
  file_name: z.string(),
  size: z.number(),
  s3_url: z.string().nullable(),
  console_url: z.string().nullable(),
  local_path: z.string().optional(),
});
export type AgentFile = z.infer<typeof agentFileSchema>;

export const outputLocationSchema = z.discriminatedUnion('location', [
  z.looseObject({ location: z.literal('s3'), bucket: z.string(), prefix: z.string(), s3_url: z.string(), console_url: z.string() }),
  z.looseObject({ location: z.literal('local'), path: z.string(), reason: z.string() }),
]);

/** The JSON reply of an invocation (also the `result` SSE event without its `type`). */
export const agentResponseSchema = z.looseObject({
  result: z.string(),
  is_error: z.boolean(),
  subtype: z.string().optional(),
  error: z.string().optional(),
  details: z.looseObject({ reason: z.string().optional(), stderr_tail: z.string().optional(), errors: z.array(z.string()).optional() }).optional(),
  session: z.looseObject({
    runtime_session_id: z.string(),
    claude_session_id: z.string().nullable(),
    invocation_id: z.string().optional(),
    duration_ms: z.number(),
    num_turns: z.number(),
    total_cost_usd: z.number(),
    usage: z.record(z.string(), z.unknown()).nullable().optional(),
    /** The run's budget in US dollars (null: none). */
    max_budget_usd: z.number().nullable().optional(),
  }),
  files: z.array(agentFileSchema),
  upload_errors: z.array(z.looseObject({ file_name: z.string(), error: z.string() })),
  output: outputLocationSchema.optional(),
  /** The invocation's SDK message stream (`transcript.jsonl`, secrets redacted). */
  transcript: agentFileSchema.optional(),
  /** Repository work: branch, base, changed files, the patch (or what went wrong). */
  repo: z
    .union([
      z.looseObject({
        work_branch: z.string(),
        base: z.string(),
        commit: z.string().nullable(),
        pushed: z.boolean(),
        changed_files: z.array(z.looseObject({ status: z.string(), path: z.string() })),
        patch: agentFileSchema.optional(),
      }),
      z.looseObject({ error: z.string() }),
    ])
    .optional(),
  /** Whether the session was saved to S3 for continuation on another microVM. */
  /** `pending`: the server replied first and saves the session while `/ping` says HealthyBusy. */
  session_saved: z.union([z.looseObject({ saved: z.literal(true), file_count: z.number() }), z.looseObject({ saved: z.literal(false), error: z.string() }), z.looseObject({ saved: z.literal('pending') })]).optional(),
});
export type AgentResponse = z.infer<typeof agentResponseSchema>;

/** The 202 reply of an async invocation. */
export const asyncStartSchema = z.looseObject({ status: z.literal('running'), runtime_session_id: z.string(), invocation_id: z.string() });
export type AsyncStart = z.infer<typeof asyncStartSchema>;

/** Progress events streamed before the final `result`. */
export const agentEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('start'), runtime_session_id: z.string(), invocation_id: z.string(), workspace: z.string() }),
  z.looseObject({ type: z.literal('init'), claude_session_id: z.string(), model: z.string(), permission_mode: z.string().optional(), claude_code_version: z.string().optional(), tools: z.array(z.string()) }),
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), summary: z.string() }),
  z.looseObject({ type: z.literal('tool_result'), tool_use_id: z.string(), name: z.string(), is_error: z.boolean(), summary: z.string() }),
  z.looseObject({ type: z.literal('upload'), count: z.number(), destination: z.string() }),
  z.looseObject({ type: z.literal('restore'), files: z.number(), refused: z.array(z.string()) }),
  /** Tokens so far in this invocation (input, output, cache read, cache creation); cost comes with `result`. */
  z.looseObject({
    type: z.literal('usage'),
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_read_input_tokens: z.number(),
    cache_creation_input_tokens: z.number(),
  }),
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
  agentResponseSchema.extend({ type: z.literal('result') }),
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;
export type ProgressEvent = Exclude<AgentEvent, { type: 'result' }>;

/** The reply to `{"action":"status"}`: the session's latest run on the agent (container/src/runs.ts). */
export const runStateSchema = z.looseObject({
  runtime_session_id: z.string(),
  invocation_id: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  turns: z.number(),
  last_event: z.looseObject({ type: z.string() }).nullable(),
  files_so_far: z.array(z.string()),
  response: agentResponseSchema.nullable(),
});
export type RunState = z.infer<typeof runStateSchema>;

/** The status reply when the agent has no run of the session (new microVM, or never ran there). */
export const unknownRunSchema = z.looseObject({ runtime_session_id: z.string(), status: z.literal('unknown'), reason: z.string() });
export const statusReplySchema = z.union([runStateSchema, unknownRunSchema]);
export type StatusReply = z.infer<typeof statusReplySchema>;

/** Body of a refused request (4xx): what is wrong, and details (e.g. the valid tool names). */
export const agentErrorBodySchema = z.looseObject({ error: z.string(), details: z.unknown().optional() });
export type AgentErrorBody = z.infer<typeof agentErrorBodySchema>;

/** Event types this CLI knows; others (from newer servers) are skipped by {@link parseAgentEvent}. */
const KNOWN_EVENTS = new Set(['start', 'init', 'text', 'tool_use', 'tool_result', 'upload', 'restore', 'retry', 'usage', 'result']);

/**
 * Parse one SSE `data:` payload. Returns undefined for an event type this CLI does not know.
 * @throws Error when the JSON is malformed or a known event has the wrong shape.
 */
export function parseAgentEvent(data: string): AgentEvent | undefined {
  const json: unknown = JSON.parse(data);
  const type = (json as { type?: unknown })?.type;
  if (typeof type !== 'string' || !KNOWN_EVENTS.has(type)) return undefined;
  return agentEventSchema.parse(json);
}

/**
 * Split an SSE text buffer into complete events' `data` (multi-line data joined by `\n`;
 * comments such as `: keepalive` and other fields skipped) and the unfinished rest.
 * Frames end with a blank line (`\n\n`, or `\r\n\r\n`).
 */
export function splitSseFrames(buffer: string): { data: string[]; rest: string } {
  const normalized = buffer.replace(/\r\n/g, '\n');
  const data: string[] = [];
  let start = 0;
  let end: number;
  while ((end = normalized.indexOf('\n\n', start)) >= 0) {
    const frame = normalized.slice(start, end);
    start = end + 2;
    const lines = frame.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
    if (lines.length > 0) data.push(lines.join('\n'));
  }
  return { data, rest: normalized.slice(start) };
}
