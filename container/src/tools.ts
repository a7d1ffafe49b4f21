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

/** True for a valid `allowed_tools` entry: a known tool, `mcp__…`, or `Tool(rule)` of a known tool. */
export function isValidToolName(entry: string): boolean {
  if (/^mcp__[A-Za-z0-9_-]+(__[A-Za-z0-9_.-]+)?$/.test(entry)) return true;
  const rule = /^([A-Za-z]+)\((.+)\)$/.exec(entry);
  return KNOWN.has(rule ? (rule[1] ?? '') : entry);
}
