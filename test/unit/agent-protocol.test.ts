import { describe, expect, it } from 'vitest';
import { parseAgentEvent, splitSseFrames, type AgentResponse } from '@agentcore-claude/protocol';
import { detectLocalModelAccess } from '../../src/core/model-access.js';
import { parsePermissionMode } from '../../src/core/permission-mode.js';
import { newRuntimeSessionId, validateRuntimeSessionId } from '../../src/core/runtime-session.js';
import { UsageError } from '../../src/core/errors.js';
import { formatBytes, formatDuration, formatEvent, formatFailure, formatSummary } from '../../src/io/render-agent.js';

describe('splitSseFrames', () => {
  it('returns complete data frames and keeps the unfinished rest; skips comments', () => {
    expect(splitSseFrames('data: {"a":1}\n\n: keepalive\n\ndata: {"b"')).toEqual({ data: ['{"a":1}'], rest: 'data: {"b"' });
    expect(splitSseFrames('event: x\r\ndata: line1\r\ndata: line2\r\n\r\n')).toEqual({ data: ['line1\nline2'], rest: '' });
    expect(splitSseFrames('data:tight\n\n').data).toEqual(['tight']);
  });
});

describe('parseAgentEvent', () => {
  it('parses known events, skips unknown types, rejects malformed ones', () => {
    expect(parseAgentEvent('{"type":"tool_use","id":"t","name":"Bash","summary":"ls"}')).toEqual({ type: 'tool_use', id: 't', name: 'Bash', summary: 'ls' });
    expect(parseAgentEvent('{"type":"future_event","x":1}')).toBeUndefined();
    expect(() => parseAgentEvent('{"type":"tool_use"}')).toThrow();
    expect(() => parseAgentEvent('{nope')).toThrow();
  });
});

describe('local model access', () => {
  it('prefers ANTHROPIC_API_KEY, then Bedrock with a region, else names what to set', () => {
    expect(detectLocalModelAccess({ ANTHROPIC_API_KEY: 'k', CLAUDE_CODE_USE_BEDROCK: '1' }).kind).toBe('anthropic');
    expect(detectLocalModelAccess({ CLAUDE_CODE_USE_BEDROCK: '1', AWS_DEFAULT_REGION: 'eu-west-1' })).toMatchObject({ kind: 'bedrock', region: 'eu-west-1' });
    expect(detectLocalModelAccess({ CLAUDE_CODE_USE_BEDROCK: '1' })).toEqual({ kind: 'none', missing: 'CLAUDE_CODE_USE_BEDROCK=1 is set but AWS_REGION is not.' });
    expect(detectLocalModelAccess({})).toMatchObject({ kind: 'none' });
  });
});

describe('permission modes and session ids', () => {
  it('resolves aliases and refuses unknown modes', () => {
    expect(parsePermissionMode('acceptAll')).toBe('bypassPermissions');
    expect(parsePermissionMode('manual')).toBe('default');
    expect(parsePermissionMode('plan')).toBe('plan');
    expect(() => parsePermissionMode('all')).toThrow(UsageError);
  });

  it('makes ids AgentCore accepts and checks user ones', () => {
    const id = newRuntimeSessionId();
    expect(id.length).toBeGreaterThanOrEqual(33);
    expect(validateRuntimeSessionId(id)).toBe(id);
    expect(() => validateRuntimeSessionId('short')).toThrow(/33-128 characters/);
    expect(() => validateRuntimeSessionId(`../${'x'.repeat(40)}`)).toThrow(/letters, digits/);
  });
});

describe('rendering', () => {
  const response: AgentResponse = {
    result: 'Done.',
    is_error: false,
    subtype: 'success',
    session: { runtime_session_id: 'session-1', claude_session_id: 'c-1', duration_ms: 65_000, num_turns: 3, total_cost_usd: 0.01234, usage: null },
    files: [{ file_name: 'a.txt', size: 2048, s3_url: 's3://b/outputs/p/a.txt', console_url: 'https://console/a', local_path: '/ws/a.txt' }],
    upload_errors: [{ file_name: 'big.bin', error: 'AccessDenied: no' }],
    output: { location: 's3', bucket: 'b', prefix: 'outputs/p/', s3_url: 's3://b/outputs/p/', console_url: 'https://console/p' },
  };

  it('summarizes files, upload errors, session, cost and how to continue', () => {
    expect(formatSummary(response, { continueCommand: 'agentcore-claude invoke --local --session session-1 "…"' })).toBe([
      'Files (1) → s3://b/outputs/p/',
      '  a.txt   2.0 KiB  s3://b/outputs/p/a.txt',
      '  console: https://console/p',
      '  upload failed: big.bin: AccessDenied: no',
      'Session: session-1 (Claude session c-1)',
      'Cost: $0.0123 · turns: 3 · duration: 1 min 05 s',
      'Continue in this workspace: agentcore-claude invoke --local --session session-1 "…"',
    ].join('\n'));
  });

  it('shows the failure reason and the last stderr lines', () => {
    const failed = { ...response, is_error: true, subtype: 'error_process', result: 'exited with code 1', details: { reason: 'x', stderr_tail: 'l1\nl2\nl3' } };
    expect(formatFailure(failed, 2)).toBe('The agent failed (error_process): exited with code 1\nClaude Code stderr (last lines):\n  l2\n  l3');
  });

  it('formats events, sizes and durations', () => {
    expect(formatEvent({ type: 'tool_use', id: 't', name: 'Bash', summary: 'ls' })).toBe('→ Bash ls');
    expect(formatEvent({ type: 'tool_result', tool_use_id: 't', name: 'Bash', is_error: true, summary: 'boom' })).toBe('  ✗ Bash failed: boom');
    expect(formatEvent({ type: 'tool_result', tool_use_id: 't', name: 'Bash', is_error: false, summary: 'ok' })).toBe('  ✓ Bash: ok');
    expect(formatEvent({ type: 'tool_result', tool_use_id: 't', name: 'Write', is_error: false, summary: 'File created at /x' })).toBe('  ✓ Write');
    expect(formatEvent({ type: 'text', text: 'a\nb' })).toBe('│ a\n│ b');
    expect(formatBytes(5)).toBe('5 B');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
  });
});
