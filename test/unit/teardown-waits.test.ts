/**
 * Decision logic of the teardown waits that moto cannot reproduce (moto deletes runtimes and
 * stacks at once and never fails a stack deletion on a non-empty bucket): recorded with
 * aws-sdk-client-mock, as real AWS answers.
 */
import { BedrockAgentCoreControlClient, DeleteAgentRuntimeCommand, GetAgentRuntimeCommand, ResourceNotFoundException } from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudFormationClient, DeleteStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, type StackStatus } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { deleteRuntimeAndWait } from '../../src/aws/runtime.js';
import { deleteStackAndWait } from '../../src/aws/cloudformation.js';
import { FAST_WAITS } from '../support/deploy-context.js';

const control = mockClient(BedrockAgentCoreControlClient);
const cfn = mockClient(CloudFormationClient);
afterEach(() => {
  control.reset();
  cfn.reset();
});

const clients = () => new AwsClients({ region: 'us-east-1', credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) });
const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });

describe('deleteRuntimeAndWait', () => {
  it('polls while AgentCore reports DELETING and returns once the runtime is gone', async () => {
    control.on(DeleteAgentRuntimeCommand).resolves({ status: 'DELETING' });
    control
      .on(GetAgentRuntimeCommand)
      .resolvesOnce({ agentRuntimeId: 'r', status: 'DELETING' })
      .resolvesOnce({ agentRuntimeId: 'r', status: 'DELETING' })
      .rejects(notFound());
    const seen: string[] = [];
    await expect(deleteRuntimeAndWait(clients(), 'r', { delays: FAST_WAITS }, (s) => seen.push(s))).resolves.toBe(true);
    expect(seen).toEqual(['DELETING', 'DELETING']);
    expect(control.commandCalls(GetAgentRuntimeCommand)).toHaveLength(3);
  });

  it('reports a runtime already gone as nothing to do, and DELETE_FAILED as an error', async () => {
    control.on(DeleteAgentRuntimeCommand).rejects(notFound());
    await expect(deleteRuntimeAndWait(clients(), 'r')).resolves.toBe(false);
    control.reset();
    control.on(DeleteAgentRuntimeCommand).resolves({});
    control.on(GetAgentRuntimeCommand).resolves({ agentRuntimeId: 'r', status: 'DELETE_FAILED', failureReason: 'boom' } as never);
    await expect(deleteRuntimeAndWait(clients(), 'r', { delays: FAST_WAITS })).rejects.toThrow(/DELETE_FAILED: boom/);
  });
});

describe('deleteStackAndWait', () => {
  beforeEach(() => {
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
  });
  const stack = (status: StackStatus, reason?: string) => ({ Stacks: [{ StackId: 'arn:stack/s/1', StackName: 's', StackStatus: status, StackStatusReason: reason, CreationTime: new Date() }] });

  it('waits through DELETE_IN_PROGRESS to DELETE_COMPLETE', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack('CREATE_COMPLETE'))
      .resolvesOnce(stack('DELETE_IN_PROGRESS'))
      .resolves(stack('DELETE_COMPLETE'));
    cfn.on(DeleteStackCommand).resolves({});
    await expect(deleteStackAndWait(clients(), 's', {}, { delays: FAST_WAITS })).resolves.toEqual({ status: 'DELETE_COMPLETE' });
    expect(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input).toEqual({ StackName: 'arn:stack/s/1', RetainResources: undefined });
  });

  it('returns DELETE_FAILED with the reason, and passes RetainResources only to a DELETE_FAILED stack', async () => {
    cfn.on(DescribeStacksCommand).resolvesOnce(stack('UPDATE_COMPLETE')).resolves(stack('DELETE_FAILED', 'The bucket you tried to delete is not empty'));
    cfn.on(DeleteStackCommand).resolves({});
    const client = clients();
    await expect(deleteStackAndWait(client, 's', { retain: ['OutputBucket'] }, { delays: FAST_WAITS })).resolves.toEqual({
      status: 'DELETE_FAILED',
      reason: 'The bucket you tried to delete is not empty',
    });
    expect(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input.RetainResources).toBeUndefined();

    cfn.reset();
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfn.on(DescribeStacksCommand).resolvesOnce(stack('DELETE_FAILED')).resolvesOnce(stack('DELETE_IN_PROGRESS')).rejects(
      Object.assign(new Error('Stack with id arn:stack/s/1 does not exist'), { name: 'ValidationError' }),
    );
    cfn.on(DeleteStackCommand).resolves({});
    await expect(deleteStackAndWait(client, 's', { retain: ['OutputBucket'] }, { delays: FAST_WAITS })).resolves.toEqual({ status: 'DELETE_COMPLETE' });
    expect(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input.RetainResources).toEqual(['OutputBucket']);
  });
});
