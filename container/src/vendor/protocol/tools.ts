// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.
/**
 * The Claude Code tool names the agent server accepts in `allowed_tools`.
 *
 * Source: the tool set reported by Claude Code 2.1.x in its `system/init` message and the tool
 * input schemas of `@anthropic-ai/claude-agent-sdk` (`sdk-tools.d.ts`). MCP tools are named
 * `mcp__<server>__<tool>` and are accepted by prefix. A permission rule such as `Bash(git:*)` is
 * accepted when the name before `(` is valid (Claude Code's allowedTools rule syntax).
 *
 * The original scripts' default list named tools that never existed in Claude Code (`Replace`,
 * `Search`, `List`, `AskFollowup`); they are rejected with the valid names listed.
 */
import { hasLoneSurrogate } from './grammar.js';

export const CLAUDE_CODE_TOOLS = [
  'Bash', 'Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'NotebookEdit',
  'WebFetch', 'WebSearch', 'TodoWrite', 'Task', 'Agent', 'TaskCreate', 'TaskGet', 'TaskUpdate',
  'TaskList', 'TaskStop', 'BashOutput', 'KillShell', 'Monitor', 'ExitPlanMode', 'EnterPlanMode',
  'Skill', 'SlashCommand', 'ToolSearch', 'AskUserQuestion', 'ListMcpResourcesTool', 'ReadMcpResourceTool',
  'EnterWorktree', 'ExitWorktree', 'CronCreate', 'CronDelete', 'CronList', 'ScheduleWakeup',
  'SendMessage', 'ListAgents', 'Workflow', 'ReportFindings',
] as const;

/**
 * Tools auto-approved when the payload names none: what an autonomous coding agent needs to read,
 * write, run and research, and nothing that waits for a human (no AskUserQuestion).
 */
export const DEFAULT_ALLOWED_TOOLS = ['Bash', 'Read', 'Write', 'Edit', 'Glob', 'Grep', 'WebFetch', 'WebSearch', 'TodoWrite'];

const KNOWN = new Set<string>(CLAUDE_CODE_TOOLS);

/** Most entries `allowed_tools` may hold. */
export const MAX_ALLOWED_TOOLS = 128;
/** Longest `allowed_tools` entry (characters), e.g. a long `Bash(…)` rule. */
export const MAX_TOOL_ENTRY_CHARS = 512;

/**
 * Why an `allowed_tools` entry is refused, or `undefined`. Accepted: a known tool
 * ({@link CLAUDE_CODE_TOOLS}), `mcp__<server>` or `mcp__<server>__<tool>`, or a permission rule
 * `Tool(rule)` of a known tool (Claude Code's allowedTools rule syntax, e.g. `Bash(npm test:*)`).
 * A rule's parentheses must balance and it holds no control characters, NUL or lone surrogates:
 * the SDK joins the entries with `,` into one `--allowedTools` argument, so an entry must not
 * close its rule and start another one (`Bash(x),Write(y`). At most {@link MAX_TOOL_ENTRY_CHARS}.
 */
export function toolEntryProblem(entry: string): string | undefined {
  if (entry.length === 0) return 'must not be empty';
  if (entry.length > MAX_TOOL_ENTRY_CHARS) return `must be at most ${MAX_TOOL_ENTRY_CHARS} characters`;
  if (entry.startsWith('-')) return 'must not start with "-" (it would be read as a command-line option)';
  if (/[\u0000-\u001f\u007f]/.test(entry)) return 'must not contain NUL or control characters';
  if (hasLoneSurrogate(entry)) return 'must not contain unpaired UTF-16 surrogates';
  if (/^mcp__[A-Za-z0-9_-]+(__[A-Za-z0-9_.-]+)?$/.test(entry)) return undefined;
  const rule = /^([A-Za-z]+)\((.+)\)$/.exec(entry);
  if (!KNOWN.has(rule ? (rule[1] ?? '') : entry)) return 'is not a known tool';
  if (rule && !balanced(rule[2] ?? '')) return 'has unbalanced parentheses in its rule';
  return undefined;
}

/** True for a valid `allowed_tools` entry (see {@link toolEntryProblem}). */
export function isValidToolName(entry: string): boolean {
  return toolEntryProblem(entry) === undefined;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth += 1;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
