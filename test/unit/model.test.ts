/**
 * The one region → inference profile table (packages/protocol/src/models.ts), used by deploy, dev
 * and the agent server. Expected ids are written out from the AWS model cards, not recomputed.
 */
import { describe, expect, it } from 'vitest';
import { inferenceProfileId, modelPinEnvironment, regionGeography, resolveModelId } from '@agentcore-claude/protocol';
import { defaultBedrockModelForServer } from '../support/server-model.js';

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';

describe('inferenceProfileId: every Bedrock region gets a profile', () => {
  it.each([
    ['us-east-1', 'haiku', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['us-east-2', 'haiku', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['us-west-2', 'haiku', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['ca-central-1', 'haiku', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['eu-central-1', 'haiku', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['eu-west-1', 'haiku', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['eu-north-1', 'haiku', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['eu-central-2', 'haiku', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['ap-northeast-1', 'haiku', 'jp.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['ap-northeast-3', 'haiku', 'jp.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['ap-southeast-2', 'haiku', 'au.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['ap-southeast-4', 'haiku', 'au.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['ap-southeast-1', 'haiku', 'global.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['ap-south-1', 'haiku', 'global.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['ap-northeast-2', 'haiku', 'global.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['sa-east-1', 'haiku', 'global.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['me-central-1', 'haiku', 'global.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['af-south-1', 'haiku', 'global.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['us-gov-west-1', 'haiku', 'us-gov.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['eu-central-1', 'sonnet', 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['ap-southeast-2', 'sonnet', 'au.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['ap-northeast-1', 'sonnet', 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['sa-east-1', 'sonnet', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['eu-central-1', 'opus', 'eu.anthropic.claude-opus-4-5-20251101-v1:0'],
    ['us-west-2', 'opus', 'us.anthropic.claude-opus-4-5-20251101-v1:0'],
    ['ap-southeast-2', 'opus', 'global.anthropic.claude-opus-4-5-20251101-v1:0'],
    ['ap-northeast-1', 'opus', 'global.anthropic.claude-opus-4-5-20251101-v1:0'],
  ] as const)('%s %s → %s', (region, family, expected) => {
    expect(inferenceProfileId(region, family)).toBe(expected);
  });

  it('names the geography of a region, global where none serves it', () => {
    expect(['ap-southeast-2', 'ca-central-1', 'sa-east-1', 'eu-south-2'].map(regionGeography)).toEqual(['au', 'us', 'global', 'eu']);
  });
});

describe('resolveModelId (deploy --model, ANTHROPIC_MODEL)', () => {
  it.each([
    ['ap-southeast-2', undefined, `au.${HAIKU}`],
    ['ca-central-1', undefined, `us.${HAIKU}`],
    ['sa-east-1', undefined, `global.${HAIKU}`],
    ['us-east-1', 'global', `global.${HAIKU}`],
    ['eu-west-1', HAIKU, `eu.${HAIKU}`],
    ['ap-northeast-1', 'anthropic.claude-opus-4-5-20251101-v1:0', 'global.anthropic.claude-opus-4-5-20251101-v1:0'],
    ['eu-west-1', 'anthropic.claude-sonnet-4-6', 'eu.anthropic.claude-sonnet-4-6'],
    ['sa-east-1', 'anthropic.claude-sonnet-4-6', 'global.anthropic.claude-sonnet-4-6'],
    ['ap-northeast-1', `global.${HAIKU}`, `global.${HAIKU}`],
    ['eu-west-1', `us.${HAIKU}`, `us.${HAIKU}`],
    ['us-east-1', 'sonnet', 'sonnet'],
    ['us-east-1', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc'],
  ])('%s with --model %s → %s', (region, model, expected) => {
    expect(resolveModelId(region, model)).toBe(expected);
  });

  it('the agent server picks what deploy configures (ap-southeast-2 was apac. vs au. before)', () => {
    expect(defaultBedrockModelForServer('ap-southeast-2')).toBe(`au.${HAIKU}`);
    expect(defaultBedrockModelForServer('ca-central-1')).toBe(`us.${HAIKU}`);
  });
});

describe('modelPinEnvironment (Claude Code alias and background models)', () => {
  it('pins haiku, sonnet, opus and the small/fast model to the region', () => {
    expect(modelPinEnvironment('eu-central-1')).toEqual({
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'eu.anthropic.claude-opus-4-5-20251101-v1:0',
      ANTHROPIC_SMALL_FAST_MODEL: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
    });
  });

  it("keeps the user's own pins", () => {
    expect(modelPinEnvironment('eu-central-1', { ANTHROPIC_DEFAULT_OPUS_MODEL: 'global.anthropic.claude-opus-4-6-v1' }).ANTHROPIC_DEFAULT_OPUS_MODEL).toBe('global.anthropic.claude-opus-4-6-v1');
  });
});
