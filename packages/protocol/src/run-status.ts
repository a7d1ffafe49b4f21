/**
 * The reply to `{"action":"status"}`: the session's latest run on the agent (kept in memory and in
 * `runs/<name>.json`), or `unknown` when the agent has no run of the session.
 */
import { z } from 'zod';
import { agentResponseSchema } from './reply.js';

export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The status document (field names are a contract with `agentcore-claude status`). */
export const runStateSchema = z.looseObject({
  runtime_session_id: z.string(),
  invocation_id: z.string(),
  status: z.enum(RUN_STATUSES),
  /** ISO-8601 UTC. */
  started_at: z.string(),
  finished_at: z.string().nullable(),
  /** Assistant turns so far (tool-use rounds seen in the stream; the final count once done). */
  turns: z.number(),
  /** The latest progress event (not the final `result`), or null before the first; any event type. */
  last_event: z.looseObject({ type: z.string() }).nullable(),
  /** Workspace-relative paths the agent wrote or edited so far (from Write/Edit tool uses). */
  files_so_far: z.array(z.string()),
  /** The final reply, once done. */
  response: agentResponseSchema.nullable(),
});
export type RunState = z.infer<typeof runStateSchema>;

/** The status reply when the agent has no run of the session (new microVM, or never ran there). */
export const unknownRunSchema = z.looseObject({ runtime_session_id: z.string(), status: z.literal('unknown'), reason: z.string() });
export type UnknownRun = z.infer<typeof unknownRunSchema>;
export const statusReplySchema = z.union([runStateSchema, unknownRunSchema]);
export type StatusReply = z.infer<typeof statusReplySchema>;
