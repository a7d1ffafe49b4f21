import { describe, expect, it } from 'vitest';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { EventMapper, oneLine, SUMMARY_CHARS, summarizeToolInput } from '../../container/src/events.js';
import { Health } from '../../container/src/health.js';

describe('summarizeToolInput', () => {
  const cwd = '/ws/s1';
  it.each([
    ['Write', { file_path: '/ws/s1/src/app.ts', content: 'x' }, 'src/app.ts'],
    ['Edit', { file_path: '/ws/s1/a.txt', old_string: 'a', new_string: 'b' }, 'a.txt'],
    ['Read', { file_path: '/etc/hosts' }, '/etc/hosts'],
    ['NotebookEdit', { notebook_path: '/ws/s1/n.ipynb', new_source: '' }, 'n.ipynb'],
    ['Bash', { command: 'npm install\nnpm test', description: 'install' }, 'npm install'],
    ['Grep', { pattern: 'TODO', path: '/ws/s1/src' }, 'TODO in src'],
    ['Glob', { pattern: '**/*.ts' }, '**/*.ts'],
    ['WebFetch', { url: 'https://example.com', prompt: 'summarize' }, 'https://example.com'],
    ['WebSearch', { query: 'agentcore runtime' }, 'agentcore runtime'],
    ['TodoWrite', { todos: [{}, {}, {}] }, '3 todo(s)'],
    ['Task', { description: 'review code', prompt: 'long' }, 'review code'],
    ['mcp__x__y', { a: 1 }, '{"a":1}'],
    ['Write', null, '{}'],
  ])('%s %j → %s', (name, input, summary) => {
    expect(summarizeToolInput(name, input, cwd)).toBe(summary);
  });

  it('cuts long summaries to one line of SUMMARY_CHARS', () => {
    const long = summarizeToolInput('Bash', { command: `echo ${'x'.repeat(500)}` }, cwd);
    expect(long).toHaveLength(SUMMARY_CHARS);
    expect(long.endsWith('…')).toBe(true);
    expect(oneLine('\n\n  first   line \nsecond')).toBe('first line');
  });
});

describe('EventMapper', () => {
  it('maps assistant text, tool calls and their results (named after the call)', () => {
    const mapper = new EventMapper('/ws');
    const assistant = {
      type: 'assistant',
      message: { content: [{ type: 'text', text: 'Writing.' }, { type: 'tool_use', id: 't1', name: 'Write', input: { file_path: '/ws/a.txt' } }] },
    } as unknown as SDKMessage;
    const user = {
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'File created\nmore' }], is_error: false }] },
    } as unknown as SDKMessage;
    expect(mapper.map(assistant)).toEqual([
      { type: 'text', text: 'Writing.' },
      { type: 'tool_use', id: 't1', name: 'Write', summary: 'a.txt' },
    ]);
    expect(mapper.map(user)).toEqual([{ type: 'tool_result', tool_use_id: 't1', name: 'Write', is_error: false, summary: 'File created' }]);
    expect(mapper.map({ type: 'system', subtype: 'api_retry', attempt: 2, max_retries: 10, retry_delay_ms: 1200, error_status: 529, error: 'overloaded' } as unknown as SDKMessage))
      .toEqual([{ type: 'retry', attempt: 2, max_retries: 10, retry_delay_ms: 1200, error_status: 529, error: 'overloaded' }]);
  });
});

describe('Health', () => {
  it('is HealthyBusy while any invocation runs; time_of_last_update moves only on a status change', () => {
    let now = 1_000_000;
    const health = new Health(() => now);
    expect(health.ping()).toEqual({ status: 'Healthy', time_of_last_update: 1000 });
    now += 5000;
    expect(health.ping().time_of_last_update).toBe(1000);
    const endA = health.begin();
    expect(health.ping()).toEqual({ status: 'HealthyBusy', time_of_last_update: 1005 });
    now += 3000;
    const endB = health.begin();
    endA();
    endA(); // idempotent
    expect(health.ping()).toEqual({ status: 'HealthyBusy', time_of_last_update: 1005 });
    now += 2000;
    endB();
    expect(health.ping()).toEqual({ status: 'Healthy', time_of_last_update: 1010 });
    expect(health.busyCount).toBe(0);
  });
});
