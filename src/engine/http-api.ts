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
import type { IoHost } from '../io/host.js';
import type { ApplyStep } from './deploy.js';

/** Largest CloudFormation parameter value, in bytes (CloudFormation quotas: "Parameter value"). */
export const MAX_PARAMETER_BYTES = 4096;

export interface HttpApiStepOptions {
  io: IoHost;
  /** The CloudFormation template (the same file the stack step used). */
  templatePath: string;
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

/** The apply step of `--with-api`: runs after the runtime step; records ApiEndpoint/ApiKeyId in the outputs. */
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
      const stackName = state.plan.stack.name;
      const wanted = await httpApiParameters(options.bridgePath, arn);
      const current = await describeStack(clients, stackName);
      if (!current) throw new CliError(`Stack ${stackName} disappeared before the HTTP API step.`, { code: 'STACK_GONE' });
      if (Object.entries(wanted).every(([key, value]) => current.parameters[key] === value) && current.outputs.ApiEndpoint) {
        state.outputs = current.outputs;
        return;
      }
      state.outputs = await updateStack(clients, options, stackName, { ...current.parameters, ...wanted });
      options.io.info(`HTTP API: ${state.outputs.ApiEndpoint ?? '(no ApiEndpoint output)'} — fetch its key with \`agentcore-claude api-key\``);
    },
  };
}

async function updateStack(clients: AwsClients, options: HttpApiStepOptions, stackName: string, parameters: Record<string, string>): Promise<Record<string, string>> {
  const templateBody = await readFile(options.templatePath, 'utf8');
  const progress = options.io.progress(`Stack ${stackName}: adding the HTTP API…`);
  try {
    const changeSet = await createUpdateChangeSet(clients, { name: stackName, templateBody, parameters }, options.poll);
    if (changeSet !== 'no-changes') await executeChangeSet(clients, stackName, changeSet.name, { ...options.poll, onEvent: (line) => progress.log(line) });
    const outputs = (await describeStack(clients, stackName))?.outputs ?? {};
    progress.succeed(`Stack ${stackName}: HTTP API ready`);
    return outputs;
  } catch (error) {
    progress.fail(`Stack ${stackName}: HTTP API update failed`);
    throw error;
  }
}
