/**
 * Validation of the `POST /invocations` payload. Two forms are accepted:
 * - the original scripts' AgentCore form `{"input": {"prompt": …, "permission_mode": …, "allowed_tools": …}}`
 * - the flat form `{"prompt": …, …}` sent through API Gateway.
 *
 * Fields: `prompt` (required, non-empty string, at most {@link MAX_PROMPT_CHARS} characters),
 * `permission_mode` (SDK mode or alias, default `acceptEdits`), `allowed_tools` (comma-separated
 * string or array, default {@link DEFAULT_ALLOWED_TOOLS}), `max_turns` (1–{@link MAX_TURNS_LIMIT},
 * default 50), `model` (optional model id override), `async` (reply at once with
 * `status: "running"` and keep working), `repo` + optional `branch`/`base` (work on a clone of
 * that Git repository). Unknown fields are ignored so newer clients can talk to older servers.
 *
 * `{"action": "status"}` (either form) asks for the session's latest run instead (no prompt).
 */
import { z } from 'zod';
import { repoUrlProblem, type RepoSpec } from './git-workspace.js';
import { CLAUDE_CODE_TOOLS, DEFAULT_ALLOWED_TOOLS, isValidToolName } from './tools.js';

/** Permission modes of the Claude Agent SDK the server passes through. */
export const PERMISSION_MODES = ['default', 'acceptEdits', 'bypassPermissions', 'plan', 'dontAsk'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** Names the original scripts documented, mapped to the SDK's modes. */
export const PERMISSION_MODE_ALIASES: Record<string, PermissionMode> = {
  acceptAll: 'bypassPermissions',
  manual: 'default',
};

export const DEFAULT_PERMISSION_MODE: PermissionMode = 'acceptEdits';
export const DEFAULT_MAX_TURNS = 50;
export const MAX_TURNS_LIMIT = 1000;
/** Longest accepted prompt (characters); the body limit applies too. */
export const MAX_PROMPT_CHARS = 200_000;

/** A validated invocation request. */
export interface InvocationRequest {
  action: 'invoke';
  prompt: string;
  permissionMode: PermissionMode;
  allowedTools: string[];
  maxTurns: number;
  model?: string;
  /** Reply at once (`202`, `status: "running"`) and run in the background. */
  async: boolean;
  /** Work on a clone of this repository (see git-workspace.ts). */
  repo?: RepoSpec;
}

/** `{"action":"status"}`: report the session's latest run. */
export interface StatusRequest {
  action: 'status';
}

/** A payload the server refuses: answered as HTTP `status` with `{error, details}`. */
export class PayloadError extends Error {
  constructor(
    message: string,
    readonly details: unknown,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'PayloadError';
  }
}

const modeSchema = z
  .string()
  .transform((value) => PERMISSION_MODE_ALIASES[value] ?? value)
  .pipe(z.enum(PERMISSION_MODES, {
    error: `must be one of ${[...PERMISSION_MODES, ...Object.keys(PERMISSION_MODE_ALIASES)].join(', ')}`,
  }));

const toolsSchema = z
  .union([z.string(), z.array(z.string({ error: 'each tool name must be a string' }))], {
    error: 'must be a comma-separated string or an array of tool names',
  })
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((t) => t.trim()).filter(Boolean));

const fieldsSchema = z.object({
  prompt: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .refine((p) => p.trim().length > 0, 'must not be empty')
    .refine((p) => p.length <= MAX_PROMPT_CHARS, `must be at most ${MAX_PROMPT_CHARS} characters`),
  permission_mode: modeSchema.optional(),
  allowed_tools: toolsSchema.optional(),
  max_turns: z
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(MAX_TURNS_LIMIT, `must be at most ${MAX_TURNS_LIMIT}`)
    .optional(),
  model: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(256).optional(),
  async: z.boolean({ error: 'must be true or false' }).optional(),
  repo: z
    .string({ error: 'must be a string' })
    .superRefine((url, ctx) => {
      const problem = repoUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  branch: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(256).optional(),
  base: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(256).optional(),
});

/**
 * Parse and validate a request body (already size-checked).
 * @throws PayloadError (400) for invalid JSON, a non-object, a missing/empty/non-string prompt,
 *   wrong field types, an unknown permission mode, or unknown tool names (details list the valid ones).
 */
export function parseInvocationPayload(body: string): InvocationRequest | StatusRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new PayloadError('Request body is not valid JSON', { reason: (error as Error).message });
  }
  if (!isObject(json)) throw new PayloadError('Request body must be a JSON object', { received: typeOf(json) });
  const fields = 'input' in json ? json.input : json;
  if (!isObject(fields)) throw new PayloadError('"input" must be a JSON object', { received: typeOf(fields) });
  if ('action' in fields && fields.action !== undefined) {
    if (fields.action === 'status') return { action: 'status' };
    throw new PayloadError('Unknown action', { received: fields.action, valid_actions: ['status'] });
  }
  const parsed = fieldsSchema.safeParse(fields);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(payload)', message: issue.message }));
    const first = issues[0];
    throw new PayloadError(`Invalid payload: ${first?.field} ${first?.message}`, { issues });
  }
  const data = parsed.data;
  if ((data.branch || data.base) && !data.repo) {
    throw new PayloadError('Invalid payload: branch and base need repo', { issues: [{ field: data.branch ? 'branch' : 'base', message: 'needs repo' }] });
  }
  const allowedTools = data.allowed_tools ?? DEFAULT_ALLOWED_TOOLS;
  const unknown = allowedTools.filter((tool) => !isValidToolName(tool));
  if (unknown.length > 0) {
    throw new PayloadError(`Unknown tool name(s) in allowed_tools: ${unknown.join(', ')}`, {
      unknown_tools: unknown,
      valid_tools: [...CLAUDE_CODE_TOOLS, 'mcp__<server>__<tool>'],
    });
  }
  return {
    action: 'invoke',
    prompt: data.prompt,
    permissionMode: data.permission_mode ?? DEFAULT_PERMISSION_MODE,
    allowedTools,
    maxTurns: data.max_turns ?? DEFAULT_MAX_TURNS,
    model: data.model,
    async: data.async ?? false,
    repo: data.repo ? { repo: data.repo, branch: data.branch, base: data.base } : undefined,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
