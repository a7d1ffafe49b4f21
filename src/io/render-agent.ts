/**
 * Rendering of agent progress and replies for people, shared by every `invoke` transport.
 * Pure string builders; the command decides where they go (progress → stderr, result → stdout).
 */
import type { AgentResponse, ProgressEvent } from '@agentcore-claude/protocol';

/** One progress line for an event, or undefined for events not worth a line. */
export function formatEvent(event: ProgressEvent): string | undefined {
  switch (event.type) {
    case 'start':
      return `session ${event.runtime_session_id} · workspace ${event.workspace}`;
    case 'init':
      return `Claude Code${event.claude_code_version ? ` ${event.claude_code_version}` : ''} started (model ${event.model}${event.permission_mode ? `, permission mode ${event.permission_mode}` : ''})`;
    case 'text':
      return indent(event.text.trim(), '│ ');
    case 'tool_use':
      return `→ ${event.name}${event.summary ? ` ${event.summary}` : ''}`;
    case 'tool_result':
      // Failures always say why; successes show output only for commands (file tools just confirm).
      if (event.is_error) return `  ✗ ${event.name} failed${event.summary ? `: ${event.summary}` : ''}`;
      return `  ✓ ${event.name}${event.name === 'Bash' && event.summary ? `: ${event.summary}` : ''}`;
    case 'upload':
      return `uploading ${event.count} file(s) to ${event.destination}`;
    case 'restore':
      return `session restored from S3 (${event.files} file(s))${event.refused.length > 0 ? `; refused: ${event.refused.join('; ')}` : ''}`;
    case 'usage':
      return undefined;
    case 'retry':
      return `↻ model API ${event.error_status === null ? 'unreachable' : `error ${event.error_status}`}${event.error ? ` (${event.error})` : ''}: retry ${event.attempt}/${event.max_retries} in ${Math.round(event.retry_delay_ms / 1000)} s`;
  }
}

/**
 * Why retrying a model API request cannot succeed, or undefined when it may: 401 (invalid API
 * key or credentials) and 403 (no access to the model, or the API key lacks permission) do not
 * change between attempts, so `invoke` stops at the first such retry instead of waiting minutes.
 */
export function unfixableRetry(event: ProgressEvent): { reason: string; hint: string } | undefined {
  if (event.type !== 'retry') return undefined;
  if (event.error_status === 401) {
    return {
      reason: `the model API rejected the credentials (HTTP 401${event.error ? `: ${event.error}` : ''})`,
      hint: 'Check ANTHROPIC_API_KEY (or, with CLAUDE_CODE_USE_BEDROCK=1, your AWS credentials) where the agent runs, then invoke again.',
    };
  }
  if (event.error_status === 403) {
    return {
      reason: `the model API refused access (HTTP 403${event.error ? `: ${event.error}` : ''})`,
      hint: 'Enable access to the model (Amazon Bedrock console → Model access, or your Anthropic plan), or pick another with --model.',
    };
  }
  return undefined;
}

/** Short spinner text for the current activity. */
export function activityText(event: ProgressEvent): string | undefined {
  if (event.type === 'tool_use') return `Running ${event.name}${event.summary ? ` ${event.summary}` : ''}`;
  if (event.type === 'tool_result' || event.type === 'init' || event.type === 'text') return 'Agent working…';
  if (event.type === 'upload') return `Uploading ${event.count} file(s)…`;
  if (event.type === 'retry') return `Model API ${event.error_status ?? 'unreachable'}: retry ${event.attempt}/${event.max_retries}…`;
  return undefined;
}

/**
 * Tokens so far, for the progress line: `tokens 12.3k in · 1.1k out` (cache reads and writes
 * counted as input). The cost in US dollars is known only with the result (the SDK reports it
 * there), so the line names the budget to compare against instead.
 */
export function formatUsage(event: ProgressEvent, budgetUsd?: number): string | undefined {
  if (event.type !== 'usage') return undefined;
  const input = event.input_tokens + event.cache_read_input_tokens + event.cache_creation_input_tokens;
  return `tokens ${formatCount(input)} in · ${formatCount(event.output_tokens)} out${budgetUsd !== undefined ? ` · budget $${budgetUsd}` : ''}`;
}

/** `950`, `12.3k`, `4.1M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** `$0.0123`: a cost in US dollars as the summaries print it. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** The result text the agent produced (stdout). */
export function formatResultText(response: AgentResponse): string {
  return response.result.trim() || '(the agent returned no text)';
}

/**
 * The summary after a run: files and where they are, session ids, cost/turns/duration, and how
 * to continue the session.
 */
export function formatSummary(response: AgentResponse, options: { continueCommand?: string } = {}): string {
  const lines: string[] = [];
  const { files, output } = response;
  if (files.length === 0) {
    lines.push('Files: none created or changed');
  } else {
    const where = output?.location === 's3' ? output.s3_url : output?.location === 'local' ? `${output.path} (local: ${output.reason})` : '';
    lines.push(`Files (${files.length})${where ? ` → ${where}` : ''}`);
    const width = Math.min(48, Math.max(...files.map((f) => f.file_name.length)));
    for (const file of files) {
      const location = file.s3_url ?? file.local_path ?? '';
      lines.push(`  ${file.file_name.padEnd(width)}  ${formatBytes(file.size).padStart(8)}  ${location}`);
    }
    if (output?.location === 's3') lines.push(`  console: ${output.console_url}`);
  }
  for (const failure of response.upload_errors) lines.push(`  upload failed: ${failure.file_name}: ${failure.error}`);
  const repo = response.repo;
  if (repo && 'error' in repo) lines.push(`Repository: ${repo.error}`);
  else if (repo) {
    lines.push(`Repository: branch ${repo.work_branch}${repo.pushed ? ' (pushed)' : ''}, ${repo.changed_files.length} file(s) changed against ${repo.base.slice(0, 12)}`);
    for (const file of repo.changed_files) lines.push(`  ${file.status} ${file.path}`);
    if (repo.patch) lines.push(`  patch: ${repo.patch.s3_url ?? repo.patch.local_path ?? repo.patch.file_name}`);
  }
  if (response.transcript) lines.push(`Transcript: ${response.transcript.s3_url ?? response.transcript.local_path ?? response.transcript.file_name}`);
  const s = response.session;
  lines.push(`Session: ${s.runtime_session_id}${s.claude_session_id ? ` (Claude session ${s.claude_session_id})` : ''}`);
  const budget = typeof s.max_budget_usd === 'number' ? ` (budget $${s.max_budget_usd})` : '';
  lines.push(`Cost: ${formatUsd(s.total_cost_usd)}${budget} · turns: ${s.num_turns} · duration: ${formatDuration(s.duration_ms)}`);
  if (response.subtype === 'error_max_budget_usd') lines.push('Stopped by its budget: the files above are what it did so far; continue with a larger --max-budget-usd.');
  if (options.continueCommand) lines.push(`Continue in this workspace: ${options.continueCommand}`);
  return lines.join('\n');
}

/** The error block for a failed run: reason and the last lines of Claude Code's stderr. */
export function formatFailure(response: AgentResponse, stderrLines = 15): string {
  const lines = [`The agent failed${response.subtype ? ` (${response.subtype})` : ''}: ${response.result}`];
  const tail = response.details?.stderr_tail?.trim();
  if (tail) {
    lines.push('Claude Code stderr (last lines):');
    lines.push(indent(tail.split('\n').slice(-stderrLines).join('\n'), '  '));
  }
  return lines.join('\n');
}

/** `1.2 KiB`-style size. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((line) => prefix + line).join('\n');
}
