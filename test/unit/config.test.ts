import { describe, expect, it } from 'vitest';
import { defaultStackName, parseConfigFile, resolveConfig, settingsFromEnv } from '../../src/core/config.js';
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
    ['123abc', 'abc'],
    ['___', 'agentcore-claude'],
  ])('%s → %s', (name, stack) => {
    expect(defaultStackName(name)).toBe(stack);
  });
});
