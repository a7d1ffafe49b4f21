/**
 * `invoke` without `--local`: which deployed agent to reach, and how. The runtime comes from
 * `--runtime-arn`, else the recorded deployment (when it is the one the flags name), else the
 * runtime `deploy` would have made for `--name`; `--api` goes through the HTTP API with the
 * endpoint `deploy --with-api` recorded (or the stack's ApiEndpoint output) and the key `api-key` saved.
 */
import { parseRuntimeArn } from '../core/arn.js';
import { HttpApiTransport, readSavedApiKey } from './transports/http-api.js';
import { CliError, UsageError } from '../core/errors.js';
import { requireDeployment, stackNameOf, stateMatches, STACK_OUTPUTS, type OpsContext } from './target.js';
import type { AgentTransport } from './transports/transport.js';

export interface RemoteOptions {
  /** Go through the HTTP API instead of the AWS SDK. */
  api?: boolean;
  runtimeArn?: string;
  qualifier?: string;
  /** Deadline of one invocation, in ms. */
  timeoutMs?: number;
}

/**
 * The transport to the deployed agent.
 * @throws UsageError (exit 2) when no deployment is known (none recorded, no --name/--runtime-arn),
 *   when `--api` has no endpoint or no saved key; CliError (exit 3) when the runtime does not exist.
 */
export async function remoteTransport(ctx: OpsContext, options: RemoteOptions): Promise<AgentTransport> {
  if (options.api) {
    const [endpoint, apiKey] = await Promise.all([apiEndpointOf(ctx), readSavedApiKey(ctx.cwd)]);
    return new HttpApiTransport(endpoint, apiKey, options.timeoutMs);
  }
  const runtimeArn = options.runtimeArn ?? (await runtimeArnOf(ctx));
  const { AgentCoreTransport } = await import('./transports/agentcore.js');
  return new AgentCoreTransport(ctx.aws(), { runtimeArn, qualifier: options.qualifier, timeoutMs: options.timeoutMs });
}

/** The deployed runtime's ARN (recorded, else found by name). @throws UsageError/CliError when there is none. */
export async function runtimeArnOf(ctx: OpsContext): Promise<string> {
  requireDeployment(ctx, ['--runtime-arn <arn>']);
  if (stateMatches(ctx) && ctx.state.runtime.arn) return ctx.state.runtime.arn;
  const [{ findRuntimeByName }, { sanitizeRuntimeName }, { translateAwsError }] = await Promise.all([
    import('../aws/runtime.js'),
    import('../core/runtime-name.js'),
    import('../aws/aws-errors.js'),
  ]);
  const name = sanitizeRuntimeName(ctx.config.name).name;
  const runtime = await findRuntimeByName(ctx.aws(), name).catch((error: unknown) => {
    throw translateAwsError(error, 'bedrock-agentcore:ListAgentRuntimes', 'Cannot list AgentCore runtimes');
  });
  if (!runtime?.arn) {
    throw new CliError(`No agent runtime named ${name} in ${ctx.aws().region}.`, {
      hint: 'Run `agentcore-claude deploy` first, or pass --runtime-arn / --region for an existing runtime.',
      code: 'RUNTIME_NOT_FOUND',
    });
  }
  return runtime.arn;
}

async function apiEndpointOf(ctx: OpsContext): Promise<string> {
  if (stateMatches(ctx) && ctx.state.api?.endpoint) return ctx.state.api.endpoint;
  requireDeployment(ctx);
  const { stackStatus } = await import('../aws/cloudformation.js');
  const endpoint = (await stackStatus(ctx.aws(), stackNameOf(ctx)))?.outputs[STACK_OUTPUTS.apiEndpoint];
  if (endpoint) return endpoint;
  throw new UsageError(`The deployment has no HTTP API (stack ${stackNameOf(ctx)} has no ${STACK_OUTPUTS.apiEndpoint} output).`, {
    hint: 'Add it with `agentcore-claude deploy --with-api`, or invoke without --api.',
    code: 'NO_API_ENDPOINT',
  });
}

/** The region in a runtime ARN (`arn:aws:bedrock-agentcore:<region>:…`). @throws UsageError for anything else. */
export function regionOfArn(arn: string): string {
  const region = parseRuntimeArn(arn)?.region;
  if (!region) {
    throw new UsageError(`--runtime-arn "${arn}" is not an AgentCore runtime ARN.`, { hint: 'It looks like arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/<id>.', code: 'BAD_ARN' });
  }
  return region;
}
