/**
 * CloudFormation: the few calls deploy makes, waits that print stack events as they happen, and
 * the translation of failures (failed resources with their reasons); for `info` and `destroy`,
 * the live stack status and outputs (tolerating a deleted stack), the logical id of a resource,
 * and stack deletion that can retain resources.
 *
 * "No updates are to be performed" comes in two forms and both mean success:
 * - real CloudFormation creates the change set and marks it `FAILED` with a StatusReason saying the
 *   submitted information didn't contain changes;
 * - moto refuses at CreateChangeSet with `ValidationError: No updates are to be performed.`
 */
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  paginateDescribeChangeSet,
  paginateDescribeStackEvents,
  waitUntilChangeSetCreateComplete,
  type Capability,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { CliError, ExitCode, errorMessage } from '../core/errors.js';
import type { CurrentStack, DesiredStack, ResourceChange } from '../core/plan.js';
import { translateAwsError } from './aws-errors.js';
import type { AwsClients } from './clients.js';
import { awsErrorName, timedOut, waitUntil, waiterConfiguration, type WaitDefaults, type WaitOptions } from './wait.js';

/** The template creates an IAM role (unnamed) — CloudFormation requires acknowledging it. */
const CAPABILITIES: Capability[] = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'];

const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

/** What a stack wait reports as it goes. */
export interface StackProgress {
  /** Called with each new stack event, oldest first, as a printable line. */
  onEvent?: (line: string) => void;
  /** Called with the stack status after each check. */
  onStatus?: (status: string) => void;
}

/**
 * Delays of the stack and change-set waits, in seconds: 2 s, growing to 10 s (CloudFormation's
 * own waiters default to 30–120 s, too coarse for a CLI that prints events as they happen).
 */
export const STACK_WAIT: WaitDefaults = { minDelay: 2, maxDelay: 10 };

/**
 * DescribeStacks for one stack.
 * @returns undefined when the stack does not exist (CloudFormation answers ValidationError).
 */
export async function describeStack(clients: AwsClients, stackName: string): Promise<(CurrentStack & { stackId: string }) | undefined> {
  try {
    const out = await clients.cloudFormation().send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    if (!stack) return undefined;
    return {
      stackId: stack.StackId ?? stackName,
      status: stack.StackStatus ?? 'UNKNOWN',
      statusReason: stack.StackStatusReason,
      parameters: Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])),
      outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
    };
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && /does not exist/i.test(errorMessage(error))) return undefined;
    throw error;
  }
}

/** The stack's template as submitted (GetTemplate, stage Original). */
export async function readTemplateBody(clients: AwsClients, stackName: string): Promise<string | undefined> {
  const out = await clients.cloudFormation().send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
  return out.TemplateBody;
}

export interface ChangeSet {
  name: string;
  changes: ResourceChange[];
}

/**
 * Create an UPDATE change set and wait until it is ready.
 * @returns the change set with its resource changes, or `'no-changes'` (in either of the two forms
 *   described above; a FAILED no-change change set is deleted so it does not linger).
 * @throws CliError (exit 1) when the change set fails for another reason (e.g. invalid template).
 */
