/**
 * AgentCore Runtime control plane: find a runtime by name, create/update it with the complete
 * configuration, and wait until the new version is READY (`deploy`); a runtime's live status
 * (`info`), and deleting one with a wait until it is gone (`destroy`).
 */
import {
  CreateAgentRuntimeCommand,
  DeleteAgentRuntimeCommand,
  GetAgentRuntimeCommand,
  UpdateAgentRuntimeCommand,
  paginateListAgentRuntimes,
  type GetAgentRuntimeResponse,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { CliError, ExitCode, errorMessage } from '../core/errors.js';
import type { CurrentRuntime, RuntimeConfig } from '../core/plan.js';
import { isNotFound, translateAwsError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import { awsErrorName, pollPause, sleep, type PollOptions } from './wait.js';

export interface RuntimeRef {
  id: string;
  arn: string;
  name: string;
  version: string;
  status: string;
}

/** Find the runtime named `name` (paginated ListAgentRuntimes). @returns undefined when none. */
export async function findRuntimeByName(clients: AwsClients, name: string): Promise<RuntimeRef | undefined> {
  for await (const page of paginateListAgentRuntimes({ client: clients.agentCoreControl() }, {})) {
    const found = page.agentRuntimes?.find((r) => r.agentRuntimeName === name);
    if (found) {
      return { id: found.agentRuntimeId ?? '', arn: found.agentRuntimeArn ?? '', name, version: found.agentRuntimeVersion ?? '', status: found.status ?? 'UNKNOWN' };
    }
  }
  return undefined;
}

/** GetAgentRuntime (a given version, or the latest) as a {@link CurrentRuntime}. */
export async function getRuntime(clients: AwsClients, id: string, version?: string): Promise<CurrentRuntime> {
  const out = await clients.agentCoreControl().send(new GetAgentRuntimeCommand({ agentRuntimeId: id, ...(version ? { agentRuntimeVersion: version } : {}) }));
  return fromResponse(out);
}

function fromResponse(out: GetAgentRuntimeResponse): CurrentRuntime {
  const lifecycle = out.lifecycleConfiguration;
  const code = out.agentRuntimeArtifact?.codeConfiguration;
  const s3 = code?.code?.s3;
  const mount = out.filesystemConfigurations?.find((f) => f.sessionStorage)?.sessionStorage?.mountPath;
  return {
    id: out.agentRuntimeId ?? '',
    arn: out.agentRuntimeArn ?? '',
    name: out.agentRuntimeName ?? '',
    version: out.agentRuntimeVersion ?? '',
    status: out.status ?? 'UNKNOWN',
    failureReason: out.failureReason,
    config: {
      containerUri: out.agentRuntimeArtifact?.containerConfiguration?.containerUri,
      code: code ? { bucket: s3?.bucket ?? '', prefix: s3?.prefix ?? '', runtime: code.runtime ?? '', entryPoint: code.entryPoint ?? [] } : undefined,
      ...(mount !== undefined ? { sessionStorageMountPath: mount } : {}),
      roleArn: out.roleArn,
      networkMode: out.networkConfiguration?.networkMode as RuntimeConfig['networkMode'] | undefined,
      environment: out.environmentVariables ?? {},
      lifecycle: lifecycle ? { idleRuntimeSessionTimeout: lifecycle.idleRuntimeSessionTimeout, maxLifetime: lifecycle.maxLifetime } : undefined,
    },
  };
}

/**
 * The request fields for a complete configuration (create and update take the same): the
 * container image, or the code zip (`codeConfiguration`) plus its session storage mount.
 */
function configuration(config: RuntimeConfig) {
  const artifact = config.code
    ? {
        agentRuntimeArtifact: {
          codeConfiguration: {
            code: { s3: { bucket: config.code.bucket, prefix: config.code.prefix } },
            runtime: config.code.runtime as 'NODE_22',
            entryPoint: config.code.entryPoint,
          },
        },
      }
    : { agentRuntimeArtifact: { containerConfiguration: { containerUri: config.containerUri } } };
  return {
    ...artifact,
    ...(config.sessionStorageMountPath ? { filesystemConfigurations: [{ sessionStorage: { mountPath: config.sessionStorageMountPath } }] } : {}),
    roleArn: config.roleArn,
    networkConfiguration: { networkMode: config.networkMode },
    environmentVariables: config.environment,
    ...(config.lifecycle ? { lifecycleConfiguration: config.lifecycle } : {}),
  };
}

export interface RetryOptions {
  /** Total backoff allowed for IAM-propagation ValidationExceptions, in ms; default 120000. */
  propagationMs?: number;
  /** First backoff in ms (doubles, capped at 15 s); default 2000. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry with the wait in ms. */
  onRetry?: (waitMs: number, error: unknown) => void;
}

/**
 * True for the ValidationException AgentCore returns while a just-created execution role cannot be
 * assumed yet (IAM is eventually consistent).
 */
export function isRolePropagationError(error: unknown): boolean {
  if (awsErrorName(error) !== 'ValidationException') return false;
  const message = errorMessage(error);
  return /role/i.test(message) && /assum|trust|validation failed|not authorized|propagat/i.test(message);
}

async function withPropagationRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const budget = options.propagationMs ?? 120_000;
  let waited = 0;
  let wait = options.backoffMs ?? 2000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isRolePropagationError(error) || waited + wait > budget) throw translate(error);
      options.onRetry?.(wait, error);
      await (options.sleep ?? sleep)(wait);
      waited += wait;
      wait = Math.min(wait * 2, 15_000);
    }
  }
}

