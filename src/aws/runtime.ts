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
import { awsErrorName, timedOut, waitUntil, type WaitDefaults, type WaitOptions } from './wait.js';

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

/**
 * Delays of the runtime waits (version READY, deletion), in seconds: 2 s, growing to 10 s.
 * AgentCore has no built-in SDK waiter for runtimes (bedrock-agentcore-control ships waiters for
 * memories and policies only).
 */
export const RUNTIME_WAIT: WaitDefaults = { minDelay: 2, maxDelay: 10 };

/** How long IAM propagation is retried at most, in ms (the caller's deadline may cut it shorter). */
export const ROLE_PROPAGATION_MS = 120_000;
const PROPAGATION_WAIT: WaitDefaults = { minDelay: 2, maxDelay: 15, timeoutMs: ROLE_PROPAGATION_MS };

/**
 * True for the ValidationException AgentCore returns while a just-created execution role cannot be
 * assumed yet (IAM is eventually consistent).
 */
export function isRolePropagationError(error: unknown): boolean {
  if (awsErrorName(error) !== 'ValidationException') return false;
  const message = errorMessage(error);
  return /role/i.test(message) && /assum|trust|validation failed|not authorized|propagat/i.test(message);
}

/**
 * Call until it stops failing with {@link isRolePropagationError}, for at most
 * {@link ROLE_PROPAGATION_MS} (or until `wait.deadline`, when sooner).
 * @param onRetry called before each retry with the propagation error.
 * @throws the translated last error: any other error at once, the propagation error when time is up.
 */
async function withPropagationRetry<T>(call: () => Promise<T>, wait: WaitOptions, onRetry?: (error: unknown) => void): Promise<T> {
  let last: unknown;
  const deadline = Math.min(wait.deadline ?? Infinity, Date.now() + ROLE_PROPAGATION_MS);
  const attempt = async (): Promise<{ value: T } | undefined> => {
    if (last !== undefined) onRetry?.(last);
    try {
      return { value: await call() };
    } catch (error) {
      if (!isRolePropagationError(error)) throw translate(error);
      last = error;
      return undefined;
    }
  };
  const result = await waitUntil(attempt, { ...wait, deadline }, PROPAGATION_WAIT, () => translate(last) as Error);
  return result.value;
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

/** CreateAgentRuntime with the complete configuration (IAM-propagation errors retried, see {@link withPropagationRetry}). */
export async function createRuntime(clients: AwsClients, name: string, config: RuntimeConfig, wait: WaitOptions = {}, onRetry?: (error: unknown) => void): Promise<RuntimeRef> {
  const out = await withPropagationRetry(
    () => clients.agentCoreControl().send(new CreateAgentRuntimeCommand({ agentRuntimeName: name, ...configuration(config) })),
    wait,
    onRetry,
  );
  return { id: out.agentRuntimeId ?? '', arn: out.agentRuntimeArn ?? '', name, version: out.agentRuntimeVersion ?? '', status: out.status ?? 'CREATING' };
}

/**
 * UpdateAgentRuntime with the complete configuration (an update replaces the whole configuration,
 * so nothing may be left out). IAM-propagation errors retried.
 */
export async function updateRuntime(
  clients: AwsClients,
  current: { id: string; name: string },
  config: RuntimeConfig,
  wait: WaitOptions = {},
  onRetry?: (error: unknown) => void,
): Promise<RuntimeRef> {
  const out = await withPropagationRetry(
    () => clients.agentCoreControl().send(new UpdateAgentRuntimeCommand({ agentRuntimeId: current.id, ...configuration(config) })),
    wait,
    onRetry,
  );
  return { id: out.agentRuntimeId ?? current.id, arn: out.agentRuntimeArn ?? '', name: current.name, version: out.agentRuntimeVersion ?? '', status: out.status ?? 'UPDATING' };
}

/**
 * Check GetAgentRuntime for `version` until it is READY.
 * @param onStatus called with each status seen (progress).
 * @throws CliError (exit 1) on `CREATE_FAILED` / `UPDATE_FAILED`, with AgentCore's failureReason;
 *   CliError `TIMEOUT` past the deadline (default: none).
 */
export async function waitForRuntimeVersion(
  clients: AwsClients,
  ref: { id: string; name: string; version: string },
  wait: WaitOptions,
  onStatus?: (status: string) => void,
): Promise<CurrentRuntime> {
  let status = 'unknown';
  const check = async () => {
    const runtime = await getRuntime(clients, ref.id, ref.version);
    status = runtime.status;
    onStatus?.(runtime.status);
    if (runtime.status === 'READY') return runtime;
    if (runtime.status.endsWith('_FAILED')) {
      throw new CliError(`Runtime ${ref.name} version ${ref.version} is ${runtime.status}: ${runtime.failureReason ?? 'no reason given'}`, {
        exitCode: ExitCode.AgentError,
        hint: 'Fix the cause (often the image or the execution role), then run `agentcore-claude deploy` again.',
        code: 'RUNTIME_FAILED',
      });
    }
    return undefined;
  };
  return waitUntil(check, wait, RUNTIME_WAIT, () =>
    timedOut(`runtime ${ref.name} version ${ref.version} (${status})`, 'The update is still running in AWS; `agentcore-claude deploy` again is safe, or check `agentcore-claude info`.'),
  );
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
  /** Where sessions persist between invocations: see {@link sessionPersistenceOf}. */
  persistence: SessionPersistence;
  /** The runtime's default budget per run, US dollars (`MAX_BUDGET_USD`); absent: none. */
  maxBudgetUsd?: number;
}

/**
 * How the agent keeps a session between invocations: `session-storage` (AgentCore managed session
 * storage mounted at `mountPath`, `filesystemConfigurations[].sessionStorage`) or `s3-archive` (an
 * archive in the output bucket after every invocation).
 */
export type SessionPersistence = { mode: 'session-storage'; mountPath: string } | { mode: 's3-archive' };

/**
 * The persistence the agent server uses: it follows its environment (`SESSION_PERSISTENCE`,
 * `WORKSPACE_ROOT`, set by `deploy`), the mount path from the runtime's filesystem configuration
 * when AgentCore reports one.
 */
export function sessionPersistenceOf(config: { sessionStorageMountPath?: string; environment?: Record<string, string> }): SessionPersistence {
  const env = config.environment ?? {};
  if (env.SESSION_PERSISTENCE !== 'session-storage') return { mode: 's3-archive' };
  return { mode: 'session-storage', mountPath: config.sessionStorageMountPath ?? env.WORKSPACE_ROOT ?? '' };
}

/** `MAX_BUDGET_USD` of the runtime's environment as a number; undefined when unset or not a positive number. */
function budgetOf(environment: Record<string, string> | undefined): number | undefined {
  const value = Number(environment?.MAX_BUDGET_USD);
  return environment?.MAX_BUDGET_USD && Number.isFinite(value) && value > 0 ? value : undefined;
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
      persistence: sessionPersistenceOf(r.config),
      ...(budgetOf(r.config.environment) !== undefined ? { maxBudgetUsd: budgetOf(r.config.environment) } : {}),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateAwsError(error, 'bedrock-agentcore:GetAgentRuntime', `Cannot read runtime ${id}`);
  }
}

