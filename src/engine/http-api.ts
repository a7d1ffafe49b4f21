/**
 * `deploy --with-api`: once the runtime is READY, put the Lambda bridge's code package in the
 * stack's bucket (see bridge-package.ts) and update the stack with `EnableApi=true`, the runtime's
 * ARN and the package's key and version, which adds the HTTP API (API Gateway REST API with an API
 * key and usage plan, Lambda bridge; see templates/infrastructure.yaml). Runs as an extra apply
 * step of the deploy engine, after the stack update that created the bucket; a second run with the
 * same runtime and bridge uploads nothing and changes nothing.
 */
import type { AwsClients } from '../aws/clients.js';
import { createUpdateChangeSet, describeStack, executeChangeSet } from '../aws/cloudformation.js';
import type { WaitOptions } from '../aws/wait.js';
import { CliError } from '../core/errors.js';
import type { DesiredStack } from '../core/plan.js';
import type { IoHost } from '../io/host.js';
import { publishBridge, type PublishedBridge } from './bridge-package.js';
import type { ApplyStep } from './deploy-state.js';

export interface HttpApiStepOptions {
  io: IoHost;
  /** The esbuild bundle of the bridge (`dist/lambda/bridge.cjs`, the AWS SDK client inside). */
  bridgePath: string;
  /** Deadline (`--timeout`) of the stack update. */
  wait: WaitOptions;
}

/**
 * The stack parameters that turn the HTTP API on for `runtimeArn` with the bridge package at
 * `bridge`. `ApiBridgeCode` (the retired inline code) is emptied: stacks deployed before the
 * bridge moved to S3 still carry it.
 */
export function httpApiParameters(runtimeArn: string, bridge: Pick<PublishedBridge, 'key' | 'versionId'>): Record<string, string> {
  return { EnableApi: 'true', AgentRuntimeArn: runtimeArn, ApiBridgeCodeKey: bridge.key, ApiBridgeCodeVersion: bridge.versionId, ApiBridgeCode: '' };
}

/**
 * The apply step of `--with-api`: runs after the runtime step (the stack, hence its bucket, exists),
 * uploads the bridge package unless its key is there, updates the stack (its wanted template and
 * parameters plus {@link httpApiParameters}) unless it already has them, and leaves
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
      const stack = state.desiredStack;
      const bucket = state.outputs.OutputBucketName;
      if (!bucket) {
        throw new CliError(`Stack ${stack.name} has no OutputBucketName output, where the Lambda bridge's code goes.`, {
          hint: 'Run `agentcore-claude deploy --with-api` again once the stack is complete (`agentcore-claude info` shows it).',
          code: 'MISSING_OUTPUTS',
        });
      }
      const bridge = await publishBridge(clients.s3(), bucket, options.bridgePath);
      if (bridge.uploadedBytes !== undefined) options.io.info(`Lambda bridge: uploaded s3://${bucket}/${bridge.key} (${bridge.uploadedBytes} bytes)`);
      const wanted = httpApiParameters(arn, bridge);
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
    const changeSet = await createUpdateChangeSet(clients, desired, options.wait);
    if (changeSet !== 'no-changes') await executeChangeSet(clients, desired.name, changeSet.name, options.wait, { onEvent: (line) => progress.log(line) });
    const outputs = (await describeStack(clients, desired.name))?.outputs ?? {};
    progress.succeed(`Stack ${desired.name}: HTTP API ready`);
    return outputs;
  } catch (error) {
    progress.fail(`Stack ${desired.name}: HTTP API update failed`);
    throw error;
  }
}
