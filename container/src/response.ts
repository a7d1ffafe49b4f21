/**
 * The JSON reply of `POST /invocations` (also the last SSE event, as `{"type":"result", …}`).
 * A superset of the original scripts' reply: `result`, `is_error`, `session`, `files`,
 * `upload_errors`, plus where the outputs are (`output`) and, on failure, `error`/`details`.
 */
import type { SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import type { UploadError } from './uploader.js';

export interface ResponseFile {
  /** Path relative to the session workspace (`/` separators). */
  file_name: string;
  size: number;
  /** `s3://bucket/outputs/…/<file_name>`, or null when the file was not uploaded. */
  s3_url: string | null;
  console_url: string | null;
  /** Where the file is in the agent's filesystem (the container, or your machine for `dev`). */
  local_path: string;
}

export type OutputLocation =
  | { location: 's3'; bucket: string; prefix: string; s3_url: string; console_url: string }
  | { location: 'local'; path: string; reason: string };

export interface AgentResponse {
  /** The agent's final text (or the error message when it failed). */
  result: string;
  is_error: boolean;
  /** The SDK result subtype (`success`, `error_max_turns`, `error_max_budget_usd`, `error_during_execution`, …) or `error_process`, `error_aborted`, `error_no_model_access`. */
  subtype: string;
  /** On failure: what failed, and details such as the Claude Code process's stderr tail. */
  error?: string;
  details?: { reason: string; stderr_tail?: string; errors?: string[] };
  session: {
    runtime_session_id: string;
    claude_session_id: string | null;
    invocation_id: string;
    duration_ms: number;
    num_turns: number;
    /** Estimated cost of this invocation in US dollars (the SDK's `total_cost_usd`; 0 when no result came). */
    total_cost_usd: number;
    usage: Record<string, unknown> | null;
    /** The budget the run had (payload `max_budget_usd`, else the server's `MAX_BUDGET_USD`), null for none. */
    max_budget_usd?: number | null;
  };
  files: ResponseFile[];
  upload_errors: UploadError[];
  output: OutputLocation;
  /** The invocation's SDK message stream (`transcript.jsonl`, secrets redacted): in S3 beside the outputs, and on the agent's disk. */
  transcript?: ResponseFile;
  /** Repository work (payload `repo`): the work branch, base, what changed, and the patch. */
  repo?: RepoWork | { error: string };
  /**
   * Whether the session (workspace + Claude transcript) was saved to S3 for continuation on another
   * microVM. The reply is sent before the save ends (`pending`); `/ping` says `HealthyBusy` until
   * it is durable, and the run's status then carries the final value.
   */
  session_saved?: SessionSaved;
}

/**
 * `storage: 'session-storage'`: the files stay on AgentCore managed session storage and only the
 * session's record was written; `archive_key`: the S3 key of the archive's base.
 */
export type SessionSaved =
  | { saved: true; file_count: number; storage?: 'session-storage'; archive_key?: string }
  | { saved: false; error: string }
  | { saved: 'pending' };

export interface RepoWork {
  work_branch: string;
  /** Commit SHA the patch is made against. */
  base: string;
  /** Commit of this invocation's changes, null when it changed nothing. */
  commit: string | null;
  pushed: boolean;
  /** Everything changed on the work branch against the base. */
  changed_files: Array<{ status: string; path: string }>;
  /** `changes.patch` (git format-patch of base..work branch; `git am` applies it). */
  patch?: ResponseFile;
}

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
