/**
 * What CreateAgentRuntime / UpdateAgentRuntime are sent for a code deployment. moto accepts
 * `filesystemConfigurations` but neither stores nor returns it (TESTING.md §2), so the request itself
 * is checked here with an in-process SDK mock; GetAgentRuntime's answer is read back the same way.
 */
import { BedrockAgentCoreControlClient, CreateAgentRuntimeCommand, GetAgentRuntimeCommand, UpdateAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { createRuntime, getRuntime, updateRuntime } from '../../src/aws/runtime.js';
import { resolveTarget, runtimeConfig } from '../../src/engine/deploy-gather.js';
import { resolveConfig } from '../../src/core/config.js';

const control = mockClient(BedrockAgentCoreControlClient);
afterEach(() => control.reset());

const clients = () => new AwsClients({ region: 'us-east-1', credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }), maxAttempts: 1 });
const outputs = { OutputBucketName: 'bucket-1', ExecutionRoleArn: 'arn:aws:iam::1:role/r', EcrRepositoryUri: '1.dkr.ecr.us-east-1.amazonaws.com/repo' };
const target = resolveTarget(resolveConfig({ flags: { artifact: 'code' } }), 'us-east-1');

describe('code deployment requests', () => {
  it('create and update send codeConfiguration (S3 zip, NODE_22, dist/main.js) and the session storage mount, never a container', async () => {
    const config = runtimeConfig(target, outputs, 'c-0123456789abcdef0123')!;
    control.on(CreateAgentRuntimeCommand).resolves({ agentRuntimeId: 'id', agentRuntimeArn: 'arn', agentRuntimeVersion: '1', status: 'CREATING' });
    control.on(UpdateAgentRuntimeCommand).resolves({ agentRuntimeId: 'id', agentRuntimeArn: 'arn', agentRuntimeVersion: '2', status: 'UPDATING' });
    await createRuntime(clients(), 'agent', config);
    await updateRuntime(clients(), { id: 'id', name: 'agent' }, config);
    for (const input of [control.commandCalls(CreateAgentRuntimeCommand)[0]!.args[0].input, control.commandCalls(UpdateAgentRuntimeCommand)[0]!.args[0].input]) {
      expect(input.agentRuntimeArtifact).toEqual({
        codeConfiguration: { code: { s3: { bucket: 'bucket-1', prefix: 'code/c-0123456789abcdef0123.zip' } }, runtime: 'NODE_22', entryPoint: ['dist/main.js'] },
      });
      expect(input.filesystemConfigurations).toEqual([{ sessionStorage: { mountPath: '/mnt/workspace' } }]);
      expect(input.environmentVariables).toMatchObject({ AGENT_ARTIFACT: 'code', WORKSPACE_ROOT: '/mnt/workspace', HOME: '/mnt/workspace', OUTPUT_BUCKET_NAME: 'bucket-1' });
    }
  });

  it('the mount path is a valid SessionStorageConfiguration mountPath (/mnt/<one level>)', () => {
    const config = runtimeConfig(target, outputs, 'c-0')!;
    expect(config.sessionStorageMountPath).toMatch(/^\/mnt\/[a-zA-Z0-9._-]+\/?$/);
  });

  it('GetAgentRuntime of a code runtime reads back as code (and the mount when AWS reports it)', async () => {
    control.on(GetAgentRuntimeCommand).resolves({
      agentRuntimeId: 'id',
      agentRuntimeArn: 'arn',
      agentRuntimeName: 'agent',
      agentRuntimeVersion: '3',
      status: 'READY',
      roleArn: 'role',
      agentRuntimeArtifact: { codeConfiguration: { code: { s3: { bucket: 'b', prefix: 'code/c-1.zip' } }, runtime: 'NODE_22', entryPoint: ['dist/main.js'] } },
      filesystemConfigurations: [{ sessionStorage: { mountPath: '/mnt/workspace' } }],
    } as never);
    const runtime = await getRuntime(clients(), 'id');
    expect(runtime.config.containerUri).toBeUndefined();
    expect(runtime.config.code).toEqual({ bucket: 'b', prefix: 'code/c-1.zip', runtime: 'NODE_22', entryPoint: ['dist/main.js'] });
    expect(runtime.config.sessionStorageMountPath).toBe('/mnt/workspace');
  });
});
