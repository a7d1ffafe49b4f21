/**
 * CloudFormation calls of `info` and `destroy`: live stack status and outputs, the bucket's
 * logical id, and stack deletion with a wait.
 */
import {
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { CliError } from '../core/errors.js';
import { isNotFound, translateAwsError } from './aws-errors.js';

export interface StackStatus {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string;
  outputs: Record<string, string>;
}

/** The stack's status and outputs, or `undefined` when it does not exist (or is DELETE_COMPLETE). */
export async function describeStack(cfn: CloudFormationClient, stackName: string): Promise<StackStatus | undefined> {
  try {
    const result = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = result.Stacks?.[0];
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return undefined;
    const outputs: Record<string, string> = {};
    for (const o of stack.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
    return {
      stackId: stack.StackId ?? stackName,
      stackName: stack.StackName ?? stackName,
      status: stack.StackStatus ?? 'UNKNOWN',
      statusReason: stack.StackStatusReason,
      outputs,
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateAwsError(error, 'cloudformation:DescribeStacks', `Cannot read stack ${stackName}`);
  }
}

/** Logical ids of the stack's resources of `type` whose physical id is `physicalId`. */
export async function logicalIdsOf(cfn: CloudFormationClient, stackName: string, type: string, physicalId: string): Promise<string[]> {
  try {
    const result = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    return (result.StackResources ?? [])
      .filter((r) => r.ResourceType === type && r.PhysicalResourceId === physicalId && r.LogicalResourceId)
      .map((r) => r.LogicalResourceId!);
  } catch (error) {
    throw translateAwsError(error, 'cloudformation:DescribeStackResources', `Cannot read resources of stack ${stackName}`);
  }
}

/**
 * Delete the stack and poll until DELETE_COMPLETE (or gone).
 * @param retain logical ids to keep: CloudFormation accepts RetainResources only for a stack in
 *   DELETE_FAILED, so they are passed on a second DeleteStack after a failed first one.
 * @returns the final status: `DELETE_COMPLETE`, or `DELETE_FAILED` with the reason.
 */
export async function deleteStackAndWait(
  cfn: CloudFormationClient,
  stackName: string,
  options: { retain?: string[]; timeoutMs?: number; intervalMs?: number; onPoll?: (status: string) => void; displayName?: string } = {},
): Promise<{ status: string; reason?: string }> {
  const current = await describeStack(cfn, stackName);
  const stackId = current?.stackId;
  if (!stackId) return { status: 'DELETE_COMPLETE' };
  const label = options.displayName ?? stackName;
  const retain = current?.status === 'DELETE_FAILED' && options.retain?.length ? options.retain : undefined;
  try {
    await cfn.send(new DeleteStackCommand({ StackName: stackId, RetainResources: retain }));
  } catch (error) {
    throw translateAwsError(error, 'cloudformation:DeleteStack', `Cannot delete stack ${label}`);
  }
  const deadline = Date.now() + (options.timeoutMs ?? 1_800_000);
  let interval = options.intervalMs ?? 2_000;
  for (;;) {
    // Describe by stack id: deleted stacks stay visible by id with DELETE_COMPLETE.
    const stack = await describeStack(cfn, stackId);
    if (!stack) return { status: 'DELETE_COMPLETE' };
    options.onPoll?.(stack.status);
    if (stack.status === 'DELETE_FAILED') return { status: stack.status, reason: stack.statusReason };
    if (Date.now() > deadline) {
      throw new CliError(`Stack ${label} is still ${stack.status} after waiting.`, {
        hint: 'Watch it in the CloudFormation console; run `agentcore-claude destroy` again when it settles.',
        code: 'STACK_DELETE_TIMEOUT',
      });
    }
    await new Promise((r) => setTimeout(r, interval));
    interval = Math.min(interval * 2, 10_000);
  }
}