export async function createUpdateChangeSet(clients: AwsClients, desired: DesiredStack, wait: WaitOptions): Promise<ChangeSet | 'no-changes'> {
  const cf = clients.cloudFormation();
  const name = `agentcore-claude-${Date.now()}`;
  try {
    await cf.send(
      new CreateChangeSetCommand({
        StackName: desired.name,
        ChangeSetName: name,
        ChangeSetType: 'UPDATE',
        TemplateBody: desired.templateBody,
        Parameters: toParameters(desired.parameters),
        Capabilities: CAPABILITIES,
      }),
    );
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && NO_CHANGES.test(errorMessage(error))) return 'no-changes';
    throw error;
  }
  const input = { StackName: desired.name, ChangeSetName: name };
  try {
    // The SDK's waiter: success at CREATE_COMPLETE, failure at FAILED (read below with its reason).
    await waitUntilChangeSetCreateComplete({ client: cf, ...waiterConfiguration(wait, STACK_WAIT) }, input);
  } catch (error) {
    // A FAILED change set is read below with its reason; a timeout or an abort ends here.
    if (awsErrorName(error) === 'TimeoutError') throw timedOut(`change set ${name}`, 'Run `agentcore-claude deploy` again.');
    if (awsErrorName(error) === 'AbortError') throw error;
  }
  const changes: ResourceChange[] = [];
  for await (const page of paginateDescribeChangeSet({ client: cf }, input)) {
    if (page.Status === 'FAILED') {
      if (NO_CHANGES.test(page.StatusReason ?? '')) {
        await deleteChangeSet(clients, desired.name, name);
        return 'no-changes';
      }
      throw new CliError(`Change set for stack ${desired.name} failed: ${page.StatusReason ?? 'no reason given'}`, {
        exitCode: ExitCode.AgentError,
        hint: 'Fix the cause, then run `agentcore-claude deploy` again.',
        code: 'CHANGE_SET_FAILED',
      });
    }
    changes.push(...toChanges(page.Changes));
  }
  return { name, changes };
}

function toChanges(changes: Array<{ ResourceChange?: { Action?: string; LogicalResourceId?: string; ResourceType?: string; Replacement?: string } }> | undefined): ResourceChange[] {
  return (changes ?? []).flatMap((c) =>
    c.ResourceChange
      ? [{ action: c.ResourceChange.Action ?? '?', logicalId: c.ResourceChange.LogicalResourceId ?? '?', type: c.ResourceChange.ResourceType ?? '?', ...(c.ResourceChange.Replacement ? { replacement: c.ResourceChange.Replacement } : {}) }]
      : [],
  );
}

/** Delete a change set (after `--dry-run`, or a FAILED no-change one). */
export async function deleteChangeSet(clients: AwsClients, stackName: string, changeSetName: string): Promise<void> {
  await clients.cloudFormation().send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
}

/** Execute a change set and wait for `UPDATE_COMPLETE`. @throws CliError as {@link waitForStack}. */
export async function executeChangeSet(clients: AwsClients, stackName: string, changeSetName: string, wait: WaitOptions, progress: StackProgress = {}): Promise<CurrentStack> {
  const since = Date.now();
  await clients.cloudFormation().send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
  return waitForStack(clients, stackName, 'update', since, wait, progress);
}

/**
 * CreateStack and wait for `CREATE_COMPLETE` (CreateStack rather than a CREATE change set: the plan
 * lists the template's resources, and the stack keeps its Outputs on every CloudFormation
 * implementation). @throws CliError as {@link waitForStack}.
 */
export async function createStack(clients: AwsClients, desired: DesiredStack, wait: WaitOptions, progress: StackProgress = {}): Promise<CurrentStack> {
  const since = Date.now();
  await clients.cloudFormation().send(
    new CreateStackCommand({
      StackName: desired.name,
      TemplateBody: desired.templateBody,
      Parameters: toParameters(desired.parameters),
      Capabilities: CAPABILITIES,
      Tags: [{ Key: 'agentcore-claude:stack', Value: desired.name }],
    }),
  );
  return waitForStack(clients, desired.name, 'create', since, wait, progress);
}

export interface DeleteStackOptions {
  /**
   * Logical ids to keep. CloudFormation accepts RetainResources only for a stack in DELETE_FAILED,
   * so they are passed only when the stack is in that state (a second DeleteStack after a failed one).
   */
  retain?: string[];
  /** Name used in messages (default: `stack`). */
  displayName?: string;
}

/** How long a stack deletion may take when no deadline is given: 30 minutes. */
const DELETE_WAIT_MS = 1_800_000;