/** How long a runtime deletion may take when no deadline is given: 10 minutes. */
const DELETE_WAIT_MS = 600_000;

/**
 * Delete the runtime and check GetAgentRuntime until it is gone (DeleteAgentRuntime answers
 * `DELETING` first on AgentCore). A runtime already gone counts as done.
 * @returns false when there was nothing to delete.
 * @throws CliError (exit 3) on AWS errors, on DELETE_FAILED, or when it is still there past the
 *   deadline (default 10 minutes).
 */
export async function deleteRuntimeAndWait(clients: AwsClients, id: string, wait: WaitOptions = {}, onStatus?: (status: string) => void): Promise<boolean> {
  try {
    await clients.agentCoreControl().send(new DeleteAgentRuntimeCommand({ agentRuntimeId: id }));
  } catch (error) {
    if (isNotFound(error)) return false;
    throw translateAwsError(error, 'bedrock-agentcore:DeleteAgentRuntime', `Cannot delete runtime ${id}`);
  }
  const notDeleted = (runtime: { status: string; failureReason?: string }) =>
    new CliError(`Runtime ${id} was not deleted (status ${runtime.status}${runtime.failureReason ? `: ${runtime.failureReason}` : ''}).`, {
      hint: 'Check the runtime in the AgentCore console, then run `agentcore-claude destroy` again.',
      code: 'RUNTIME_DELETE_FAILED',
    });
  let last = { status: 'unknown' } as { status: string; failureReason?: string };
  const check = async () => {
    const runtime = await runtimeStatus(clients, id);
    if (!runtime) return true;
    last = runtime;
    onStatus?.(runtime.status);
    if (runtime.status === 'DELETE_FAILED') throw notDeleted(runtime);
    return undefined;
  };
  return waitUntil(check, { ...wait, deadline: wait.deadline ?? Date.now() + DELETE_WAIT_MS }, RUNTIME_WAIT, () => notDeleted(last));
}
