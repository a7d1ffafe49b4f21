import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { regionOfArn } from '../../src/engine/invoke-remote.js';

describe('regionOfArn', () => {
  it('reads the region of a runtime ARN', () => {
    expect(regionOfArn('arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/my_agent-AbC123')).toBe('ap-northeast-1');
  });

  it.each(['my_agent-AbC123', 'arn:aws:bedrock-agentcore::123456789012:runtime/x', ''])('refuses %j with a usage error', (arn) => {
    expect(() => regionOfArn(arn)).toThrow(UsageError);
  });
});
