/**
 * CloudFormation calls of `info` and `destroy`: live stack status and outputs (tolerating a
 * deleted stack), the logical id of a resource, and stack deletion that can retain resources.
 * Built on `cloudformation.ts` (deploy).
 */
import { DeleteStackCommand, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CliError } from '../core/errors.js';
import { translateAwsError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import { describeStack } from './cloudformation.js';

export interface StackStatus {
  stackId: string;
  status: string;
  statusReason?: string;
  outputs: Record<string, string>;
}

/**
 * The stack's status and outputs, or `undefined` when it does not exist or is DELETE_COMPLETE
 * (a deleted stack stays visible by id).
 * @throws CliError (exit 3) on other AWS errors.
 */
export async function stackStatus(clients: AwsClients, stackName: string): Promise<StackStatus | undefined> {
  try {
    const stack = await describeStack(clients, stackName);
    if (!stack || stack.status === 'DELETE_COMPLETE') return undefined;
    return { stackId: stack.stackId, status: stack.status, statusReason: stack.statusReason, outputs: stack.outputs };
  } catch (error) {
    throw translateAwsError(error, 'cloudformation:DescribeStacks', `Cannot read stack ${stackName}`);
  }
}

/** Logical ids of the stack's resources of `type` whose physical id is `physicalId`. */
export async function logicalIdsOf(clients: AwsClients, stackName: string, type: string, physicalId: string): Promise<string[]> {
  try {
    const result = await clients.cloudFormation().send(new DescribeStackResourcesCommand({ StackName: stackName }));
    return (result.StackResources ?? [])
      .filter((r) => r.ResourceType === type && r.PhysicalResourceId === physicalId && r.LogicalResourceId)
      .map((r) => r.LogicalResourceId!);
  } catch (error) {
    throw translateAwsError(error, 'cloudformation:DescribeStackResources', `Cannot read resources of stack ${stackName}`);
  }
}

export interface DeleteStackOptions {
  /**
   * Logical ids to keep. CloudFormation accepts RetainResources only for a stack in DELETE_FAILED,
   * so they are passed only when the stack is in that state (a second DeleteStack after a failed one).
   */
  retain?: string[];
  /** Give up after this many ms; default 30 minutes. */
  timeoutMs?: number;
  /** First poll interval in ms (doubles up to 10 s); default 2 s. */
  intervalMs?: number;
  onPoll?: (status: string) => void;
  /** Name used in messages (default: `stack`). */
  displayName?: string;
}

/**
 * Delete the stack and poll until DELETE_COMPLETE (or gone).
 * @param stack the stack name or id.
 * @returns the final status: `DELETE_COMPLETE`, or `DELETE_FAILED` with CloudFormation's reason.
 * @throws CliError (exit 3) on AWS errors or when still deleting after `timeoutMs`.
 */
export async function deleteStackAndWait(clients: AwsClients, stack: string, options: DeleteStackOptions = {}): Promise<{ status: string; reason?: string }> {
  const current = await stackStatus(clients, stack);
  if (!current) return { status: 'DELETE_COMPLETE' };
  const label = options.displayName ?? stack;
  const retain = current.status === 'DELETE_FAILED' && options.retain?.length ? options.retain : undefined;
  try {
    await clients.cloudFormation().send(new DeleteStackCommand({ StackName: current.stackId, RetainResources: retain }));
  } catch (error) {
    throw translateAwsError(error, 'cloudformation:DeleteStack', `Cannot delete stack ${label}`);
  }
  const deadline = Date.now() + (options.timeoutMs ?? 1_800_000);
  let interval = options.intervalMs ?? 2_000;
  for (;;) {
    // By stack id: a deleted stack stays visible by id with DELETE_COMPLETE.
    const now = await stackStatus(clients, current.stackId);
    if (!now) return { status: 'DELETE_COMPLETE' };
    options.onPoll?.(now.status);
    if (now.status === 'DELETE_FAILED') return { status: now.status, reason: now.statusReason };
    if (Date.now() > deadline) {
      throw new CliError(`Stack ${label} is still ${now.status} after waiting.`, {
        hint: 'Watch it in the CloudFormation console; run `agentcore-claude destroy` again when it settles.',
        code: 'STACK_DELETE_TIMEOUT',
      });
    }
    await new Promise((r) => setTimeout(r, interval));
    interval = Math.min(interval * 2, 10_000);
  }
}
