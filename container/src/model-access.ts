/**
 * Which model access the agent uses, and the environment passed to Claude Code for it.
 *
 * - `ANTHROPIC_API_KEY` set → the Anthropic API (local use). `CLAUDE_CODE_USE_BEDROCK` is cleared
 *   for the agent so the key is what Claude Code uses.
 * - otherwise `CLAUDE_CODE_USE_BEDROCK=1` (the image's default) → Amazon Bedrock in `AWS_REGION`
 *   (or `AWS_DEFAULT_REGION`) with `ANTHROPIC_MODEL` (default: the region's Claude Haiku 4.5
 *   inference profile, as the original scripts' guardrail requires region-specific profiles).
 * - neither → `none`: the server still starts, and invocations fail with a clear error.
 *
 * The original scripts' guardrail: these variables are passed explicitly in the SDK's `env`
 * option, not only inherited. `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1` always.
 */
export type ModelAccess =
  | { kind: 'anthropic'; model?: string }
  | { kind: 'bedrock'; region: string; model: string }
  | { kind: 'none'; reason: string };

const HAIKU_45 = 'anthropic.claude-haiku-4-5-20251001-v1:0';

/**
 * Claude Haiku 4.5's inference profile for a region: `jp.` for ap-northeast-1/3, `au.` for
 * ap-southeast-2/4, `apac.` other ap-*, `us.`/`eu.`/… by geography, `global.` otherwise.
 */
export function defaultBedrockModel(region: string): string {
  if (region === 'ap-northeast-1' || region === 'ap-northeast-3') return `jp.${HAIKU_45}`;
  if (region === 'ap-southeast-2' || region === 'ap-southeast-4') return `au.${HAIKU_45}`;
  const geo = region.split('-')[0];
  if (geo === 'us' || geo === 'ca') return `us.${HAIKU_45}`;
  if (geo === 'eu') return `eu.${HAIKU_45}`;
  if (geo === 'ap') return `apac.${HAIKU_45}`;
  return `global.${HAIKU_45}`;
}

/** Decide the model access from an environment (pure). */
export function detectModelAccess(env: NodeJS.ProcessEnv): ModelAccess {
  if (env.ANTHROPIC_API_KEY) return { kind: 'anthropic', model: env.ANTHROPIC_MODEL || undefined };
  if (env.CLAUDE_CODE_USE_BEDROCK === '1' || env.CLAUDE_CODE_USE_BEDROCK === 'true') {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (!region) return { kind: 'none', reason: 'CLAUDE_CODE_USE_BEDROCK=1 but neither AWS_REGION nor AWS_DEFAULT_REGION is set' };
    return { kind: 'bedrock', region, model: env.ANTHROPIC_MODEL || defaultBedrockModel(region) };
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
  }
  return env;
}
