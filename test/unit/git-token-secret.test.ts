import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import type { DeploymentState } from '../../src/core/state.js';
import { resolveTarget, runtimeConfig, validateSecretArn } from '../../src/engine/deploy-gather.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:github-token-AbCdEf';
const outputs = { EcrRepositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/r', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/x', OutputBucketName: 'b' };

describe('deploy --git-token-secret', () => {
  it.each([
    [ARN, 'us-east-1', ARN],
    [undefined, 'us-east-1', undefined],
  ])('accepts %s in %s', (arn, region, expected) => {
    expect(validateSecretArn(arn, region)).toBe(expected);
  });

  it.each([
    ['github-token', 'us-east-1'],
    [ARN, 'eu-west-1'],
    ['arn:aws:s3:::bucket', 'us-east-1'],
  ])('refuses %s in %s with a usage error', (arn, region) => {
    expect(() => validateSecretArn(arn, region)).toThrow(UsageError);
  });

  it('passes the secret to the runtime as GIT_TOKEN_SECRET_ARN (never the token itself)', () => {
    const target = resolveTarget(resolveConfig({ flags: { gitTokenSecret: ARN } }), 'us-east-1');
    expect(runtimeConfig(target, outputs, 'c-1')?.environment).toMatchObject({ GIT_TOKEN_SECRET_ARN: ARN });
    const without = resolveTarget(resolveConfig({}), 'us-east-1');
    expect(runtimeConfig(without, outputs, 'c-1')?.environment).not.toHaveProperty('GIT_TOKEN_SECRET_ARN');
  });

  it('keeps the previous deployment\'s secret when the flag is not given again', () => {
    const previous = { name: 'agentcore-claude', region: 'us-east-1', stackName: 'agentcore-claude', model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', gitTokenSecretArn: ARN } as DeploymentState;
    expect(resolveTarget(resolveConfig({}), 'us-east-1', previous).gitTokenSecretArn).toBe(ARN);
  });
});
