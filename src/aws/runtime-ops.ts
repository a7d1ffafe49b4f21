/**
 * AgentCore control-plane calls of `info`, `logs` and `destroy`: read a runtime's live status,
 * find one by name, delete one and wait until it is gone.
 */
import {
  DeleteAgentRuntimeCommand,
  GetAgentRuntimeCommand,
  ListAgentRuntimesCommand,
  type BedrockAgentCoreControlClient,
} from '@aws-sdk/client-bedrock-agentcore-control';
import { CliError } from '../core/errors.js';
import { isNotFound, translateAwsError } from './aws-errors.js';

/** What `info` shows of a runtime (GetAgentRuntime response, flattened). */
export interface RuntimeStatus {
  id: string;
  name: string;
  arn: string;
  status: string;
  version: string;
  containerUri?: string;
  failureReason?: string;
  lifecycle?: { idleRuntimeSessionTimeout?: number; maxLifetime?: number };
  lastUpdatedAt?: string;
}

/**
 * The runtime's live status, or `undefined` when it does not exist (deleted).
 * @throws CliError (exit 3) on other AWS errors.
 */
export async function getRuntime(client: BedrockAgentCoreControlClient, id: string): Promise<RuntimeStatus | undefined> {
  try {
    const r = await client.send(new GetAgentRuntimeCommand({ agentRuntimeId: id }));
    return {
      id: r.agentRuntimeId ?? id,
      name: r.agentRuntimeName ?? '',
      arn: r.agentRuntimeArn ?? '',
      status: r.status ?? 'UNKNOWN',
      version: r.agentRuntimeVersion ?? '',
      containerUri: r.agentRuntimeArtifact?.containerConfiguration?.containerUri,
      failureReason: (r as { failureReason?: string }).failureReason,
      lifecycle: r.lifecycleConfiguration
        ? {
            idleRuntimeSessionTimeout: r.lifecycleConfiguration.idleRuntimeSessionTimeout,
            maxLifetime: r.lifecycleConfiguration.maxLifetime,
          }
        : undefined,
      lastUpdatedAt: r.lastUpdatedAt?.toISOString(),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateAwsError(error, 'bedrock-agentcore:GetAgentRuntime', `Cannot read runtime ${id}`);
  }
}

/**
 * Find a runtime id by name (ListAgentRuntimes, paginated). Names compare case-insensitively
 * with everything but letters and digits removed, so `my-agent` finds `my_agent` (AgentCore
 * runtime names allow only `[a-zA-Z][a-zA-Z0-9_]`).
 */
export async function findRuntimeIdByName(client: BedrockAgentCoreControlClient, name: string): Promise<string | undefined> {
  const wanted = normalize(name);
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListAgentRuntimesCommand({ nextToken: token }));
      const hit = (page.agentRuntimes ?? []).find((r) => normalize(r.agentRuntimeName ?? '') === wanted);
      if (hit?.agentRuntimeId) return hit.agentRuntimeId;
      token = page.nextToken;
    } while (token);
  } catch (error) {
    throw translateAwsError(error, 'bedrock-agentcore:ListAgentRuntimes', 'Cannot list AgentCore runtimes');
  }
  return undefined;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
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
export async function deleteRuntimeAndWait(
  client: BedrockAgentCoreControlClient,
  id: string,
  options: WaitOptions = {},
): Promise<boolean> {
  try {
    await client.send(new DeleteAgentRuntimeCommand({ agentRuntimeId: id }));
  } catch (error) {
    if (isNotFound(error)) return false;
    throw translateAwsError(error, 'bedrock-agentcore:DeleteAgentRuntime', `Cannot delete runtime ${id}`);
  }
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let interval = options.intervalMs ?? 2_000;
  for (;;) {
    const runtime = await getRuntime(client, id);
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
