/**
 * Runs one Claude Code query with `query()` from `@anthropic-ai/claude-agent-sdk`.
 *
 * The Claude Code process gets the session workspace as `cwd`, an explicit `env` (see
 * `agentEnvironment`), the permission mode, auto-approved tools and turn limit of the request, and
 * an AbortController tied to `signal`. Its stderr is captured (last {@link STDERR_TAIL_CHARS}
 * characters) so a failure carries the reason — the original scripts' hardest-won lesson.
 * `resume` continues an earlier Claude session (same `cwd` and config dir needed). Claude Code runs
 * in its own process group, as the agent's user when isolation is on (agent-user.ts); when the run
 * ends, that group and every process carrying the run's marker are killed, so nothing the agent
 * started in the background outlives it.
 */
import { query, type SDKMessage, type SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { agentSpawner, killRun, RUN_MARKER_VARIABLE, startRun, type AgentIdentity } from './agent-user.js';
import type { InvocationRequest } from './vendor/protocol/payload.js';

/** Characters of the process's stderr kept for error reports. */
export const STDERR_TAIL_CHARS = 4000;

/** One Claude Code run: the validated request's prompt, mode, tools, turns and model, and where and how to run. */
export interface AgentRun extends Pick<InvocationRequest, 'prompt' | 'permissionMode' | 'allowedTools' | 'maxTurns' | 'maxBudgetUsd' | 'model'> {
  cwd: string;
  /** Complete environment for the Claude Code process (the SDK's `env` replaces, not merges). */
  env: Record<string, string | undefined>;
  /** Claude session id to continue. */
  resume?: string;
  /** Skills to enable (installed under `<cwd>/.claude/skills`); loads project settings. */
  skills?: string[];
  /** Aborts the run (client gone, SIGTERM). */
  signal: AbortSignal;
  /** Every SDK message, in order. */
  onMessage?: (message: SDKMessage) => void;
  /** Path of the Claude Code executable; default: the SDK's platform package. */
  executable?: string;
  /** The user Claude Code runs as (see agent-user.ts); default: the server's own. */
  identity?: AgentIdentity;
}

export interface AgentRunResult {
  /** The SDK's final `result` message, when the run got that far. */
  result?: SDKResultMessage;
  /** Claude session id (from the init message or the result). */
  claudeSessionId?: string;
  /** Set when the SDK threw (process exited non-zero, aborted, could not start). */
  failure?: { message: string; stderrTail: string };
  /** The captured stderr tail (also on success, for logs). */
  stderrTail: string;
}

/** Run the agent to its end. Never throws: failures are returned in `failure`. */
export async function runAgent(run: AgentRun): Promise<AgentRunResult> {
  let stderr = '';
  const abortController = new AbortController();
  const onAbort = (): void => abortController.abort(run.signal.reason);
  if (run.signal.aborted) onAbort();
  else run.signal.addEventListener('abort', onAbort, { once: true });
  let result: SDKResultMessage | undefined;
  let claudeSessionId: string | undefined;
  let pid: number | undefined;
  const marker = startRun();
  const onStderr = (data: string): void => {
    stderr = (stderr + data).slice(-STDERR_TAIL_CHARS);
  };
  try {
    const messages = query({
      prompt: run.prompt,
      options: {
        cwd: run.cwd,
        env: { ...run.env, [RUN_MARKER_VARIABLE]: marker },
        permissionMode: run.permissionMode,
        allowDangerouslySkipPermissions: run.permissionMode === 'bypassPermissions',
        allowedTools: run.allowedTools,
        maxTurns: run.maxTurns,
        ...(run.maxBudgetUsd !== undefined ? { maxBudgetUsd: run.maxBudgetUsd } : {}),
        model: run.model,
        resume: run.resume,
        ...(run.skills && run.skills.length > 0 ? { settingSources: ['user', 'project', 'local'] as const, skills: run.skills } : {}),
        abortController,
        systemPrompt: { type: 'preset', preset: 'claude_code' },
        pathToClaudeCodeExecutable: run.executable,
        spawnClaudeCodeProcess: agentSpawner(run.identity, onStderr, (spawned) => (pid = spawned)),
      },
    });
    for await (const message of messages) {
      if (message.type === 'system' && message.subtype === 'init') claudeSessionId = message.session_id;
      if (message.type === 'result') {
        result = message;
        claudeSessionId = message.session_id;
      }
      run.onMessage?.(message);
    }
    return { result, claudeSessionId, stderrTail: stderr };
  } catch (error) {
    const message = run.signal.aborted ? `aborted: ${String(run.signal.reason ?? 'request cancelled')}` : errorText(error);
    return { result, claudeSessionId, failure: { message, stderrTail: stderr }, stderrTail: stderr };
  } finally {
    run.signal.removeEventListener('abort', onAbort);
    // Whatever the agent left running (background shells, servers) ends with its run.
    await killRun(pid, marker, run.identity);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
