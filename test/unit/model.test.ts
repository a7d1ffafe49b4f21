import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { DEFAULT_MODEL, resolveModelId } from '../../src/core/model.js';

describe('resolveModelId', () => {
  it.each([
    ['ap-northeast-1', undefined, `jp.${DEFAULT_MODEL}`],
    ['ap-northeast-3', undefined, `jp.${DEFAULT_MODEL}`],
    ['us-east-1', undefined, `us.${DEFAULT_MODEL}`],
    ['us-west-2', undefined, `us.${DEFAULT_MODEL}`],
    ['eu-west-1', undefined, `eu.${DEFAULT_MODEL}`],
    ['eu-central-2', undefined, `eu.${DEFAULT_MODEL}`],
    ['ap-southeast-1', undefined, `apac.${DEFAULT_MODEL}`],
    ['ap-south-1', undefined, `apac.${DEFAULT_MODEL}`],
    ['us-east-1', 'global', `global.${DEFAULT_MODEL}`],
    ['ap-northeast-1', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['ap-northeast-1', `global.${DEFAULT_MODEL}`, `global.${DEFAULT_MODEL}`],
    ['eu-west-1', `us.${DEFAULT_MODEL}`, `us.${DEFAULT_MODEL}`],
    ['sa-east-1', `global.${DEFAULT_MODEL}`, `global.${DEFAULT_MODEL}`],
    ['us-east-1', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc'],
  ])('%s with --model %s → %s', (region, model, expected) => {
    expect(resolveModelId(region, model)).toBe(expected);
  });

  it.each(['sa-east-1', 'ca-central-1', 'me-south-1', 'af-south-1', 'us-gov-west-1'])('unknown region %s → usage error suggesting --model', (region) => {
    expect(() => resolveModelId(region)).toThrow(UsageError);
    expect(() => resolveModelId(region)).toThrow(region);
    try {
      resolveModelId(region);
    } catch (error) {
      expect((error as UsageError).hint).toContain('--model');
    }
  });
});
