/**
 * CloudFormation: the few calls deploy makes, waits that print stack events as they happen, and
 * the translation of failures (failed resources with their reasons).
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
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  type Capability,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { CliError, ExitCode, errorMessage } from '../core/errors.js';
import type { CurrentStack, DesiredStack, ResourceChange } from '../core/plan.js';
import type { AwsClients } from './clients.js';
import { awsErrorName, pollPause, type PollOptions } from './wait.js';

/** The template creates an IAM role (unnamed) — CloudFormation requires acknowledging it. */
const CAPABILITIES: Capability[] = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'];

const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

export interface StackWatch extends PollOptions {
  /** Called with each new stack event, oldest first, as a printable line. */
  onEvent?: (line: string) => void;
}

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
export async function createUpdateChangeSet(clients: AwsClients, desired: DesiredStack, poll: PollOptions): Promise<ChangeSet | 'no-changes'> {
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
  const changes: ResourceChange[] = [];
  for (;;) {
    const out = await cf.send(new DescribeChangeSetCommand({ StackName: desired.name, ChangeSetName: name }));
    if (out.Status === 'FAILED') {
      if (NO_CHANGES.test(out.StatusReason ?? '')) {
        await deleteChangeSet(clients, desired.name, name);
        return 'no-changes';
      }
      throw new CliError(`Change set for stack ${desired.name} failed: ${out.StatusReason ?? 'no reason given'}`, {
        exitCode: ExitCode.AgentError,
        hint: 'Fix the cause, then run `agentcore-claude deploy` again.',
        code: 'CHANGE_SET_FAILED',
      });
    }
    if (out.Status === 'CREATE_COMPLETE') {
      changes.push(...toChanges(out.Changes));
      let next = out.NextToken;
      while (next) {
        const page = await cf.send(new DescribeChangeSetCommand({ StackName: desired.name, ChangeSetName: name, NextToken: next }));
        changes.push(...toChanges(page.Changes));
        next = page.NextToken;
      }
      return { name, changes };
    }
    await pollPause(poll, `change set ${name}`, 'Run `agentcore-claude deploy` again.');
  }
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
export async function executeChangeSet(clients: AwsClients, stackName: string, changeSetName: string, watch: StackWatch): Promise<CurrentStack> {
  const since = Date.now();
  await clients.cloudFormation().send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }));
  return waitForStack(clients, stackName, 'update', since, watch);
}

/**
 * CreateStack and wait for `CREATE_COMPLETE` (CreateStack rather than a CREATE change set: the plan
 * lists the template's resources, and the stack keeps its Outputs on every CloudFormation
 * implementation). @throws CliError as {@link waitForStack}.
 */
export async function createStack(clients: AwsClients, desired: DesiredStack, watch: StackWatch): Promise<CurrentStack> {
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
  return waitForStack(clients, desired.name, 'create', since, watch);
}

/** DeleteStack and wait until it is gone. @throws CliError (exit 1) on `DELETE_FAILED`. */
export async function deleteStack(clients: AwsClients, stackName: string, watch: StackWatch): Promise<void> {
  const current = await describeStack(clients, stackName);
  if (!current) return;
  const since = Date.now();
  await clients.cloudFormation().send(new DeleteStackCommand({ StackName: stackName }));
  // Wait on the stack id: by name, a deleted stack simply stops existing.
  await waitForStack(clients, current.stackId, 'delete', since, watch);
}

const SUCCESS = { create: 'CREATE_COMPLETE', update: 'UPDATE_COMPLETE', delete: 'DELETE_COMPLETE' } as const;

/**
 * Poll the stack until it leaves `*_IN_PROGRESS`, printing its new events (DescribeStackEvents)
 * as they happen.
 * @returns the final stack.
 * @throws CliError (exit 1) when it ends in another state than the operation's success state,
 *   listing the failed resources and their reasons; CliError `TIMEOUT` past `watch.deadline`.
 */
export async function waitForStack(clients: AwsClients, stackName: string, operation: keyof typeof SUCCESS, since: number, watch: StackWatch): Promise<CurrentStack> {
  const seen = new Set<string>();
  const failures: StackEvent[] = [];
  for (;;) {
    const events = await newEvents(clients, stackName, since - 1000, seen);
    for (const event of events) {
      watch.onEvent?.(formatEvent(event));
      if (event.ResourceStatus?.endsWith('_FAILED') && event.ResourceStatusReason) failures.push(event);
    }
    const stack = await describeStack(clients, stackName);
    if (!stack) {
      if (operation === 'delete') return { status: 'DELETE_COMPLETE', parameters: {}, outputs: {} };
      throw new CliError(`Stack ${stackName} disappeared while waiting for ${operation}.`, { code: 'STACK_GONE' });
    }
    if (!stack.status.endsWith('_IN_PROGRESS')) {
      if (stack.status === SUCCESS[operation]) return stack;
      throw stackFailure(stackName, operation, stack, failures);
    }
    await pollPause(watch, `stack ${stackName} (${stack.status})`, `It is still running in AWS; run \`agentcore-claude deploy\` again later (it is safe).`);
  }
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

/** Events newer than `since` (epoch ms) not yet in `seen`, oldest first. Reads pages until older events. */
async function newEvents(clients: AwsClients, stackName: string, since: number, seen: Set<string>): Promise<StackEvent[]> {
  const found: StackEvent[] = [];
  let next: string | undefined;
  for (let page = 0; page < 5; page++) {
    let out;
    try {
      out = await clients.cloudFormation().send(new DescribeStackEventsCommand({ StackName: stackName, NextToken: next }));
    } catch (error) {
      if (awsErrorName(error) === 'ValidationError') return found.reverse();
      throw error;
    }
    let older = false;
    for (const event of out.StackEvents ?? []) {
      if ((event.Timestamp?.getTime() ?? 0) < since) {
        older = true;
        break;
      }
      const id = event.EventId ?? `${event.LogicalResourceId}/${event.ResourceStatus}/${event.Timestamp?.toISOString()}`;
      if (seen.has(id)) continue;
      seen.add(id);
      found.push(event);
    }
    next = out.NextToken;
    if (older || !next) break;
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
