/**
 * Validation of the `POST /invocations` payload. Two forms are accepted:
 * - the original scripts' AgentCore form `{"input": {"prompt": …, "permission_mode": …, "allowed_tools": …}}`
 * - the flat form `{"prompt": …, …}` sent through API Gateway.
 *
 * The payload is untrusted: no field may reach a shell or be read as a command-line option, so
 * every string that reaches a command line follows a strict grammar (grammar.ts, tools.ts).
 *
 * Fields: `prompt` (required, non-empty string, at most {@link MAX_PROMPT_CHARS} characters, no NUL
 * or lone surrogates), `permission_mode` (SDK mode or alias, default `acceptEdits`),
 * `allowed_tools` (comma-separated string or array, at most {@link MAX_ALLOWED_TOOLS} entries of
 * at most {@link MAX_TOOL_ENTRY_CHARS} characters, see `toolEntryProblem`; default
 * {@link DEFAULT_ALLOWED_TOOLS}), `max_turns` (integer 1–{@link MAX_TURNS_LIMIT}, default 50),
 * `model` (optional: Claude Code alias, `claude-…` name or Bedrock model id / inference profile /
 * ARN, see `modelIdProblem`), `async` (boolean: reply at once with `status: "running"` and keep
 * working), `repo` (`https://` URL; `file://` only with `allowFileRepos`, see
 * `repoUrlProblem`) + optional `branch` (Git branch name, `refNameProblem`) / `base` (branch name
 * or commit SHA, `baseRefProblem`): work on a clone of that Git repository. `max_budget_usd`
 * (number > 0, at most {@link MAX_BUDGET_USD_LIMIT}): the Agent SDK's `maxBudgetUsd`, the run stops
 * with subtype `error_max_budget_usd` once its estimated cost passes it (default: the server's
 * `MAX_BUDGET_USD`, else none). Unknown fields are ignored so newer clients can talk to older servers.
 *
 * Every refusal is a {@link PayloadError} (400) whose `details.issues` lists `{field, message}`:
 * the field (`(payload)` for the body as a whole, `allowed_tools.<i>` for one entry) and the rule.
 *
 * `{"action": "status"}` (either form) asks for the session's latest run instead (no prompt);
 * `{"action": "export"}` writes the session's archive to S3 (no prompt).
 */
import { z } from 'zod';
import { MAX_BUDGET_USD_LIMIT } from './limits.js';
import { baseRefProblem, modelIdProblem, refNameProblem, repoUrlProblem, textProblem } from './grammar.js';
import { DEFAULT_PERMISSION_MODE, PERMISSION_MODE_ALIASES, PERMISSION_MODE_VALUES, PERMISSION_MODES, type PermissionMode } from './permission-modes.js';
import { CLAUDE_CODE_TOOLS, DEFAULT_ALLOWED_TOOLS, MAX_ALLOWED_TOOLS, MAX_TOOL_ENTRY_CHARS, toolEntryProblem } from './tools.js';

/**
 * The `POST /invocations` payload as a client sends it (flat form; AgentCore also accepts
 * `{"input": {…}}`). What the server accepts of it is {@link parseInvocationPayload}'s to say.
 */
export interface InvocationPayload {
  prompt: string;
  permission_mode?: string;
  allowed_tools?: string[] | string;
  max_turns?: number;
  /** Stop once the run's estimated cost passes this many US dollars (SDK maxBudgetUsd; > 0, at most {@link MAX_BUDGET_USD_LIMIT}). */
  max_budget_usd?: number;
  model?: string;
  /** Reply at once with `status: "running"`; follow with a status request. */
  async?: boolean;
  /** Work on a clone of this Git repository (https://; file:// only on a local agent server). */
  repo?: string;
  branch?: string;
  base?: string;
}

/** The payload asking for a session's latest run. */
export const STATUS_PAYLOAD = { action: 'status' } as const;
/** The payload asking the agent to write the session's archive to S3 now (`sessions export`). */
export const EXPORT_PAYLOAD = { action: 'export' } as const;
/** The actions a payload may name instead of a prompt. */
export const PAYLOAD_ACTIONS = ['status', 'export'] as const;

/** Body of the HTTP API's `POST /invoke` (the Lambda bridge): the payload fields plus `session_id`. */
export interface HttpApiPayload extends Pick<InvocationPayload, 'prompt' | 'permission_mode' | 'allowed_tools' | 'max_turns' | 'model'> {
  /** The runtime session id to use (33–256 characters, AgentCore's `runtimeSessionId`). */
  session_id?: string;
}

