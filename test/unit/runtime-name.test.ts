import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { RUNTIME_NAME_PATTERN, repositoryNameForStack, sanitizeRuntimeName, validateStackName } from '../../src/core/runtime-name.js';

describe('sanitizeRuntimeName', () => {
  it.each([
    ['my-agent', 'my_agent', true],
    ['my.agent.v2', 'my_agent_v2', true],
    ['my agent', 'my_agent', true],
    ['123abc', 'agent_123abc', true],
    ['-x-', 'x', true],
    ['a--b..c', 'a_b_c', true],
    ['agent_ok', 'agent_ok', false],
    ['Agent7', 'Agent7', false],
    ['café-bot', 'cafe_bot', true],
    ['エージェント-x', 'x', true],
    ['a'.repeat(60), 'a'.repeat(48), true],
    [`${'a'.repeat(47)}-b`, 'a'.repeat(47), true],
    [`9${'b'.repeat(59)}`, `agent_9${'b'.repeat(41)}`, true],
  ])('%s → %s', (input, expected, changed) => {
    const result = sanitizeRuntimeName(input);
    expect(result).toEqual({ name: expected, changed });
    expect(result.name).toMatch(RUNTIME_NAME_PATTERN);
  });

  it.each(['', '---', '...', '日本語', '   '])('rejects %j with a usage error naming --name', (input) => {
    expect(() => sanitizeRuntimeName(input)).toThrow(UsageError);
    try {
      sanitizeRuntimeName(input);
    } catch (error) {
      expect((error as UsageError).hint).toContain('--name');
    }
  });
});

describe('repositoryNameForStack / validateStackName', () => {
  it.each([
    ['agentcore-claude', 'agentcore-claude'],
    ['My-Stack', 'my-stack'],
    ['a--b', 'a-b'],
  ])('%s → %s', (stack, repo) => {
    expect(repositoryNameForStack(stack)).toBe(repo);
    expect(repositoryNameForStack(stack)).toMatch(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
  });

  it('accepts valid stack names and rejects invalid ones naming --stack-name', () => {
    expect(validateStackName('my-stack-1')).toBe('my-stack-1');
    for (const bad of ['1stack', 'my_stack', 'a'.repeat(129), '']) {
      expect(() => validateStackName(bad)).toThrow(/not a valid CloudFormation stack name/);
    }
  });
});
