/**
 * What deploy's apply produces ({@link ApplyState}), the shape of its steps, and the deployment
 * state written from it (one record of `.agentcore-claude/deployments.json`, schema in core/state.ts).
 */
import type { AwsClients } from '../aws/clients.js';
import type { RuntimeRef } from '../aws/runtime.js';
import type { WaitOptions } from '../aws/wait.js';
import type { LifecycleSettings } from '../core/duration.js';
import type { DeployPlan, DesiredStack } from '../core/plan.js';
import type { DeploymentState } from '../core/state.js';
import type { IoHost } from '../io/host.js';
import type { DeployTarget } from './deploy-gather.js';

/** What apply has produced so far; steps read and extend it. */
export interface ApplyState {
  target: DeployTarget;
  plan: DeployPlan;
  /** The stack as wanted (template body, parameters): for steps that update it again (e.g. `--with-api`). */
  desiredStack: DesiredStack;
  account: string;
  outputs: Record<string, string>;
  imageUri?: string;
  /** Code artifact: `s3://bucket/key` of the package. */
  codeLocation?: string;
  runtime?: RuntimeRef;
  /** The runtime's lifecycle settings after apply (asked for, or kept from the runtime). */
  lifecycle?: LifecycleSettings;
}

/** One step of apply. `activity` says what keeps running in AWS if the user interrupts it (undefined: nothing). */
export interface ApplyStep {
  name: string;
  activity: (state: ApplyState) => string | undefined;
  run: (state: ApplyState, clients: AwsClients) => Promise<void>;
}

/** What every apply step is given. */
export interface StepOptions {
  io: IoHost;
  /** Deadline (`--timeout`), delays and signal of the apply phase's waits. */
  waits: WaitOptions;
  /** Wait for the runtime version to be READY (`--no-wait` → false). */
  wait: boolean;
  contextDir: string;
  /** Tell Ctrl-C what a step leaves running once it knows more than its `activity` said (e.g. a build id). */
  onActivity?: (activity: string | undefined) => void;
}

/**
 * The state after apply. `api` comes from the stack outputs (ApiEndpoint/ApiKeyId, present once
 * `deploy --with-api` added the HTTP API), else is kept from the previous state of the same stack
 * and region, as is `createdAt`; `lifecycle` records the configured durations.
 */
export function deploymentState(previous: DeploymentState | undefined, applied: ApplyState, now = new Date()): DeploymentState {
  const { target, outputs, runtime } = applied;
  const same = previous && previous.stackName === target.stackName && previous.region === target.region;
  return {
    version: 1,
    name: target.agentName,
    region: target.region,
    account: applied.account,
    stackName: target.stackName,
    bucket: outputs.OutputBucketName ?? '',
    repositoryUri: outputs.EcrRepositoryUri ?? '',
    roleArn: outputs.ExecutionRoleArn ?? '',
    imageTag: applied.plan.image?.tag ?? '',
    imageUri: applied.plan.image ? (applied.imageUri ?? `${outputs.EcrRepositoryUri}:${applied.plan.image.tag}`) : '',
    model: target.model,
    runtime: { name: target.runtimeName, id: runtime?.id ?? '', arn: runtime?.arn ?? '', version: runtime?.version ?? '' },
    ...(outputs.ApiEndpoint
      ? { api: { endpoint: outputs.ApiEndpoint, ...(outputs.ApiKeyId ? { keyId: outputs.ApiKeyId } : {}) } }
      : same && previous.api
        ? { api: previous.api }
        : {}),
    artifact: {
      type: applied.plan.artifact.type,
      tag: applied.plan.artifact.tag,
      location: applied.plan.artifact.type === 'code' ? (applied.codeLocation ?? '') : (applied.imageUri ?? `${outputs.EcrRepositoryUri}:${applied.plan.artifact.tag}`),
    },
    ...(applied.lifecycle ? { lifecycle: applied.lifecycle } : {}),
    ...(target.gitTokenSecretArn ? { gitTokenSecretArn: target.gitTokenSecretArn } : {}),
    createdAt: same ? previous.createdAt : now.toISOString(),
    updatedAt: now.toISOString(),
  };
}