/** A repository to work on: URL, optional branch to create or reuse, optional base ref. */
export interface RepoSpec {
  repo: string;
  branch?: string;
  base?: string;
}
export const DEFAULT_MAX_TURNS = 50;
export const MAX_TURNS_LIMIT = 1000;
export { MAX_BUDGET_USD_LIMIT } from './limits.js';
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
  /** Stop the run once its estimated cost passes this many US dollars (SDK `maxBudgetUsd`); absent → the server's default. */
  maxBudgetUsd?: number;
  /** Reply at once (`202`, `status: "running"`) and run in the background. */
  async: boolean;
  /** Work on a clone of this repository (see git-workspace.ts). */
  repo?: RepoSpec;
}

/** `{"action":"status"}`: report the session's latest run. */
export interface StatusRequest {
  action: 'status';
}

/** `{"action":"export"}`: write the session's archive to S3 now (`agentcore-claude sessions export`). */
export interface ExportRequest {
  action: 'export';
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

/** Options of {@link parseInvocationPayload}. */
export interface ParseOptions {
  /** Accept `file://` repository URLs (the agent server: `AGENT_ALLOW_FILE_REPOS=1`, local development). */
  allowFileRepos: boolean;
}

/** A field-level refusal as listed in `details.issues`. */
export interface PayloadIssue {
  field: string;
  message: string;
}

/** At most this many issues are listed in one refusal (a huge array must not make a huge reply). */
const MAX_ISSUES = 20;

const modeSchema = z
  .string({ error: 'must be a string' })
  .transform((value) => (Object.hasOwn(PERMISSION_MODE_ALIASES, value) ? PERMISSION_MODE_ALIASES[value] : value) as string)
  .pipe(z.enum(PERMISSION_MODES, { error: `must be one of ${PERMISSION_MODE_VALUES.join(', ')}` }));

/** A budget in US dollars: a finite number > 0 and at most {@link MAX_BUDGET_USD_LIMIT}. */
export const budgetSchema = z
  .number({ error: 'must be a number (US dollars)' })
  .refine((n) => Number.isFinite(n) && n > 0, 'must be greater than 0')
  .refine((n) => n <= MAX_BUDGET_USD_LIMIT, `must be at most ${MAX_BUDGET_USD_LIMIT}`);

/** Longest comma-separated `allowed_tools` string. */
const MAX_TOOLS_STRING_CHARS = MAX_ALLOWED_TOOLS * (MAX_TOOL_ENTRY_CHARS + 2);

/**
 * `allowed_tools`: a comma-separated string or an array of strings; entries trimmed, empty ones
 * dropped. Grammar problems (length, control characters, `-`, unbalanced rule) are issues here;
 * names of unknown tools are reported afterwards with the list of valid ones.
 */
const toolsSchema = z.unknown().transform((value, ctx): string[] => {
  const shape = 'must be a comma-separated string or an array of tool names';
  let raw: unknown[];
  if (typeof value === 'string') {
    if (value.length > MAX_TOOLS_STRING_CHARS) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_TOOLS_STRING_CHARS} characters` });
      return z.NEVER;
    }
    raw = value.split(',');
  } else if (Array.isArray(value)) {
    raw = value;
  } else {
    ctx.addIssue({ code: 'custom', message: shape });
    return z.NEVER;
  }
  if (raw.length > MAX_ALLOWED_TOOLS) {
    ctx.addIssue({ code: 'custom', message: `must hold at most ${MAX_ALLOWED_TOOLS} entries (got ${raw.length})` });
    return z.NEVER;
  }
  const tools: string[] = [];
  let issues = 0;
  raw.forEach((entry, index) => {
    if (issues >= MAX_ISSUES) return;
    if (typeof entry !== 'string') {
      issues += 1;
      ctx.addIssue({ code: 'custom', path: [index], message: 'each tool name must be a string' });
      return;
    }
    const tool = entry.trim();
    if (tool === '') return;
    const problem = toolEntryProblem(tool);
    if (problem && problem !== 'is not a known tool') {
      issues += 1;
      ctx.addIssue({ code: 'custom', path: [index], message: problem });
      return;
    }
    tools.push(tool);
  });
  return issues > 0 ? z.NEVER : tools;
});

/** A string field checked by a grammar function (`problem` returns why it is refused). */
function grammarString(problem: (value: string) => string | undefined) {
  return z.string({ error: 'must be a string' }).superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });
}

function fieldsSchema(options: ParseOptions) {
  return z.object({
    prompt: z
      .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
      .refine((p) => p.length <= MAX_PROMPT_CHARS, `must be at most ${MAX_PROMPT_CHARS} characters`)
      .refine((p) => p.trim().length > 0, 'must not be empty')
      .superRefine((p, ctx) => {
        const reason = p.length <= MAX_PROMPT_CHARS ? textProblem(p) : undefined;
        if (reason) ctx.addIssue({ code: 'custom', message: reason });
      }),
    permission_mode: modeSchema.optional(),
    allowed_tools: toolsSchema.optional(),
    max_turns: z
      .number({ error: 'must be an integer' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(MAX_TURNS_LIMIT, `must be at most ${MAX_TURNS_LIMIT}`)
      .optional(),
    model: grammarString(modelIdProblem).optional(),
    max_budget_usd: budgetSchema.optional(),
    async: z.boolean({ error: 'must be true or false' }).optional(),
    repo: grammarString((url) => repoUrlProblem(url, options)).optional(),
    branch: grammarString(refNameProblem).optional(),
    base: grammarString(baseRefProblem).optional(),
  });
}

const schemas = new Map<boolean, ReturnType<typeof fieldsSchema>>();

/**
 * Parse and validate a request body (already size-checked).
 * @param options `allowFileRepos`: whether `file://` repository URLs are accepted.
 * @throws PayloadError (400), `details.issues` naming each field and rule, for invalid JSON, a
 *   non-object, a missing/empty/non-string prompt, wrong field types, a value outside its grammar,
 *   an unknown permission mode, or unknown tool names (details also list `unknown_tools` and `valid_tools`).
 */
export function parseInvocationPayload(body: string, options: ParseOptions): InvocationRequest | StatusRequest | ExportRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const reason = (error as Error).message;
    throw new PayloadError('Request body is not valid JSON', { reason, issues: [{ field: '(payload)', message: `is not valid JSON: ${reason}` }] });
  }
  if (!isObject(json)) {
    throw new PayloadError('Request body must be a JSON object', { received: typeOf(json), issues: [{ field: '(payload)', message: 'must be a JSON object' }] });
  }
  const fields = Object.hasOwn(json, 'input') ? json.input : json;
  if (!isObject(fields)) {
    throw new PayloadError('"input" must be a JSON object', { received: typeOf(fields), issues: [{ field: 'input', message: 'must be a JSON object' }] });
  }
  if (Object.hasOwn(fields, 'action') && fields.action !== undefined) {
    if (fields.action === 'status') return { action: 'status' };
    if (fields.action === 'export') return { action: 'export' };
    throw new PayloadError('Unknown action', {
      received: typeof fields.action === 'string' ? fields.action.slice(0, 64) : typeOf(fields.action),
      valid_actions: [...PAYLOAD_ACTIONS],
      issues: [{ field: 'action', message: 'must be "status" or "export" (or absent, to invoke the agent)' }],
    });
  }
  let schema = schemas.get(options.allowFileRepos);
  if (!schema) schemas.set(options.allowFileRepos, (schema = fieldsSchema(options)));
  const parsed = schema.safeParse(fields);
  if (!parsed.success) {
    const issues: PayloadIssue[] = parsed.error.issues
      .slice(0, MAX_ISSUES)
      .map((issue) => ({ field: issue.path.map(String).join('.') || '(payload)', message: issue.message }));
    const first = issues[0];
    throw new PayloadError(`Invalid payload: ${first?.field} ${first?.message}`, { issues });
  }
  const data = parsed.data;
  if ((data.branch || data.base) && !data.repo) {
    throw new PayloadError('Invalid payload: branch and base need repo', { issues: [{ field: data.branch ? 'branch' : 'base', message: 'needs repo' }] });
  }
  const allowedTools = data.allowed_tools ?? DEFAULT_ALLOWED_TOOLS;
  const unknown = allowedTools.filter((tool) => toolEntryProblem(tool) !== undefined);
  if (unknown.length > 0) {
    throw new PayloadError(`Unknown tool name(s) in allowed_tools: ${unknown.join(', ')}`, {
      unknown_tools: unknown,
      valid_tools: [...CLAUDE_CODE_TOOLS, 'mcp__<server>__<tool>'],
      issues: unknown.slice(0, MAX_ISSUES).map((tool) => ({ field: 'allowed_tools', message: `names an unknown tool: ${tool}` })),
    });
  }
  return {
    action: 'invoke',
    prompt: data.prompt,
    permissionMode: data.permission_mode ?? DEFAULT_PERMISSION_MODE,
    allowedTools,
    maxTurns: data.max_turns ?? DEFAULT_MAX_TURNS,
    model: data.model,
    ...(data.max_budget_usd !== undefined ? { maxBudgetUsd: data.max_budget_usd } : {}),
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
