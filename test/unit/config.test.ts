import { describe, expect, it } from 'vitest';
import { defaultStackName, resolveConfig, settingsFromEnv } from '../../src/core/config.js';
import { parseConfigFile } from '../../src/core/config-file.js';
import { RUNTIME_NAME_PATTERN, STACK_NAME_PATTERN, repositoryNameForStack, sanitizeRuntimeName } from '../../src/core/runtime-name.js';
import { UsageError } from '../../src/core/errors.js';

describe('resolveConfig', () => {
  it('layers flags over env over file over defaults, recording sources', () => {
    const config = resolveConfig({
      file: { name: 'from-file', region: 'eu-west-1', model: 'file-model' },
      env: { region: 'us-west-2' },
      flags: { model: 'flag-model' },
    });
    expect(config).toMatchObject({ name: 'from-file', region: 'us-west-2', model: 'flag-model', stackName: 'from-file' });
    expect(config.sources).toMatchObject({ name: 'file', region: 'env', model: 'flag', stackName: 'default' });
  });

  it('defaults the name and stack name', () => {
    expect(resolveConfig({})).toMatchObject({ name: 'agentcore-claude', stackName: 'agentcore-claude' });
  });

  it('reads AWS_REGION over AWS_DEFAULT_REGION', () => {
    expect(settingsFromEnv({ AWS_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'us-east-2' }).region).toBe('us-east-2');
    expect(settingsFromEnv({ AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
  });
});

describe('parseConfigFile', () => {
  it('rejects unknown keys with the key named', () => {
    expect(() => parseConfigFile({ regoin: 'x' }, 'agentcore-claude.yaml')).toThrow(UsageError);
    expect(() => parseConfigFile({ regoin: 'x' }, 'agentcore-claude.yaml')).toThrow(/regoin|Unrecognized/);
  });
  it('accepts an empty file', () => {
    expect(parseConfigFile(null, 'f')).toEqual({});
  });
});

describe('defaultStackName', () => {
  it.each([
    ['agentcore-claude', 'agentcore-claude'],
    ['my agent.v2', 'my-agent-v2'],
    ['123abc', 'agent-123abc'],
    ['9lives', 'agent-9lives'],
    ['Über-Agent', 'Uber-Agent'],
    ['café crème', 'cafe-creme'],
    ['___', 'agentcore-claude'],
  ])('%s → %s', (name, stack) => {
    expect(defaultStackName(name)).toBe(stack);
  });

  it('every derived name is valid and stable (runtime, stack, repository)', () => {
    for (const name of ['9lives', 'Über-Agent', 'a.b_c-d', 'x'.repeat(200), '42', 'ÅÄÖ 2']) {
      const stack = defaultStackName(name);
      expect(stack).toMatch(STACK_NAME_PATTERN);
      expect(defaultStackName(name)).toBe(stack);
      expect(sanitizeRuntimeName(name).name).toMatch(RUNTIME_NAME_PATTERN);
      expect(repositoryNameForStack(stack)).toMatch(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
    }
    // Distinct names that differ only in a leading digit stay distinct.
    expect(defaultStackName('9lives')).not.toBe(defaultStackName('lives'));
  });
});