/**
 * Delete the stack and wait until it is DELETE_COMPLETE (or gone), printing its events as they
 * happen: the one stack deletion of `destroy` and of deploy's recreate.
 * @param stack the stack name or id.
 * @returns the final status: `DELETE_COMPLETE`, or `DELETE_FAILED` with CloudFormation's reason
 *   (and the failed resources' events, when any).
 * @throws CliError (exit 3) on AWS errors; CliError `TIMEOUT` when still deleting past the
 *   deadline (default 30 minutes).
 */
export async function deleteStackAndWait(
  clients: AwsClients,
  stack: string,
  options: DeleteStackOptions = {},
  wait: WaitOptions = {},
  progress: StackProgress = {},
): Promise<{ status: string; reason?: string; failures?: StackEvent[] }> {
  const current = await stackStatus(clients, stack);
  if (!current) return { status: 'DELETE_COMPLETE' };
  const label = options.displayName ?? stack;
  const retain = current.status === 'DELETE_FAILED' && options.retain?.length ? options.retain : undefined;
  const since = Date.now();
  try {
    await clients.cloudFormation().send(new DeleteStackCommand({ StackName: current.stackId, RetainResources: retain }));
  } catch (error) {
    throw translateAwsError(error, 'cloudformation:DeleteStack', `Cannot delete stack ${label}`);
  }
  // By stack id: a deleted stack stays visible by id with DELETE_COMPLETE (by name, it simply stops existing).
  const { stack: final, failures } = await watchStack(clients, current.stackId, since, { ...wait, deadline: wait.deadline ?? Date.now() + DELETE_WAIT_MS }, progress, label, 'Watch it in the CloudFormation console; run the command again when it settles (it is safe).');
  if (!final || final.status === 'DELETE_COMPLETE') return { status: 'DELETE_COMPLETE' };
  return { status: final.status, reason: final.statusReason, ...(failures.length ? { failures } : {}) };
}

/** DeleteStack and wait until it is gone (deploy's recreate). @throws CliError (exit 1) on `DELETE_FAILED`. */
export async function deleteStack(clients: AwsClients, stackName: string, wait: WaitOptions, progress: StackProgress = {}): Promise<void> {
  const outcome = await deleteStackAndWait(clients, stackName, {}, wait, progress);
  if (outcome.status !== 'DELETE_COMPLETE') {
    throw stackFailure(stackName, 'delete', { status: outcome.status, statusReason: outcome.reason, parameters: {}, outputs: {} }, outcome.failures ?? []);
  }
}

const SUCCESS = { create: 'CREATE_COMPLETE', update: 'UPDATE_COMPLETE' } as const;

/**
 * Wait until the stack leaves `*_IN_PROGRESS`, printing its new events (DescribeStackEvents)
 * as they happen.
 * @returns the final stack.
 * @throws CliError (exit 1) when it ends in another state than the operation's success state,
 *   listing the failed resources and their reasons; CliError `TIMEOUT` past `wait.deadline`.
 */
export async function waitForStack(clients: AwsClients, stackName: string, operation: 'create' | 'update', since: number, wait: WaitOptions, progress: StackProgress = {}): Promise<CurrentStack> {
  const { stack, failures } = await watchStack(clients, stackName, since, wait, progress, stackName, 'It is still running in AWS; run `agentcore-claude deploy` again later (it is safe).');
  if (!stack) throw new CliError(`Stack ${stackName} disappeared while waiting for ${operation}.`, { code: 'STACK_GONE' });
  if (stack.status === SUCCESS[operation]) return stack;
  throw stackFailure(stackName, operation, stack, failures);
}

/**
 * Check the stack until it is gone or leaves `*_IN_PROGRESS`, passing its new events to
 * `progress.onEvent` and its status to `progress.onStatus`. A check of our own rather than the
 * SDK's `waitUntilStack…Complete`: those report neither the events nor the status as they come.
 * @returns the final stack (undefined when gone) and the failed resources' events seen.
 */
