// Vendored from packages/protocol/src by packages/protocol/vendor.mjs (npm run build). Do not edit here.
/**
 * Which Bedrock inference profile serves a region, for the Claude models Claude Code uses: one
 * table for `deploy`, `dev`/`invoke --local` and the agent server. Pure, no zod.
 *
 * Claude 4.5 models on Bedrock are invoked through cross-Region inference profiles
 * (`<geography>.<model id>`); a geographic profile serves only its own source Regions, and the
 * global profile (`global.`) serves every commercial Region. Sources:
 * - "Supported Regions and models for inference profiles",
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 *   (each model's geographic and global inference IDs are on its model card:
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-anthropic-claude-haiku-4-5.html,
 *   …-claude-sonnet-4-5.html, …-claude-opus-4-5.html);
 * - geographic cross-Region inference, source Regions per geography (US: us-east-1, us-east-2,
 *   us-west-2, and ca-central-1, whose Claude 4.5 access is the US profile; EU: the
 *   eu-* Regions; JP: ap-northeast-1, ap-northeast-3; AU: ap-southeast-2, ap-southeast-4),
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html
 *   and the AWS CDK's `CrossRegionInferenceProfileRegion`;
 * - global cross-Region inference for Regions without a geographic profile of the model (e.g.
 *   ap-southeast-1/3/5/7, ap-east-2, ap-south-1, ap-northeast-2, sa-east-1, me-*, af-south-1),
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html;
 * - "Claude on Amazon Bedrock" (Anthropic's table of global/us/eu/jp/apac availability per model),
 *   https://platform.claude.com/docs/en/build-with-claude/claude-on-amazon-bedrock.
 *
 * No Bedrock region is refused: where no geographic profile of the model serves the region, the
 * answer is the model's `global.` profile. GovCloud (`us-gov-*`) has its own `us-gov.` profiles.
 */

/** The model families Claude Code distinguishes (its `haiku`/`sonnet`/`opus` aliases). */
export type ModelFamily = 'haiku' | 'sonnet' | 'opus';

/** A geography prefix of cross-Region inference profiles. */
export type ProfileGeography = 'us' | 'eu' | 'jp' | 'au' | 'apac' | 'us-gov' | 'global';

interface ModelEntry {
  /** Foundation model id (no profile prefix). */
  id: string;
  /** Geographic profiles of the model (besides `global`), from its model card. */
  geographies: readonly ProfileGeography[];
}

/** The models pinned for each family, with the geographies that have a profile of them. */
export const BEDROCK_MODELS: Readonly<Record<ModelFamily, ModelEntry>> = Object.freeze({
  haiku: { id: 'anthropic.claude-haiku-4-5-20251001-v1:0', geographies: ['us', 'eu', 'jp', 'au', 'us-gov'] },
  sonnet: { id: 'anthropic.claude-sonnet-4-5-20250929-v1:0', geographies: ['us', 'eu', 'jp', 'au', 'us-gov'] },
  opus: { id: 'anthropic.claude-opus-4-5-20251101-v1:0', geographies: ['us', 'eu'] },
});

/** The default model of a deployment: Claude Haiku 4.5 (foundation model id). */
export const DEFAULT_MODEL = BEDROCK_MODELS.haiku.id;

/**
 * The geography whose profiles serve `region` as a source Region, or `global` when none does.
 * Explicit lists where a geography's source Regions are a subset of a prefix (JP, AU, Canada).
 */
export function regionGeography(region: string): ProfileGeography {
  if (region === 'ap-northeast-1' || region === 'ap-northeast-3') return 'jp';
  if (region === 'ap-southeast-2' || region === 'ap-southeast-4') return 'au';
  if (region.startsWith('us-gov-')) return 'us-gov';
  if (['us-east-1', 'us-east-2', 'us-west-2', 'ca-central-1'].includes(region)) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  return 'global';
}

/**
 * The inference profile id of `family`'s model in `region`: the region's geographic profile when
 * the model has one there, else the model's `global.` profile (never refuses a region).
 * E.g. (`eu-central-1`, haiku) → `eu.anthropic.claude-haiku-4-5-20251001-v1:0`;
 * (`ap-southeast-2`, haiku) → `au.…`; (`sa-east-1`, haiku) → `global.…`.
 */
export function inferenceProfileId(region: string, family: ModelFamily = 'haiku'): string {
  return profileFor(region, BEDROCK_MODELS[family]);
}

/**
 * The model id to run with in `region`, given what the user asked for (`--model`, `ANTHROPIC_MODEL`):
 * - nothing: the default model's profile for the region ({@link inferenceProfileId} haiku);
 * - `global`: the default model's `global.` profile;
 * - a bare foundation model id (`anthropic.…`): the region's profile of it (a model of the table
 *   follows its geographies; another gets the region's geography, or `global.`);
 * - anything else (a profile id such as `us.…`/`global.…`, an ARN, a Claude Code alias): as given.
 */
export function resolveModelId(region: string, model?: string): string {
  if (model === undefined || model === '') return inferenceProfileId(region, 'haiku');
  if (model === 'global') return `global.${DEFAULT_MODEL}`;
  if (!model.startsWith('anthropic.')) return model;
  const known = Object.values(BEDROCK_MODELS).find((entry) => entry.id === model);
  return profileFor(region, known ?? { id: model, geographies: ['us', 'eu', 'jp', 'au', 'us-gov'] });
}

function profileFor(region: string, model: ModelEntry): string {
  const geography = regionGeography(region);
  return `${model.geographies.includes(geography) ? geography : 'global'}.${model.id}`;
}

/**
 * Claude Code's model variables (https://code.claude.com/docs/en/model-config, "Environment
 * variables"): `ANTHROPIC_DEFAULT_HAIKU_MODEL` (the `haiku` alias and background functionality),
 * `ANTHROPIC_DEFAULT_SONNET_MODEL`, `ANTHROPIC_DEFAULT_OPUS_MODEL`, and the deprecated
 * `ANTHROPIC_SMALL_FAST_MODEL` ("deprecated in favor of ANTHROPIC_DEFAULT_HAIKU_MODEL"; still set
 * for older Claude Code releases). On Bedrock their defaults are `us.` profiles, so a run in
 * Frankfurt would call US profiles for its background and alias models unless they are pinned.
 */
export const MODEL_PIN_VARIABLES = [
  'ANTHROPIC_DEFAULT_HAIKU_MODEL',
  'ANTHROPIC_DEFAULT_SONNET_MODEL',
  'ANTHROPIC_DEFAULT_OPUS_MODEL',
  'ANTHROPIC_SMALL_FAST_MODEL',
] as const;

/**
 * The Claude Code environment that pins every alias and background model to `region`'s profiles
 * (see {@link MODEL_PIN_VARIABLES}). Values already in `env` are kept (a user's own pins win).
 */
export function modelPinEnvironment(region: string, env: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const haiku = inferenceProfileId(region, 'haiku');
  const pins: Record<(typeof MODEL_PIN_VARIABLES)[number], string> = {
    ANTHROPIC_DEFAULT_HAIKU_MODEL: haiku,
    ANTHROPIC_DEFAULT_SONNET_MODEL: inferenceProfileId(region, 'sonnet'),
    ANTHROPIC_DEFAULT_OPUS_MODEL: inferenceProfileId(region, 'opus'),
    ANTHROPIC_SMALL_FAST_MODEL: haiku,
  };
  const result: Record<string, string> = {};
  for (const name of MODEL_PIN_VARIABLES) result[name] = env[name] || pins[name];
  return result;
}