function translate(error: unknown): unknown {
  if (awsErrorName(error) === 'ConflictException') {
    return new CliError(`AgentCore refused the change: ${errorMessage(error)}`, {
      hint: 'Another create/update of this runtime is still in progress; wait for it (agentcore-claude info), then run `agentcore-claude deploy` again.',
      code: 'RUNTIME_CONFLICT',
      cause: error,
    });
  }
  if (isRolePropagationError(error)) {
    return new CliError(`AgentCore cannot assume the execution role: ${errorMessage(error)}`, {
      hint: 'IAM changes can take a few minutes to propagate; run `agentcore-claude deploy` again shortly.',
      code: 'ROLE_NOT_ASSUMABLE',
      cause: error,
    });
  }
  return error;
}

/** CreateAgentRuntime with the complete configuration (IAM-propagation errors retried). */
export async function createRuntime(clients: AwsClients, name: string, config: RuntimeConfig, retry: RetryOptions = {}): Promise<RuntimeRef> {
  const out = await withPropagationRetry(
    () => clients.agentCoreControl().send(new CreateAgentRuntimeCommand({ agentRuntimeName: name, ...configuration(config) })),
    retry,
  );
  return { id: out.agentRuntimeId ?? '', arn: out.agentRuntimeArn ?? '', name, version: out.agentRuntimeVersion ?? '', status: out.status ?? 'CREATING' };
}

/**
 * UpdateAgentRuntime with the complete configuration (an update replaces the whole configuration,
 * so nothing may be left out). IAM-propagation errors retried.
 */
export async function updateRuntime(clients: AwsClients, current: { id: string; name: string }, config: RuntimeConfig, retry: RetryOptions = {}): Promise<RuntimeRef> {
  const out = await withPropagationRetry(
    () => clients.agentCoreControl().send(new UpdateAgentRuntimeCommand({ agentRuntimeId: current.id, ...configuration(config) })),
    retry,
  );
  return { id: out.agentRuntimeId ?? current.id, arn: out.agentRuntimeArn ?? '', name: current.name, version: out.agentRuntimeVersion ?? '', status: out.status ?? 'UPDATING' };
}

/**
 * Poll GetAgentRuntime for `version` until it is READY.
 * @param onStatus called with each status seen (progress).
 * @throws CliError (exit 1) on `CREATE_FAILED` / `UPDATE_FAILED`, with AgentCore's failureReason;
 *   CliError `TIMEOUT` past the deadline.
 */
