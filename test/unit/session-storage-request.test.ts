/**
 * `deploy --session-storage` on a container deployment: CreateAgentRuntime is sent
 * `filesystemConfigurations: [{sessionStorage: {mountPath: "/mnt/workspace"}}]` and the environment
 * that tells the agent server (SESSION_PERSISTENCE=session-storage, WORKSPACE_ROOT on the mount);
 * `--max-budget-usd` becomes MAX_BUDGET_USD. moto accepts filesystemConfigurations but neither
 * stores nor returns it (TESTING.md §2), so the request is checked with an SDK mock.
 */
import { BedrockAgentCoreControlClient, CreateAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { createRuntime } from '../../src/aws/runtime.js';
import { resolveConfig } from '../../src/core/config.js';
import { resolveTarget, runtimeConfig } from '../../src/engine/deploy-gather.js';

const control = mockClient(BedrockAgentCoreControlClient);
afterEach(() => control.reset());
const clients = () => new AwsClients({ region: 'us-east-1', credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }), maxAttempts: 1 });
const outputs = { OutputBucketName: 'bucket-1', ExecutionRoleArn: 'arn:aws:iam::1:role/r', EcrRepositoryUri: '1.dkr.ecr.us-east-1.amazonaws.com/repo' };

describe('deploy --session-storage', () => {
  it('sends the session storage mount and the persistence mode with the container image', async () => {
    const target = resolveTarget(resolveConfig({ flags: { sessionStorage: true, maxBudgetUsd: 2.5 } }), 'us-east-1');
    const config = runtimeConfig(target, outputs, 'c-1')!;
    control.on(CreateAgentRuntimeCommand).resolves({ agentRuntimeId: 'id', agentRuntimeArn: 'arn', agentRuntimeVersion: '1', status: 'CREATING' });
    await createRuntime(clients(), 'agent', config);
    const input = control.commandCalls(CreateAgentRuntimeCommand)[0]!.args[0].input;
    expect(input.agentRuntimeArtifact).toEqual({ containerConfiguration: { containerUri: `${outputs.EcrRepositoryUri}:c-1` } });
    expect(input.filesystemConfigurations).toEqual([{ sessionStorage: { mountPath: '/mnt/workspace' } }]);
    expect(input.environmentVariables).toMatchObject({ SESSION_PERSISTENCE: 'session-storage', WORKSPACE_ROOT: '/mnt/workspace', MAX_BUDGET_USD: '2.5' });
  });

  it('without it: no filesystem configuration and the S3 archive (no SESSION_PERSISTENCE)', () => {
    const config = runtimeConfig(resolveTarget(resolveConfig({ flags: {} }), 'us-east-1'), outputs, 'c-1')!;
    expect(config.sessionStorageMountPath).toBeUndefined();
    expect(config.environment.SESSION_PERSISTENCE).toBeUndefined();
    expect(config.environment.MAX_BUDGET_USD).toBeUndefined();
  });
});
