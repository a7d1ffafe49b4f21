/**
 * The project config file's schema (`agentcore-claude.yaml`, see `config.ts`): zod, loaded only
 * when a config file exists, so commands run without one never load zod (start-up time, issue 10).
 */
import { z } from 'zod';
import { MAX_BUDGET_USD_LIMIT } from '@agentcore-claude/protocol/limits';
import { UsageError } from './errors.js';

/** Settings that any layer may supply. All optional: defaults fill what is left. */
export const settingsSchema = z
  .object({
    name: z.string().min(1).optional(),
    stackName: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    profile: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    skills: z.string().min(1).optional(),
    idleTimeout: z.union([z.string(), z.number()]).optional(),
    maxLifetime: z.union([z.string(), z.number()]).optional(),
    withApi: z.boolean().optional(),
    gitTokenSecret: z.string().min(1).optional(),
    /** What deploy deploys: `container` (arm64 image, default) or `code` (zip on AgentCore's managed Node.js runtime). */
    artifact: z.enum(['container', 'code']).optional(),
    /** Keep workspaces on AgentCore managed session storage (`filesystemConfigurations[].sessionStorage`). */
    sessionStorage: z.boolean().optional(),
    /** Default budget of a run in US dollars (the runtime's MAX_BUDGET_USD). */
    maxBudgetUsd: z.number().positive().max(MAX_BUDGET_USD_LIMIT).optional(),
    /** Where the container image is built: `local` (Docker buildx, default) or `codebuild` (a CodeBuild project in the stack). */
    build: z.enum(['local', 'codebuild']).optional(),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

/**
 * Validate the parsed content of the project config file.
 * @throws UsageError naming the file and the offending key.
 */
export function parseConfigFile(content: unknown, path: string): Settings {
  if (content === null || content === undefined) return {};
  const parsed = settingsSchema.safeParse(content);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw new UsageError(`Invalid config file ${path}: ${where}: ${issue?.message ?? 'invalid'}`, {
      hint: `Allowed keys: ${Object.keys(settingsSchema.shape).join(', ')}.`,
      code: 'BAD_CONFIG',
    });
  }
  return parsed.data;
}
