/**
 * `deploy --with-api`: once the runtime is READY, update the stack with `EnableApi=true`, the
 * runtime's ARN and the Lambda bridge's code, which adds the HTTP API (API Gateway REST API with
 * an API key and usage plan, Lambda bridge; see templates/infrastructure.yaml). Runs as an extra
 * apply step of the deploy engine; a second run with the same runtime and bridge changes nothing.
 */
import { readFile } from 'node:fs/promises';
import type { AwsClients } from '../aws/clients.js';
import { createUpdateChangeSet, describeStack, executeChangeSet } from '../aws/cloudformation.js';
import type { PollOptions } from '../aws/wait.js';
import { CliError } from '../core/errors.js';
import type { DesiredStack } from '../core/plan.js';
import type { IoHost } from '../io/host.js';
import type { ApplyStep } from './deploy.js';

/** Largest CloudFormation parameter value, in bytes (CloudFormation quotas: "Parameter value"). */
export const MAX_PARAMETER_BYTES = 4096;

export interface HttpApiStepOptions {
  io: IoHost;
  /** The esbuild bundle of the bridge (`dist/lambda/bridge.cjs`). */
  bridgePath: string;
  poll: PollOptions;
}

/**
 * The stack parameters that turn the HTTP API on for `runtimeArn`.
 * @throws CliError when the bridge bundle is missing (build first) or too large for a parameter.
 */
export async function httpApiParameters(bridgePath: string, runtimeArn: string): Promise<Record<string, string>> {
  const code = await readFile(bridgePath, 'utf8').catch((error: unknown) => {
    throw new CliError(`The Lambda bridge bundle ${bridgePath} is missing.`, { hint: 'Run `npm run build` (it bundles src/lambda/bridge.ts).', code: 'NO_BRIDGE_BUNDLE', cause: error });
  });
  if (Buffer.byteLength(code) > MAX_PARAMETER_BYTES) {
    throw new CliError(`The Lambda bridge bundle is ${Buffer.byteLength(code)} bytes, over CloudFormation's ${MAX_PARAMETER_BYTES}-byte parameter limit.`, { code: 'BRIDGE_TOO_LARGE' });
  }
  return { EnableApi: 'true', AgentRuntimeArn: runtimeArn, ApiBridgeCode: code };
}

/**
 * The apply step of `--with-api`: runs after the runtime step, updates the stack (its wanted
 * template and parameters plus {@link httpApiParameters}) unless it already has them, and leaves
 * ApiEndpoint/ApiKeyId in the outputs (deploy-state records them).
 */
export function httpApiStep(options: HttpApiStepOptions): ApplyStep {
  return {
    name: 'http-api',
    activity: ({ plan }) => `CloudFormation update of stack ${plan.stack.name} (HTTP API)`,
    async run(state, clients) {
      const arn = state.runtime?.arn;
      if (!arn) {
        throw new CliError('The HTTP API needs the runtime ARN, and the runtime step did not produce one.', {
          hint: 'Run `agentcore-claude deploy --with-api` again without --no-wait.',
          code: 'NO_RUNTIME_ARN',
        });
      }
      const wanted = await httpApiParameters(options.bridgePath, arn);
      const stack = state.desiredStack;
      if (Object.entries(wanted).every(([key, value]) => stack.parameters[key] === value) && state.outputs.ApiEndpoint) return;
      const parameters = { ...stack.parameters, ...wanted };
      state.outputs = await updateStack(clients, options, { ...stack, parameters });
      state.desiredStack = { ...stack, parameters };
      options.io.info(`HTTP API: ${state.outputs.ApiEndpoint ?? '(no ApiEndpoint output)'} — fetch its key with \`agentcore-claude api-key\``);
    },
  };
}

async function updateStack(clients: AwsClients, options: HttpApiStepOptions, desired: DesiredStack): Promise<Record<string, string>> {
  const progress = options.io.progress(`Stack ${desired.name}: adding the HTTP API…`);
  try {
    const changeSet = await createUpdateChangeSet(clients, desired, options.poll);
    if (changeSet !== 'no-changes') await executeChangeSet(clients, desired.name, changeSet.name, { ...options.poll, onEvent: (line) => progress.log(line) });
    const outputs = (await describeStack(clients, desired.name))?.outputs ?? {};
    progress.succeed(`Stack ${desired.name}: HTTP API ready`);
    return outputs;
  } catch (error) {
    progress.fail(`Stack ${desired.name}: HTTP API update failed`);
    throw error;
  }
}
