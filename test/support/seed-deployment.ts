/**
 * Seeds moto with what `deploy` creates — a CloudFormation stack (bucket, ECR repository, role,
 * with the same Outputs as templates/infrastructure.yaml), an AgentCore runtime — and writes the
 * matching deployment.json, so the operating commands can be tested without running `deploy`.
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { BedrockAgentCoreControlClient, CreateAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DeploymentState } from '../../src/core/state.js';
import { writeDeployments } from './state.js';

export const SEED_TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  OutputBucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: { Status: Enabled }
  Repository:
    Type: AWS::ECR::Repository
    Properties: { RepositoryName: !Sub "\${AWS::StackName}-agent" }
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: bedrock-agentcore.amazonaws.com }
            Action: sts:AssumeRole
Outputs:
  OutputBucketName: { Value: !Ref OutputBucket }
  EcrRepositoryUri: { Value: !GetAtt Repository.RepositoryUri }
  ExecutionRoleArn: { Value: !GetAtt ExecutionRole.Arn }
  ApiEndpoint: { Value: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/invoke' }
  ApiKeyId: { Value: 'k3y1d' }
`;

export interface Seeded {
  state: DeploymentState;
  stackId: string;
}

function clients(env: Record<string, string>) {
  const config = {
    region: env.AWS_REGION ?? 'us-east-1',
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
  };
  return {
    cfn: new CloudFormationClient(config),
    control: new BedrockAgentCoreControlClient(config),
    ecr: new ECRClient(config),
    s3: new S3Client(config),
  };
}

/**
 * Create the stack and runtime in moto and record them in `<cwd>/.agentcore-claude/deployments.json`.
 * `environment` is added to the runtime's environment variables (beside a secret that must never be printed).
 */
export async function seedDeployment(env: Record<string, string>, cwd: string, name = 'opsagent', environment: Record<string, string> = {}): Promise<Seeded> {
  const { cfn, control, ecr, s3 } = clients(env);
  const created = await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: SEED_TEMPLATE, Capabilities: ['CAPABILITY_IAM'] }));
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
  const out = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
  // moto's CloudFormation ignores VersioningConfiguration; the real template's bucket is versioned.
  await s3.send(new PutBucketVersioningCommand({ Bucket: out.OutputBucketName!, VersioningConfiguration: { Status: 'Enabled' } }));
  const repositoryUri = out.EcrRepositoryUri!;
  const repositoryName = repositoryUri.slice(repositoryUri.indexOf('/') + 1);
  const imageTag = 'abc123def456';
  await ecr.send(
    new PutImageCommand({
      repositoryName,
      imageTag,
      imageManifest: JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: `sha256:${'a'.repeat(64)}` },
        layers: [],
      }),
    }),
  );
  const imageUri = `${repositoryUri}:${imageTag}`;
  const runtimeName = name.replace(/[^a-zA-Z0-9_]/g, '_');
  const runtime = await control.send(
    new CreateAgentRuntimeCommand({
      agentRuntimeName: runtimeName,
      agentRuntimeArtifact: { containerConfiguration: { containerUri: imageUri } },
      roleArn: out.ExecutionRoleArn!,
      networkConfiguration: { networkMode: 'PUBLIC' },
      lifecycleConfiguration: { idleRuntimeSessionTimeout: 900, maxLifetime: 28800 },
      environmentVariables: { SECRET_TOKEN: 'do-not-print-me', ...environment },
    }),
  );
  const now = new Date().toISOString();
  const state: DeploymentState = {
    version: 1,
    name,
    region: env.AWS_REGION ?? 'us-east-1',
    account: '123456789012',
    stackName: name,
    bucket: out.OutputBucketName!,
    repositoryUri,
    roleArn: out.ExecutionRoleArn!,
    imageTag,
    imageUri,
    model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    runtime: { name: runtimeName, id: runtime.agentRuntimeId!, arn: runtime.agentRuntimeArn!, version: runtime.agentRuntimeVersion ?? '1' },
    lifecycle: { idleRuntimeSessionTimeout: 900, maxLifetime: 28800 },
    createdAt: now,
    updatedAt: now,
  };
  writeDeployments(cwd, [state]);
  return { state, stackId: created.StackId! };
}

/** Put objects (key → content) into the bucket. */
export async function putObjects(env: Record<string, string>, bucket: string, objects: Record<string, string | Uint8Array>): Promise<void> {
  const { s3 } = clients(env);
  const entries = Object.entries(objects);
  for (let i = 0; i < entries.length; i += 16) {
    await Promise.all(entries.slice(i, i + 16).map(([Key, Body]) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }))));
  }
}

/** AWS SDK clients pointed at moto, for assertions. */
export { clients as motoClients };
