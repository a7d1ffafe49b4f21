/**
 * Bedrock model id for a region (the original scripts' guardrail: Claude Haiku 4.5 is invoked
 * through a cross-Region inference profile, and the profile's geography prefix must match the
 * region, e.g. `jp.` in ap-northeast-1, not `global.`).
 */
import { UsageError } from './errors.js';

/** Default model: Claude Haiku 4.5 (foundation model id, without an inference-profile prefix). */
export const DEFAULT_MODEL = 'anthropic.claude-haiku-4-5-20251001-v1:0';

/** Inference-profile geography prefixes Bedrock uses. */
export const PROFILE_PREFIXES = ['us', 'eu', 'jp', 'apac', 'au', 'ca', 'us-gov', 'global'] as const;

/** Japan regions (Tokyo, Osaka) use the `jp.` profiles. */
const JAPAN_REGIONS = new Set(['ap-northeast-1', 'ap-northeast-3']);

/**
 * The inference-profile prefix for a region: `jp` for Japan regions, `us` for `us-*`, `eu` for
 * `eu-*`, `apac` for other `ap-*`.
 * @returns undefined for regions without a known geography profile (callers ask for `--model`).
 */
export function profilePrefixForRegion(region: string): string | undefined {
  if (JAPAN_REGIONS.has(region)) return 'jp';
  if (region.startsWith('us-gov-')) return undefined;
  if (region.startsWith('us-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return undefined;
}

/**
 * The model id to run with in `region`.
 *
 * - no `model`: the default model with the region's profile prefix
 *   (`us-east-1` → `us.anthropic.claude-haiku-4-5-20251001-v1:0`);
 * - `model` = `global`: the default model's `global.` profile (only when asked);
 * - `model` a bare foundation model id (`anthropic.…`): the region's profile prefix is added;
 * - any other `model` (already prefixed `us.`/`global.`/…, or an ARN): used as given.
 * @throws UsageError (code `UNKNOWN_MODEL_REGION`) when a prefix is needed and the region has none
 *   known, suggesting `--model`.
 */
export function resolveModelId(region: string, model?: string): string {
  if (model === 'global') return `global.${DEFAULT_MODEL}`;
  const base = model ?? DEFAULT_MODEL;
  if (!base.startsWith('anthropic.')) return base;
  const prefix = profilePrefixForRegion(region);
  if (!prefix) {
    throw new UsageError(`No inference profile is known for region ${region}.`, {
      hint: `Pass --model with a full model id or inference profile, e.g. --model global.${DEFAULT_MODEL}`,
      code: 'UNKNOWN_MODEL_REGION',
    });
  }
  return `${prefix}.${base}`;
}
