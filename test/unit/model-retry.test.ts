/**
 * Model API retries (issue 10, item 7): the `retry` event (the SDK's `api_retry` message, as the
 * agent server streams it) is parsed, shown as a progress line, and a retry that cannot succeed
 * (401, 403) stops `invoke` at once.
 */
import { describe, expect, it } from 'vitest';
import { parseAgentEvent, type ProgressEvent } from '@agentcore-claude/protocol';
import { activityText, formatEvent, unfixableRetry } from '../../src/io/render-agent.js';

const retry = (error_status: number | null, error?: string) =>
  parseAgentEvent(JSON.stringify({ type: 'retry', attempt: 2, max_retries: 10, retry_delay_ms: 4200, error_status, error })) as ProgressEvent;

describe('model API retries', () => {
  it('are parsed and shown with the attempt, the reason and the delay', () => {
    expect(formatEvent(retry(529, 'Overloaded'))).toBe('↻ model API error 529 (Overloaded): retry 2/10 in 4 s');
    expect(formatEvent(retry(null))).toBe('↻ model API unreachable: retry 2/10 in 4 s');
    expect(activityText(retry(null))).toBe('Model API unreachable: retry 2/10…');
  });

  it('401 and 403 cannot be fixed by retrying; 429, 5xx and connection errors can', () => {
    expect(unfixableRetry(retry(401, 'invalid x-api-key'))?.reason).toContain('rejected the credentials (HTTP 401: invalid x-api-key)');
    expect(unfixableRetry(retry(401))?.hint).toContain('ANTHROPIC_API_KEY');
    expect(unfixableRetry(retry(403))?.hint).toContain('Model access');
    for (const status of [429, 500, 529, null]) expect(unfixableRetry(retry(status))).toBeUndefined();
  });

  it('a malformed retry event is an error, not silently ignored', () => {
    expect(() => parseAgentEvent(JSON.stringify({ type: 'retry', attempt: 'two' }))).toThrow();
  });
});
