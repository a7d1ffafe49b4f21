/**
 * Layered configuration (after aws-cdk-cli's user-configuration): defaults → project config file
 * (`agentcore-claude.yaml`) → environment → flags, later layers winning. Pure: the caller reads
 * the file and the environment and passes them in.
 */
import type { Settings } from './config-file.js';

/** Name of the project config file looked up in the current directory (YAML or JSON content). */
export const CONFIG_FILE_NAME = 'agentcore-claude.yaml';

/** Default agent name: becomes the runtime name (sanitized) and the default stack name. */
export const DEFAULT_AGENT_NAME = 'agentcore-claude';

/**
 * The environment variables the CLI reads, and the setting each one supplies.
 * (AWS_* variables are the AWS SDK's own; the SDK also reads them for credentials.)
 */
export const ENVIRONMENT_VARIABLES = {
  AGENTCORE_CLAUDE_NAME: 'name',
  AGENTCORE_CLAUDE_STACK_NAME: 'stackName',
  AGENTCORE_CLAUDE_MODEL: 'model',
  AGENTCORE_CLAUDE_ARTIFACT: 'artifact',
  AGENTCORE_CLAUDE_BUILD: 'build',
  AWS_REGION: 'region',
  AWS_DEFAULT_REGION: 'region',
  AWS_PROFILE: 'profile',
} as const satisfies Record<string, keyof Settings>;

/** Settings that any layer may supply (validated by `config-file.ts` when read from the file). */
export type { Settings } from './config-file.js';

/** Where a resolved value came from; shown by `info` and in errors. */
export type Source = 'flag' | 'env' | 'file' | 'default' | 'state';

export interface ResolvedConfig {
  name: string;
  /** CloudFormation stack name; default `<name>` (stack names allow hyphens). */
  stackName: string;
  region?: string;
  profile?: string;
  model?: string;
  skills?: string;
  idleTimeout?: string | number;
  maxLifetime?: string | number;
  withApi?: boolean;
  /** Secrets Manager secret ARN of a Git token the deployed agent may push with. */
  gitTokenSecret?: string;
  /** Deploy artifact (`--artifact`, AGENTCORE_CLAUDE_ARTIFACT, or the config file's `artifact`); unset → the previous deployment's, else `container`. */
  artifact?: 'container' | 'code';
  /** `deploy --session-storage` / config `sessionStorage`; unset → what the runtime has. */
  sessionStorage?: boolean;
  /** `deploy --max-budget-usd` / config `maxBudgetUsd`: the runtime's MAX_BUDGET_USD; unset → what the runtime has. */
  maxBudgetUsd?: number;
  /** Where the image is built (`--build`, AGENTCORE_CLAUDE_BUILD, or the config file's `build`); unset → `local`. */
  build?: 'local' | 'codebuild';
  /** The layer each set value came from. */
  sources: Partial<Record<keyof Settings, Source>>;
}

/** Settings supplied by the environment (see {@link ENVIRONMENT_VARIABLES}). */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const out: Record<string, string> = {};
  // AWS_DEFAULT_REGION first so AWS_REGION wins, as in the AWS SDK.
  const keys = Object.keys(ENVIRONMENT_VARIABLES) as Array<keyof typeof ENVIRONMENT_VARIABLES>;
  const ordered = ['AWS_DEFAULT_REGION' as const, ...keys.filter((key) => key !== 'AWS_DEFAULT_REGION')];
  for (const key of ordered) {
    const value = env[key];
    if (value) out[ENVIRONMENT_VARIABLES[key]] = value;
  }
  return out as Settings;
}

/** Merge layers (lowest first) into a resolved configuration, recording each value's source. */
export function resolveConfig(layers: { file?: Settings; env?: Settings; flags?: Settings }): ResolvedConfig {
  const sources: ResolvedConfig['sources'] = {};
  const merged: Settings = {};
  for (const [source, layer] of [
    ['file', layers.file],
    ['env', layers.env],
    ['flag', layers.flags],
  ] as const) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue;
      (merged as Record<string, unknown>)[key] = value;
      sources[key as keyof Settings] = source;
    }
  }
  const name = merged.name ?? DEFAULT_AGENT_NAME;
  if (!merged.name) sources.name = 'default';
  const stackName = merged.stackName ?? defaultStackName(name);
  if (!merged.stackName) sources.stackName = 'default';
  return { ...merged, name, stackName, sources };
}

/**
 * Default stack name for an agent name. CloudFormation stack names must match
 * `[a-zA-Z][-a-zA-Z0-9]*` and be at most 128 characters (CreateStack API reference).
 * Accents are dropped (`Über` → `Uber`), each run of other characters becomes one `-`, and a
 * name not starting with a letter gets the prefix `agent-` (`9lives` → `agent-9lives`), as the
 * runtime name gets `agent_`: nothing of the name is lost, and the same name always gives the
 * same stack name. Only punctuation or non-Latin letters: `agentcore-claude`.
 */
export function defaultStackName(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let cleaned = ascii.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (!cleaned) return DEFAULT_AGENT_NAME;
  if (!/^[a-zA-Z]/.test(cleaned)) cleaned = `agent-${cleaned}`;
  return cleaned.slice(0, 128).replace(/-+$/, '');
}