async function watchStack(
  clients: AwsClients,
  stackName: string,
  since: number,
  wait: WaitOptions,
  progress: StackProgress,
  label: string,
  hint: string,
): Promise<{ stack?: CurrentStack & { stackId: string }; failures: StackEvent[] }> {
  const seen = new Set<string>();
  const failures: StackEvent[] = [];
  let status = 'unknown';
  const check = async () => {
    const events = await newEvents(clients, stackName, since - 1000, seen);
    for (const event of events) {
      progress.onEvent?.(formatEvent(event));
      if (event.ResourceStatus?.endsWith('_FAILED') && event.ResourceStatusReason) failures.push(event);
    }
    const stack = await describeStack(clients, stackName).catch((error: unknown) => {
      throw translateAwsError(error, 'cloudformation:DescribeStacks', `Cannot read stack ${label}`);
    });
    if (!stack) return { failures };
    status = stack.status;
    progress.onStatus?.(stack.status);
    return stack.status.endsWith('_IN_PROGRESS') ? undefined : { stack, failures };
  };
  return waitUntil(check, wait, STACK_WAIT, () => timedOut(`stack ${label} (${status})`, hint));
}

function stackFailure(stackName: string, operation: string, stack: CurrentStack, failures: StackEvent[]): CliError {
  const lines = failures
    .filter((e) => e.LogicalResourceId !== stackName && e.PhysicalResourceId !== stackName && e.ResourceType !== 'AWS::CloudFormation::Stack')
    .map((e) => `  ${e.LogicalResourceId} (${e.ResourceType}): ${e.ResourceStatusReason}`);
  const detail = lines.length ? `\nFailed resources:\n${lines.join('\n')}` : stack.statusReason ? ` (${stack.statusReason})` : '';
  const hint =
    stack.status === 'ROLLBACK_COMPLETE'
      ? 'Fix the cause; `agentcore-claude deploy` will then delete and recreate the stack.'
      : stack.status === 'UPDATE_ROLLBACK_COMPLETE'
        ? 'The stack was rolled back to its previous state; fix the cause and run `agentcore-claude deploy` again.'
        : `Check the stack in the CloudFormation console (aws cloudformation describe-stack-events --stack-name ${stackName}).`;
  return new CliError(`Stack ${stackName} ${operation} failed: ${stack.status}${detail}`, {
    exitCode: ExitCode.AgentError,
    hint,
    code: 'STACK_FAILED',
  });
}

/** Events newer than `since` (epoch ms) not yet in `seen`, oldest first. Reads pages (at most 5) until older events. */
async function newEvents(clients: AwsClients, stackName: string, since: number, seen: Set<string>): Promise<StackEvent[]> {
  const found: StackEvent[] = [];
  let pages = 0;
  try {
    for await (const page of paginateDescribeStackEvents({ client: clients.cloudFormation() }, { StackName: stackName })) {
      let older = false;
      for (const event of page.StackEvents ?? []) {
        if ((event.Timestamp?.getTime() ?? 0) < since) {
          older = true;
          break;
        }
        const id = event.EventId ?? `${event.LogicalResourceId}/${event.ResourceStatus}/${event.Timestamp?.toISOString()}`;
        if (seen.has(id)) continue;
        seen.add(id);
        found.push(event);
      }
      if (older || ++pages >= 5) break;
    }
  } catch (error) {
    if (awsErrorName(error) !== 'ValidationError') throw error;
  }
  return found.reverse();
}

/** One event as a line: `time  STATUS  LogicalId (Type)  reason`. */
export function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? event.Timestamp.toISOString().slice(11, 19) : '--:--:--';
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `  ${time}  ${event.ResourceStatus ?? '?'}  ${event.LogicalResourceId} (${event.ResourceType})${reason}`;
}

function toParameters(parameters: Record<string, string>) {
  return Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
}

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
