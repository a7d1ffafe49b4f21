// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.
/**
 * The JSON reply of `POST /invocations` (also the last SSE event, as `{"type":"result", …}`), the
 * 202 reply of an async invocation, and the `{error, details}` body of refused requests.
 *
 * The agent server builds these (types: `z.infer` of the schemas); the CLI parses them with the
 * same schemas. Objects are loose (unknown fields kept) so a newer server never breaks an older
 * CLI; fields that servers before this protocol did not send are optional.
 */
import { z } from 'zod';

/** One file of the reply: an output, the transcript or the patch. */
export const agentFileSchema = z.looseObject({
  /** Path relative to the session workspace (`/` separators). */
  file_name: z.string(),
  size: z.number(),
  /** `s3://bucket/outputs/…/<file_name>`, or null when the file was not uploaded. */
  s3_url: z.string().nullable(),
  console_url: z.string().nullable(),
  /** Where the file is in the agent's filesystem (the container, or your machine for `dev`). */
  local_path: z.string().optional(),
});
export type AgentFile = z.infer<typeof agentFileSchema>;

/** Where the outputs of the invocation are. */
export const outputLocationSchema = z.discriminatedUnion('location', [
  z.looseObject({ location: z.literal('s3'), bucket: z.string(), prefix: z.string(), s3_url: z.string(), console_url: z.string() }),
  z.looseObject({ location: z.literal('local'), path: z.string(), reason: z.string() }),
]);
export type OutputLocation = z.infer<typeof outputLocationSchema>;

/** Session metadata of a reply (zeros when the run ended before Claude Code reported a result). */
export const replySessionSchema = z.looseObject({
  runtime_session_id: z.string(),
  claude_session_id: z.string().nullable(),
  invocation_id: z.string().optional(),
  duration_ms: z.number(),
  num_turns: z.number(),
  total_cost_usd: z.number(),
  usage: z.record(z.string(), z.unknown()).nullable().optional(),
  /** The run's budget in US dollars (payload `max_budget_usd`, else the server's `MAX_BUDGET_USD`); null: none. */
  max_budget_usd: z.number().nullable().optional(),
});
export type ReplySession = z.infer<typeof replySessionSchema>;

/** Repository work (payload `repo`): the work branch, base, what changed, and the patch. */
export const repoWorkSchema = z.looseObject({
  work_branch: z.string(),
  /** Commit SHA the patch is made against. */
  base: z.string(),
  /** Commit of this invocation's changes, null when it changed nothing. */
  commit: z.string().nullable(),
  pushed: z.boolean(),
  /** Everything changed on the work branch against the base. */
  changed_files: z.array(z.looseObject({ status: z.string(), path: z.string() })),
  /** `changes.patch` (git format-patch of base..work branch; `git am` applies it). */
  patch: agentFileSchema.optional(),
});
export type RepoWork = z.infer<typeof repoWorkSchema>;

/**
 * Whether the session was saved to S3 for continuation on another microVM. The reply is sent
 * before the save ends (`pending`); `/ping` says `HealthyBusy` until it is durable, and the run's
 * status then carries the final value.
 */
export const sessionSavedSchema = z.union([
  /**
   * `storage: 'session-storage'`: the files stay on AgentCore managed session storage and only the
   * session's record was written; `archive_key`: the S3 key of the archive's base.
   */
  z.looseObject({ saved: z.literal(true), file_count: z.number(), storage: z.literal('session-storage').optional(), archive_key: z.string().optional() }),
  z.looseObject({ saved: z.literal(false), error: z.string() }),
  z.looseObject({ saved: z.literal('pending') }),
]);
export type SessionSaved = z.infer<typeof sessionSavedSchema>;

/** A file that could not be uploaded, and why. */
export const uploadErrorSchema = z.looseObject({ file_name: z.string(), error: z.string() });
export type UploadError = z.infer<typeof uploadErrorSchema>;

/** The JSON reply of an invocation (also the `result` SSE event without its `type`). */
export const agentResponseSchema = z.looseObject({
  /** The agent's final text (or the error message when it failed). */
  result: z.string(),
  is_error: z.boolean(),
  /** The SDK result subtype (`success`, `error_max_turns`, `error_max_budget_usd`, …) or `error_process`, `error_aborted`, `error_no_model_access`, `error_internal`. */
  subtype: z.string().optional(),
  /** On failure: what failed, and details such as the Claude Code process's stderr tail. */
  error: z.string().optional(),
  details: z.looseObject({ reason: z.string().optional(), stderr_tail: z.string().optional(), errors: z.array(z.string()).optional() }).optional(),
  session: replySessionSchema,
  files: z.array(agentFileSchema),
  upload_errors: z.array(uploadErrorSchema),
  output: outputLocationSchema.optional(),
  /** The invocation's SDK message stream (`transcript.jsonl`, secrets redacted). */
  transcript: agentFileSchema.optional(),
  /** Repository work: branch, base, changed files, the patch (or what went wrong). */
  repo: z.union([repoWorkSchema, z.looseObject({ error: z.string() })]).optional(),
  session_saved: sessionSavedSchema.optional(),
});
export type AgentResponse = z.infer<typeof agentResponseSchema>;

/** The 202 reply of an async invocation. */
export const asyncStartSchema = z.looseObject({ status: z.literal('running'), runtime_session_id: z.string(), invocation_id: z.string() });
export type AsyncStart = z.infer<typeof asyncStartSchema>;

/** Body of a refused request (4xx): what is wrong, and details (e.g. `issues`, the valid tool names). */
export const agentErrorBodySchema = z.looseObject({ error: z.string(), details: z.unknown().optional() });
export type AgentErrorBody = z.infer<typeof agentErrorBodySchema>;

/** The reply to `{"action":"export"}` (`sessions export`): whether the archive was written, and where. */
export const exportReplySchema = z.looseObject({
  runtime_session_id: z.string(),
  exported: z.boolean(),
  file_count: z.number().optional(),
  archive_key: z.string().optional(),
  /** What went wrong writing it. */
  error: z.string().optional(),
  /** Why there was nothing to export (e.g. the session storage was reset and never exported). */
  reason: z.string().optional(),
});
export type ExportReply = z.infer<typeof exportReplySchema>;
