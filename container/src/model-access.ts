/**
 * Which model access the agent uses, and the environment passed to Claude Code for it.
 *
 * - `ANTHROPIC_API_KEY` set → the Anthropic API (local use). `CLAUDE_CODE_USE_BEDROCK` is cleared
 *   for the agent so the key is what Claude Code uses.
 * - otherwise `CLAUDE_CODE_USE_BEDROCK=1` (the image's default) → Amazon Bedrock in `AWS_REGION`
 *   (or `AWS_DEFAULT_REGION`) with `ANTHROPIC_MODEL` (default: the region's Claude Haiku 4.5
 *   inference profile, as the original scripts' guardrail requires region-specific profiles; a
 *   bare `anthropic.…` id gets the region's profile) and the alias/background models pinned to the
 *   region's profiles (`ANTHROPIC_DEFAULT_HAIKU/SONNET/OPUS_MODEL`, `ANTHROPIC_SMALL_FAST_MODEL`;
 *   the protocol's models.ts, where the table and its sources are).
 * - neither → `none`: the server still starts, and invocations fail with a clear error.
 *
 * The original scripts' guardrail: these variables are passed explicitly in the SDK's `env`
 * option, not only inherited. `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1` always.
 */
export type ModelAccess =
  | { kind: 'anthropic'; model?: string }
  | { kind: 'bedrock'; region: string; model: string }
  | { kind: 'none'; reason: string };

import { modelPinEnvironment, resolveModelId } from './vendor/protocol/models.js';

/** Decide the model access from an environment (pure). */
export function detectModelAccess(env: NodeJS.ProcessEnv): ModelAccess {
  if (env.ANTHROPIC_API_KEY) return { kind: 'anthropic', model: env.ANTHROPIC_MODEL || undefined };
  if (env.CLAUDE_CODE_USE_BEDROCK === '1' || env.CLAUDE_CODE_USE_BEDROCK === 'true') {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (!region) return { kind: 'none', reason: 'CLAUDE_CODE_USE_BEDROCK=1 but neither AWS_REGION nor AWS_DEFAULT_REGION is set' };
    return { kind: 'bedrock', region, model: resolveModelId(region, env.ANTHROPIC_MODEL || undefined) };
  }
  return { kind: 'none', reason: 'set ANTHROPIC_API_KEY, or CLAUDE_CODE_USE_BEDROCK=1 with AWS_REGION and AWS credentials' };
}

/** One line for logs: which access and model. */
export function describeModelAccess(access: ModelAccess): string {
  if (access.kind === 'anthropic') return `Anthropic API (ANTHROPIC_API_KEY)${access.model ? `, model ${access.model}` : ''}`;
  if (access.kind === 'bedrock') return `Amazon Bedrock in ${access.region}, model ${access.model}`;
  return `no model access: ${access.reason}`;
}

/**
 * The full environment for the Claude Code process: `base` (usually process.env — the SDK's
 * `env` option replaces the child environment) plus the model variables set explicitly.
 */
export function agentEnvironment(base: NodeJS.ProcessEnv, access: ModelAccess, configDir: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...base,
    CLAUDE_CONFIG_DIR: configDir,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  if (access.kind === 'anthropic') {
    delete env.CLAUDE_CODE_USE_BEDROCK;
    env.ANTHROPIC_API_KEY = base.ANTHROPIC_API_KEY;
  } else if (access.kind === 'bedrock') {
    env.CLAUDE_CODE_USE_BEDROCK = '1';
    env.AWS_REGION = access.region;
    env.ANTHROPIC_MODEL = access.model;
    // Claude Code's alias and background models default to us. profiles on Bedrock: pin them to the region's.
    Object.assign(env, modelPinEnvironment(access.region, base));
  }
  return env;
}
