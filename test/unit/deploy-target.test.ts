import { describe, expect, it } from 'vitest';
import { resolveConfig, type Settings } from '../../src/core/config.js';
import type { DeploymentState } from '../../src/core/state.js';
import { resolveTarget } from '../../src/engine/deploy-gather.js';

const state: DeploymentState = {
  version: 1,
  name: 'my-agent',
  region: 'eu-west-1',
  account: '1',
  stackName: 'custom-stack',
  bucket: 'b',
  repositoryUri: 'r',
  roleArn: 'role',
  imageTag: 'c-1',
  imageUri: 'r:c-1',
  model: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
  runtime: { name: 'my_agent', id: 'id', arn: 'arn', version: '1' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const target = (flags: Settings, region = 'eu-west-1', previous: DeploymentState | null = state) => resolveTarget(resolveConfig({ flags }), region, previous ?? undefined);

describe('resolveTarget', () => {
  it('without a previous deployment: defaults, sanitized runtime name, region model', () => {
    expect(target({}, 'eu-west-1', null)).toEqual({
      region: 'eu-west-1',
      agentName: 'agentcore-claude',
      stackName: 'agentcore-claude',
      runtimeName: 'agentcore_claude',
      repositoryName: 'agentcore-claude',
      model: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
      lifecycle: undefined,
      artifact: 'container',
      build: 'local',
    });
  });
  it('artifact: the flag, else the previous deployment of the same agent, else container; anything else is refused', () => {
    expect(target({ artifact: 'code' }).artifact).toBe('code');
    const codeState: DeploymentState = { ...state, artifact: { type: 'code', tag: 'c-2', location: 's3://b/code/c-2.zip' } };
    expect(target({}, 'eu-west-1', codeState).artifact).toBe('code');
    expect(target({ artifact: 'container' }, 'eu-west-1', codeState).artifact).toBe('container');
    expect(target({ name: 'another-agent' }, 'eu-west-1', codeState).artifact).toBe('container');
    expect(() => target({ artifact: 'zip' as 'code' })).toThrow(/--artifact must be container or code, got "zip"/);
  });
  it('redeploys what deployment.json names when nothing else is set', () => {
    expect(target({})).toMatchObject({ agentName: 'my-agent', stackName: 'custom-stack', runtimeName: 'my_agent', model: state.model });
  });
  it('flags override the state', () => {
    expect(target({ name: 'other' })).toMatchObject({ agentName: 'other', stackName: 'other', model: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0' });
    expect(target({ stackName: 'flag-stack' })).toMatchObject({ agentName: 'my-agent', stackName: 'flag-stack' });
    expect(target({ model: 'global' })).toMatchObject({ model: 'global.anthropic.claude-haiku-4-5-20251001-v1:0' });
  });
  it('ignores a state from another region', () => {
    expect(target({}, 'us-east-1')).toMatchObject({ agentName: 'agentcore-claude', model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
  });
  it('validates the stack name and lifecycle', () => {
    expect(() => target({ stackName: 'bad_name' })).toThrow(/stack name/);
    expect(target({ idleTimeout: '10m' }).lifecycle).toEqual({ idleRuntimeSessionTimeout: 600 });
  });
});
