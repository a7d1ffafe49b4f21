/**
 * The SSE events of an invocation from the Claude Agent SDK's messages. The events themselves
 * (types and fields) are the protocol's (vendor/protocol/events.ts); the last is always
 * `{"type":"result", …}` carrying exactly the JSON reply of a non-streaming request.
 */
import { relative } from 'node:path';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { AgentEvent, TokenUsage } from './vendor/protocol/events.js';

export type { AgentEvent } from './vendor/protocol/events.js';


/** Longest summary, in characters. */
export const SUMMARY_CHARS = 120;

/**
 * A one-line summary of a tool call's input for progress display: the file (relative to `cwd`) for
 * file tools, the command for Bash, the pattern for searches, the URL or query for web tools.
 * Pure; never throws on odd input.
 */
export function summarizeToolInput(name: string, input: unknown, cwd: string): string {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const str = (key: string): string | undefined => (typeof fields[key] === 'string' ? (fields[key] as string) : undefined);
  const path = (key: string): string | undefined => {
    const value = str(key);
    if (value === undefined) return undefined;
    const rel = relative(cwd, value);
    return rel && !rel.startsWith('..') ? rel : value;
  };
  let summary: string | undefined;
  switch (name) {
    case 'Write':
    case 'Edit':
    case 'MultiEdit':
    case 'Read':
      summary = path('file_path');
      break;
    case 'NotebookEdit':
      summary = path('notebook_path');
      break;
    case 'Bash':
      summary = str('command');
      break;
    case 'Glob':
    case 'Grep':
      summary = [str('pattern'), path('path')].filter(Boolean).join(' in ');
      break;
    case 'WebFetch':
      summary = str('url');
      break;
    case 'WebSearch':
      summary = str('query');
      break;
    case 'TodoWrite':
      summary = Array.isArray(fields.todos) ? `${fields.todos.length} todo(s)` : undefined;
      break;
    case 'Task':
    case 'Agent':
      summary = str('description');
      break;
  }
  return oneLine(summary ?? JSON.stringify(fields));
}

/** First line of `text`, whitespace collapsed, cut to {@link SUMMARY_CHARS} with `…`. */
export function oneLine(text: string): string {
  const line = (text.split('\n').find((l) => l.trim()) ?? '').replace(/\s+/g, ' ').trim();
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}

/**
 * Turns SDK messages into events. Stateful only to name tool results after their tool call.
 */
export class EventMapper {
  private readonly toolNames = new Map<string, string>();
  /** Latest usage of each model response (several assistant messages share one response id). */
  private readonly usages = new Map<string, TokenUsage>();

  constructor(private readonly cwd: string) {}

  /** The events for one SDK message (possibly none). The final `result` is built elsewhere. */
  map(message: SDKMessage): AgentEvent[] {
    if (message.type === 'system' && message.subtype === 'init') {
      return [{
        type: 'init', claude_session_id: message.session_id, model: message.model,
        permission_mode: message.permissionMode, claude_code_version: message.claude_code_version, tools: message.tools,
      }];
    }
    if (message.type === 'system' && message.subtype === 'api_retry') {
      return [{
        type: 'retry', attempt: message.attempt, max_retries: message.max_retries, retry_delay_ms: message.retry_delay_ms,
        error_status: message.error_status, ...(message.error ? { error: String(message.error) } : {}),
      }];
    }
    if (message.type === 'assistant') {
      const events: AgentEvent[] = [];
      const usage = this.usage(message.message as unknown as { id?: string; usage?: Record<string, unknown> }, message.parent_tool_use_id);
      for (const block of message.message.content) {
        if (block.type === 'text' && block.text.trim()) events.push({ type: 'text', text: block.text });
        if (block.type === 'tool_use') {
          this.toolNames.set(block.id, block.name);
          events.push({ type: 'tool_use', id: block.id, name: block.name, summary: summarizeToolInput(block.name, block.input, this.cwd) });
        }
      }
      if (usage) events.push(usage);
      return events;
    }
    if (message.type === 'user' && Array.isArray(message.message.content)) {
      const events: AgentEvent[] = [];
      for (const block of message.message.content) {
        if (block.type !== 'tool_result') continue;
        events.push({
          type: 'tool_result',
          tool_use_id: block.tool_use_id,
          name: this.toolNames.get(block.tool_use_id) ?? 'unknown',
          is_error: block.is_error === true,
          summary: oneLine(resultText(block.content)),
        });
      }
      return events;
    }
    return [];
  }

  /** Record one assistant message's usage; the new running total when it changed, else undefined. */
  private usage(message: { id?: string; usage?: Record<string, unknown> }, parent: string | null): AgentEvent | undefined {
    const raw = message.usage;
    if (!raw || typeof raw !== 'object') return undefined;
    const count = (key: string): number => (typeof raw[key] === 'number' && Number.isFinite(raw[key]) ? (raw[key] as number) : 0);
    const next: TokenUsage = {
      input_tokens: count('input_tokens'),
      output_tokens: count('output_tokens'),
      cache_read_input_tokens: count('cache_read_input_tokens'),
      cache_creation_input_tokens: count('cache_creation_input_tokens'),
    };
    const key = `${parent ?? ''}/${message.id ?? this.usages.size}`;
    const before = this.usages.get(key);
    if (before && (Object.keys(next) as (keyof TokenUsage)[]).every((k) => before[k] === next[k])) return undefined;
    this.usages.set(key, next);
    const total: TokenUsage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    for (const u of this.usages.values()) for (const k of Object.keys(total) as (keyof TokenUsage)[]) total[k] += u[k];
    return { type: 'usage', ...total };
  }
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c: { type?: string; text?: string }) => (c.type === 'text' ? (c.text ?? '') : `[${c.type}]`)).join(' ');
  return '';
}
