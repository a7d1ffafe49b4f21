/**
 * Which deployment an operating command (`info`, `download`, `logs`, `destroy`) acts on: the
 * record selected from the project state (`.agentcore-claude/deployments.json`, written by
 * `deploy`; see `src/cli/context.ts`), overridden by `--name`, `--stack-name`, `--region` (and
 * `--bucket` for `download`). Without either, a usage error says to deploy or pass a flag.
 */
import type { AwsClients } from '../aws/clients.js';
import type { StackStatus } from '../aws/cloudformation.js';
import type { ResolvedConfig } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import type { DeploymentState } from '../core/state.js';
import type { IoHost } from '../io/host.js';

/** What the engines of this area need from the command context (see `src/cli/context.ts`). */
export interface OpsContext {
  io: IoHost;
  config: ResolvedConfig;
  statePath: string;
  state: DeploymentState | undefined;
  cwd: string;
  aws(): AwsClients;
}

/** Stack outputs written by the template (`deploy`). */
export const STACK_OUTPUTS = {
  bucket: 'OutputBucketName',
  repositoryUri: 'EcrRepositoryUri',
  roleArn: 'ExecutionRoleArn',
  /** Present with `deploy --with-api`. */
  apiEndpoint: 'ApiEndpoint',
  apiKeyId: 'ApiKeyId',
} as const;

/**
 * True when the user named a deployment on the command line or in the environment/config file
 * (`--name`, `--stack-name`), as opposed to the defaults.
 */
export function hasExplicitTarget(config: ResolvedConfig): boolean {
  return (config.sources.name ?? 'default') !== 'default' || (config.sources.stackName ?? 'default') !== 'default';
}

/**
 * Throw the "no deployment" usage error unless a deployment is selected from the project state or a target was named.
 * @param extraFlags flags that also name a target for this command (e.g. `--bucket`).
 */
export function requireDeployment(ctx: OpsContext, extraFlags: string[] = [], extraGiven = false): void {
  if (ctx.state || hasExplicitTarget(ctx.config) || extraGiven) return;
  const flags = ['--name <agent>', '--stack-name <stack>', ...extraFlags].join(', ');
  throw new UsageError(`No deployment found: ${ctx.statePath} records none.`, {
    hint: `Run \`agentcore-claude deploy\` first (it records the deployment), or pass ${flags} with --region.`,
    code: 'NO_DEPLOYMENT',
  });
}

/** True when the state file describes the deployment the flags name (or no flags override it). */
export function stateMatches(ctx: OpsContext): ctx is OpsContext & { state: DeploymentState } {
  const { state, config } = ctx;
  if (!state) return false;
  const nameOk = config.sources.name === 'default' || config.sources.name === undefined || config.name === state.name;
  const stackOk =
    config.sources.stackName === 'default' || config.sources.stackName === undefined || config.stackName === state.stackName;
  return nameOk && stackOk;
}

/** The stack name to act on: the flag, else the state file's, else the default from the name. */
export function stackNameOf(ctx: OpsContext): string {
  if (ctx.config.sources.stackName !== 'default' && ctx.config.sources.stackName !== undefined) return ctx.config.stackName;
  if (stateMatches(ctx)) return ctx.state.stackName;
  return ctx.config.stackName;
}

/**
 * The runtime id: from the state file when it matches the flags, else looked up by the runtime
 * name `deploy` derives from the agent name (ListAgentRuntimes). `undefined` when none exists.
 */
export async function runtimeIdOf(ctx: OpsContext): Promise<string | undefined> {
  if (stateMatches(ctx)) return ctx.state.runtime.id;
  // Loaded on demand: `download` never needs the AgentCore client (startup time).
  const [{ findRuntimeByName }, { sanitizeRuntimeName }] = await Promise.all([import('../aws/runtime.js'), import('../core/runtime-name.js')]);
  try {
    return (await findRuntimeByName(ctx.aws(), sanitizeRuntimeName(ctx.config.name).name))?.id;
  } catch (error) {
    const { translateAwsError } = await import('../aws/aws-errors.js');
    throw translateAwsError(error, 'bedrock-agentcore:ListAgentRuntimes', 'Cannot list AgentCore runtimes');
  }
}

/** Live stack status and outputs (DescribeStacks), or undefined when the stack does not exist. */
export async function liveStack(ctx: OpsContext): Promise<StackStatus | undefined> {
  const { stackStatus } = await import('../aws/cloudformation.js');
  return stackStatus(ctx.aws(), stackNameOf(ctx));
}

/**
 * The bucket to read: `--bucket`, else the recorded deployment, else the stack output `OutputBucketName`.
 * @throws UsageError when none is known.
 */
export async function resolveBucket(ctx: OpsContext, flag?: string): Promise<string> {
  if (flag) return flag;
  requireDeployment(ctx, ['--bucket <bucket>']);
  if (stateMatches(ctx)) return ctx.state.bucket;
  const stack = await liveStack(ctx);
  const bucket = stack?.outputs[STACK_OUTPUTS.bucket] ?? ctx.state?.bucket;
  if (!bucket) {
    throw new UsageError(`Stack ${ctx.config.stackName} was not found or has no ${STACK_OUTPUTS.bucket} output.`, {
      hint: 'Pass --bucket <bucket>, or check --stack-name/--region.',
      code: 'NO_BUCKET',
    });
  }
  return bucket;
}
