/**
 * Which model access an environment gives a locally run agent (pure; mirrors the agent server's
 * own rule in container/src/model-access.ts):
 * - `ANTHROPIC_API_KEY` → the Anthropic API;
 * - else `CLAUDE_CODE_USE_BEDROCK=1` with a region (`AWS_REGION`/`AWS_DEFAULT_REGION`) → Amazon
 *   Bedrock, using the AWS credentials of the default provider chain (checked by the engine);
 * - else none, with the variables to set.
 */
export type LocalModelAccess =
  | { kind: 'anthropic'; description: string }
  | { kind: 'bedrock'; region: string; model?: string; description: string; skipAuth: boolean }
  | { kind: 'none'; missing: string };

/** What to set for model access; used in errors and `dev` output. */
export const MODEL_ACCESS_HINT =
  'Set ANTHROPIC_API_KEY (Anthropic API), or CLAUDE_CODE_USE_BEDROCK=1 with AWS_REGION and AWS credentials (Amazon Bedrock; optionally ANTHROPIC_MODEL).';

export function detectLocalModelAccess(env: NodeJS.ProcessEnv): LocalModelAccess {
  if (env.ANTHROPIC_API_KEY) return { kind: 'anthropic', description: `Anthropic API (ANTHROPIC_API_KEY)${env.ANTHROPIC_MODEL ? `, model ${env.ANTHROPIC_MODEL}` : ''}` };
  const bedrock = env.CLAUDE_CODE_USE_BEDROCK === '1' || env.CLAUDE_CODE_USE_BEDROCK === 'true';
  if (bedrock) {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (!region) return { kind: 'none', missing: 'CLAUDE_CODE_USE_BEDROCK=1 is set but AWS_REGION is not.' };
    const model = env.ANTHROPIC_MODEL || undefined;
    return {
      kind: 'bedrock',
      region,
      model,
      skipAuth: env.CLAUDE_CODE_SKIP_BEDROCK_AUTH === '1',
      description: `Amazon Bedrock in ${region}${model ? `, model ${model}` : " (the region's Claude Haiku 4.5 inference profile)"}`,
    };
  }
  return { kind: 'none', missing: 'No model credentials found: neither ANTHROPIC_API_KEY nor CLAUDE_CODE_USE_BEDROCK=1 is set.' };
}