export async function waitForRuntimeVersion(
  clients: AwsClients,
  ref: { id: string; name: string; version: string },
  poll: PollOptions & { onStatus?: (status: string) => void },
): Promise<CurrentRuntime> {
  for (;;) {
    const runtime = await getRuntime(clients, ref.id, ref.version);
    poll.onStatus?.(runtime.status);
    if (runtime.status === 'READY') return runtime;
    if (runtime.status.endsWith('_FAILED')) {
      throw new CliError(`Runtime ${ref.name} version ${ref.version} is ${runtime.status}: ${runtime.failureReason ?? 'no reason given'}`, {
        exitCode: ExitCode.AgentError,
        hint: 'Fix the cause (often the image or the execution role), then run `agentcore-claude deploy` again.',
        code: 'RUNTIME_FAILED',
      });
    }
    await pollPause(poll, `runtime ${ref.name} version ${ref.version} (${runtime.status})`, 'The update is still running in AWS; `agentcore-claude deploy` again is safe, or check `agentcore-claude info`.');
  }
}

/** What `info` and `destroy` show of a runtime (GetAgentRuntime, latest version). */
export interface RuntimeStatus {
  id: string;
  name: string;
  arn: string;
  status: string;
  version: string;
  containerUri?: string;
  /** Code artifact: s3://bucket/key of the zip. */
  codeLocation?: string;
  failureReason?: string;
  lifecycle?: { idleRuntimeSessionTimeout?: number; maxLifetime?: number };
}

/**
 * The runtime's live status, or `undefined` when it does not exist (deleted).
 * @throws CliError (exit 3) on other AWS errors (e.g. access denied, naming the IAM action).
 */
export async function runtimeStatus(clients: AwsClients, id: string): Promise<RuntimeStatus | undefined> {
  try {
    const r = await getRuntime(clients, id);
    return {
      id: r.id || id,
      name: r.name,
      arn: r.arn,
      status: r.status,
      version: r.version,
      containerUri: r.config.containerUri,
      codeLocation: r.config.code ? `s3://${r.config.code.bucket}/${r.config.code.prefix}` : undefined,
      failureReason: r.failureReason,
      lifecycle: r.config.lifecycle,
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateAwsError(error, 'bedrock-agentcore:GetAgentRuntime', `Cannot read runtime ${id}`);
  }
}

export interface WaitOptions {
  /** Give up after this many ms; default 10 minutes. */
  timeoutMs?: number;
  /** First poll interval in ms (doubles up to 10 s); default 2 s. */
  intervalMs?: number;
  onPoll?: (status: string) => void;
}

/**
 * Delete the runtime and poll GetAgentRuntime until it is gone (DeleteAgentRuntime answers
 * `DELETING` first on AgentCore). A runtime already gone counts as done.
 * @returns false when there was nothing to delete.
 * @throws CliError (exit 3) on AWS errors or when it is still there after `timeoutMs`.
 */
export async function deleteRuntimeAndWait(clients: AwsClients, id: string, options: WaitOptions = {}): Promise<boolean> {
  try {
    await clients.agentCoreControl().send(new DeleteAgentRuntimeCommand({ agentRuntimeId: id }));
  } catch (error) {
    if (isNotFound(error)) return false;
    throw translateAwsError(error, 'bedrock-agentcore:DeleteAgentRuntime', `Cannot delete runtime ${id}`);
  }
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let interval = options.intervalMs ?? 2_000;
  for (;;) {
    const runtime = await runtimeStatus(clients, id);
    if (!runtime) return true;
    options.onPoll?.(runtime.status);
    if (runtime.status === 'DELETE_FAILED' || Date.now() > deadline) {
      throw new CliError(`Runtime ${id} was not deleted (status ${runtime.status}${runtime.failureReason ? `: ${runtime.failureReason}` : ''}).`, {
        hint: 'Check the runtime in the AgentCore console, then run `agentcore-claude destroy` again.',
        code: 'RUNTIME_DELETE_FAILED',
      });
    }
    await new Promise((r) => setTimeout(r, interval));
    interval = Math.min(interval * 2, 10_000);
  }
}
