/**
 * AgentCore control-plane calls of `info` and `destroy`: a runtime's live status (tolerating a
 * deleted runtime), and deleting one with a wait until it is gone. Built on `runtime.ts` (deploy).
 */
import { DeleteAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { CliError } from '../core/errors.js';
import { isNotFound, translateAwsError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import { getRuntime } from './runtime.js';

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
