/**
 * Engine decisions moto cannot reach, with aws-sdk-client-mock; each test says why. Everything moto
 * can run is in deploy-moto.test.ts (up-to-date redeploy, stack update, the no-change change set,
 * lifecycle on update) or test/e2e. Seen on moto 5.2.1: stacks never fail or roll back (a failing
 * resource surfaces as an error of ExecuteChangeSet/CreateStack instead), an updated runtime stays
 * UPDATING for ever, roles are assumable at once, and any credentials are accepted.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BedrockAgentCoreControlClient,
  CreateAgentRuntimeCommand,
  GetAgentRuntimeCommand,
  ListAgentRuntimesCommand,
  UpdateAgentRuntimeCommand,
} from '@aws-sdk/client-bedrock-agentcore-control';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/core/errors.js';
import { deploy } from '../../src/engine/deploy.js';
import { buildContextTag } from '../../src/io/build-context.js';
import { FAKE_DOCKER_DIR, TEMPLATE_PATH, makeTestDeploy, type TestDeploy } from '../support/deploy-context.js';

/** Claude Code's alias/background models as deploy pins them in us-east-1 (packages/protocol models.ts). */
const US_EAST_1_MODEL_PINS = {
  ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-5-20251101-v1:0',
  ANTHROPIC_SMALL_FAST_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
};
const cf = mockClient(CloudFormationClient);
const ecr = mockClient(ECRClient);
const sts = mockClient(STSClient);
const control = mockClient(BedrockAgentCoreControlClient);

const TEMPLATE = readFileSync(TEMPLATE_PATH, 'utf8');
const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-agent';
const ROLE = 'arn:aws:iam::123456789012:role/my-agent-AgentCoreExecutionRole-X';
const OUTPUTS = { OutputBucketName: 'my-agent-bucket', EcrRepositoryUri: REPO, EcrRepositoryName: 'my-agent', ExecutionRoleArn: ROLE };
const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

function stackDescription(status: string, extra: Partial<Stack> = {}): Stack {
  return {
    StackName: 'my-agent',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/my-agent/1',
    StackStatus: status as Stack['StackStatus'],
    CreationTime: new Date(),
    Parameters: [
      { ParameterKey: 'AgentName', ParameterValue: 'my_agent' },
      { ParameterKey: 'RepositoryName', ParameterValue: 'my-agent' },
      { ParameterKey: 'EnableApi', ParameterValue: 'false' },
      { ParameterKey: 'AgentRuntimeArn', ParameterValue: '' },
    ],
    Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    ...extra,
  };
}

function runtimeResponse(status: string, tag: string, extra: Record<string, unknown> = {}) {
  return {
    agentRuntimeId: 'my_agent-abc123',
    agentRuntimeArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-abc123',
    agentRuntimeName: 'my_agent',
    agentRuntimeVersion: '3',
    status,
    roleArn: ROLE,
    networkConfiguration: { networkMode: 'PUBLIC' },
    agentRuntimeArtifact: { containerConfiguration: { containerUri: `${REPO}:${tag}` } },
    environmentVariables: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', ANTHROPIC_MODEL: MODEL, ...US_EAST_1_MODEL_PINS, OUTPUT_BUCKET_NAME: 'my-agent-bucket' },
    lifecycleConfiguration: { idleRuntimeSessionTimeout: 900, maxLifetime: 28800 },
    createdAt: new Date(),
    lastUpdatedAt: new Date(),
    ...extra,
  } as never;
}

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

let t: TestDeploy;
let tag: string;
const savedPath = process.env.PATH;
const savedEndpoint = process.env.AWS_ENDPOINT_URL;

/** Mocks for a healthy, up-to-date deployment; tests override what they exercise. */
function upToDate(): void {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/dev' });
  cf.on(DescribeStacksCommand).resolves({ Stacks: [stackDescription('UPDATE_COMPLETE')] });
  cf.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
  cf.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageTags: [tag] }] });
  ecr.on(GetAuthorizationTokenCommand).resolves({
    authorizationData: [{ authorizationToken: Buffer.from('AWS:secret-password').toString('base64'), proxyEndpoint: `https://${REPO.split('/')[0]}` }],
  });
  control.on(ListAgentRuntimesCommand).resolves({ agentRuntimes: [{ agentRuntimeName: 'my_agent', agentRuntimeId: 'my_agent-abc123', agentRuntimeArn: 'arn:rt', agentRuntimeVersion: '3', status: 'READY', description: '', lastUpdatedAt: new Date() }] });
  control.on(GetAgentRuntimeCommand).resolves(runtimeResponse('READY', tag));
}

beforeEach(async () => {
  cf.reset();
  ecr.reset();
  sts.reset();
  control.reset();
  t = await makeTestDeploy();
  tag = await buildContextTag(t.contextDir);
  // The fake docker records its calls; without AWS_ENDPOINT_URL it never talks to AWS.
  process.env.PATH = `${FAKE_DOCKER_DIR}:${savedPath}`;
  process.env.FAKE_DOCKER_LOG = join(t.dir, 'docker.log');
  delete process.env.AWS_ENDPOINT_URL;
  upToDate();
});

afterEach(async () => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_DOCKER_LOG;
  if (savedEndpoint !== undefined) process.env.AWS_ENDPOINT_URL = savedEndpoint;
  await t.cleanup();
});

async function dockerCalls(): Promise<string[][]> {
  try {
    return (await readFile(join(t.dir, 'docker.log'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line).argv);
  } catch {
    return [];
  }
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('deploy engine (mocked AWS)', () => {
  // moto: a stack creation never fails, so no stack reaches ROLLBACK_COMPLETE.
  describe('stack in ROLLBACK_COMPLETE', () => {
    beforeEach(() => {
      cf.on(DescribeStacksCommand)
        .resolvesOnce({ Stacks: [stackDescription('ROLLBACK_COMPLETE', { Outputs: [] })] }) // gather
        .resolvesOnce({ Stacks: [stackDescription('ROLLBACK_COMPLETE', { Outputs: [] })] }) // deleteStack
        .resolvesOnce({ Stacks: [stackDescription('DELETE_COMPLETE', { Outputs: [] })] }) // delete wait
        .resolves({ Stacks: [stackDescription('CREATE_COMPLETE')] }); // create wait
      cf.on(DeleteStackCommand).resolves({});
      cf.on(CreateStackCommand).resolves({ StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/my-agent/2' });
      ecr.on(DescribeImagesCommand).rejects(awsError('ImageNotFoundException', 'not found'));
      control.on(ListAgentRuntimesCommand).resolves({ agentRuntimes: [] });
      control.on(CreateAgentRuntimeCommand).resolves({ agentRuntimeId: 'my_agent-new', agentRuntimeArn: 'arn:rt:new', agentRuntimeVersion: '1', status: 'CREATING', createdAt: new Date() });
      control.on(GetAgentRuntimeCommand).resolves(runtimeResponse('READY', tag, { agentRuntimeId: 'my_agent-new', agentRuntimeVersion: '1' }));
    });

    it('is explained and deleted + recreated with --yes', async () => {
      const result = await deploy(t.context(), t.options({ yes: true }));
      expect(result.plan.stack.action).toBe('recreate');
      expect(t.stderr.text).toMatch(/ROLLBACK_COMPLETE: its first creation failed/);
      expect(cf.commandCalls(DeleteStackCommand)).toHaveLength(1);
      expect(cf.commandCalls(CreateStackCommand)[0]!.args[0].input).toMatchObject({ StackName: 'my-agent', Capabilities: expect.arrayContaining(['CAPABILITY_IAM']) });
      // The new repository is empty: the image is built and pushed.
      const docker = await dockerCalls();
      expect(docker.find((argv) => argv[1] === 'build')).toEqual(['buildx', 'build', '--platform', 'linux/arm64', '--provenance=false', '-t', `${REPO}:${tag}`, '--push', t.contextDir]);
      expect(result.state).toMatchObject({ runtime: { id: 'my_agent-new', version: '1' }, imageTag: tag, bucket: 'my-agent-bucket' });
    });

    it('without --yes and without a terminal: asks for --yes and deletes nothing', async () => {
      const error = await failure(deploy(t.context(), t.options()));
      expect(error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', exitCode: 2 });
      expect(error.hint).toContain('--yes');
      expect(cf.commandCalls(DeleteStackCommand)).toHaveLength(0);
    });
  });

  // moto: an updated runtime stays UPDATING for ever; it never ends UPDATE_FAILED.
  it('a runtime version that ends UPDATE_FAILED shows failureReason and exits 1; no state is written', async () => {
    control.on(GetAgentRuntimeCommand, { agentRuntimeId: 'my_agent-abc123' }).resolves(runtimeResponse('READY', 'c-old'));
    control.on(UpdateAgentRuntimeCommand).resolves({ agentRuntimeId: 'my_agent-abc123', agentRuntimeArn: 'arn:rt', agentRuntimeVersion: '4', status: 'UPDATING', lastUpdatedAt: new Date() });
    control
      .on(GetAgentRuntimeCommand, { agentRuntimeId: 'my_agent-abc123', agentRuntimeVersion: '4' })
      .resolvesOnce(runtimeResponse('UPDATING', tag, { agentRuntimeVersion: '4' }))
      .resolves(runtimeResponse('UPDATE_FAILED', tag, { agentRuntimeVersion: '4', failureReason: 'Image pull failed: manifest unknown' }));
    const error = await failure(deploy(t.context(), t.options()));
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('UPDATE_FAILED: Image pull failed: manifest unknown');
    expect(control.commandCalls(UpdateAgentRuntimeCommand)[0]!.args[0].input).toMatchObject({
      agentRuntimeId: 'my_agent-abc123',
      agentRuntimeArtifact: { containerConfiguration: { containerUri: `${REPO}:${tag}` } },
      roleArn: ROLE,
      networkConfiguration: { networkMode: 'PUBLIC' },
      environmentVariables: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', ANTHROPIC_MODEL: MODEL, ...US_EAST_1_MODEL_PINS, OUTPUT_BUCKET_NAME: 'my-agent-bucket' },
    });
    await expect(readFile(t.statePath)).rejects.toThrow(/ENOENT/);
  });

  // moto could keep a runtime UPDATING, but the deadline bounds the whole apply: where it passes
  // against a real server depends on the machine's load. Mocked, it passes in the runtime wait.
  it('gives up waiting after --timeout with a message saying deploy again is safe', async () => {
    control.on(GetAgentRuntimeCommand, { agentRuntimeId: 'my_agent-abc123' }).resolves(runtimeResponse('READY', 'c-old'));
    control.on(UpdateAgentRuntimeCommand).resolves({ agentRuntimeId: 'my_agent-abc123', agentRuntimeArn: 'arn:rt', agentRuntimeVersion: '4', status: 'UPDATING', lastUpdatedAt: new Date() });
    control.on(GetAgentRuntimeCommand, { agentRuntimeId: 'my_agent-abc123', agentRuntimeVersion: '4' }).resolves(runtimeResponse('UPDATING', tag, { agentRuntimeVersion: '4' }));
    const error = await failure(deploy(t.context(), t.options({ timeoutSeconds: 0.05 as number, delays: { minDelay: 0.01, maxDelay: 0.01 } })));
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(error.message).toMatch(/runtime my_agent version 4 \(UPDATING\)/);
    expect(error.hint).toMatch(/deploy` again is safe/);
  });

  // moto: a new role is assumable at once; CreateAgentRuntime never refuses it.
  describe('IAM propagation', () => {
    const propagation = () => awsError('ValidationException', "Role validation failed for 'arn:aws:iam::123456789012:role/x'. Please verify that the role can be assumed by bedrock-agentcore.amazonaws.com");

    beforeEach(() => {
      control.on(ListAgentRuntimesCommand).resolves({ agentRuntimes: [] });
      control.on(GetAgentRuntimeCommand).resolves(runtimeResponse('READY', tag, { agentRuntimeVersion: '1' }));
    });

    it('retries CreateAgentRuntime with backoff until the role is assumable', async () => {
      control
        .on(CreateAgentRuntimeCommand)
        .rejectsOnce(propagation())
        .rejectsOnce(propagation())
        .resolves({ agentRuntimeId: 'my_agent-abc123', agentRuntimeArn: 'arn:rt', agentRuntimeVersion: '1', status: 'CREATING', createdAt: new Date() });
      const result = await deploy(t.context(), t.options());
      expect(control.commandCalls(CreateAgentRuntimeCommand)).toHaveLength(3);
      expect(t.stderr.text.match(/not assumable yet \(IAM propagation\); retrying…/g)).toHaveLength(2);
      expect(result.state?.runtime.version).toBe('1');
    });

    it('stops after a bounded time with an actionable error', async () => {
      control.on(CreateAgentRuntimeCommand).rejects(propagation());
      // Bounded by the deploy's --timeout (here 2 s) when that comes before the 2-minute propagation budget.
      const error = await failure(deploy(t.context(), t.options({ timeoutSeconds: 2 as number, delays: { minDelay: 0.01, maxDelay: 0.01 } })));
      expect(error).toMatchObject({ code: 'ROLE_NOT_ASSUMABLE' });
      expect(control.commandCalls(CreateAgentRuntimeCommand).length).toBeGreaterThan(1);
    });

    it('does not retry other validation errors', async () => {
      control.on(CreateAgentRuntimeCommand).rejects(awsError('ValidationException', 'Invalid container URI'));
      await expect(deploy(t.context(), t.options())).rejects.toThrow('Invalid container URI');
      expect(control.commandCalls(CreateAgentRuntimeCommand)).toHaveLength(1);
    });
  });

  // The no-change change set as real CloudFormation (and moto 5.2.1) answers it runs on moto in
  // deploy-moto.test.ts; these are the forms moto does not produce.
  describe('"No updates are to be performed" is success in both forms', () => {
    beforeEach(() => {
      // A template text that differs (e.g. reformatted) but means the same: a change set is needed to know.
      cf.on(GetTemplateCommand).resolves({ TemplateBody: `${TEMPLATE}\n# reformatted\n` });
      cf.on(DeleteChangeSetCommand).resolves({});
    });

    // Older moto releases answered CreateChangeSet itself with this error; the code handles both.
    it('older moto: CreateChangeSet itself answers ValidationError', async () => {
      cf.on(CreateChangeSetCommand).rejects(awsError('ValidationError', 'No updates are to be performed.'));
      const result = await deploy(t.context(), t.options());
      expect(result.plan.stack.action).toBe('none');
      expect(cf.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    });

    // moto marks a change set FAILED only when it holds no changes.
    it('another FAILED reason is an error', async () => {
      cf.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs' });
      cf.on(DescribeChangeSetCommand).resolves({ Status: 'FAILED', StatusReason: 'Template format error: Unresolved resource dependencies [Foo]' });
      const error = await failure(deploy(t.context(), t.options()));
      expect(error.message).toContain('Unresolved resource dependencies [Foo]');
    });
  });

  // moto: a failing resource makes ExecuteChangeSet itself fail; there are no UPDATE_FAILED events and no rollback.
  it('a failed stack update lists the failed resources with their reasons (exit 1)', async () => {
    cf.on(GetTemplateCommand).resolves({ TemplateBody: 'old' });
    cf.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs' });
    cf.on(DescribeChangeSetCommand).resolves({
      Status: 'CREATE_COMPLETE',
      Changes: [{ Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'AgentCoreExecutionRole', ResourceType: 'AWS::IAM::Role', Replacement: 'False' } }],
    });
    cf.on(ExecuteChangeSetCommand).resolves({});
    const later = () => new Date(Date.now() + 1000);
    cf.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        { StackId: 's', EventId: '3', StackName: 'my-agent', LogicalResourceId: 'my-agent', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'UPDATE_ROLLBACK_COMPLETE', Timestamp: later() },
        { StackId: 's', EventId: '2', StackName: 'my-agent', LogicalResourceId: 'AgentCoreExecutionRole', ResourceType: 'AWS::IAM::Role', ResourceStatus: 'UPDATE_FAILED', ResourceStatusReason: 'MalformedPolicyDocument: bad action', Timestamp: later() },
        { StackId: 's', EventId: '1', StackName: 'my-agent', LogicalResourceId: 'my-agent', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'UPDATE_IN_PROGRESS', ResourceStatusReason: 'User Initiated', Timestamp: later() },
      ],
    });
    cf.on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [stackDescription('UPDATE_COMPLETE')] })
      .resolves({ Stacks: [stackDescription('UPDATE_ROLLBACK_COMPLETE')] });
    const error = await failure(deploy(t.context(), t.options()));
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/update failed: UPDATE_ROLLBACK_COMPLETE/);
    expect(error.message).toContain('AgentCoreExecutionRole (AWS::IAM::Role): MalformedPolicyDocument: bad action');
    expect(error.hint).toMatch(/rolled back/);
    // Events were printed as they happened, oldest first.
    const printed = t.stderr.text;
    expect(printed.indexOf('UPDATE_IN_PROGRESS')).toBeLessThan(printed.indexOf('UPDATE_FAILED'));
    expect(t.stderr.text).toMatch(/~ AgentCoreExecutionRole \(AWS::IAM::Role\)/);
  });

  // moto accepts any credentials.
  it.each([
    ['ExpiredToken', 'The security token included in the request is expired', 'EXPIRED_CREDENTIALS', /sso login|renew/],
    ['CredentialsProviderError', 'Could not load credentials from any providers', 'NO_CREDENTIALS', /--profile/],
    ['AccessDenied', 'User is not authorized to perform sts:GetCallerIdentity', 'ACCESS_DENIED', /IAM permissions/],
    ['InvalidClientTokenId', 'The security token included in the request is invalid', 'INVALID_CREDENTIALS', /AWS_ACCESS_KEY_ID/],
  ])('STS %s → %s before any other call', async (name, message, code, hint) => {
    sts.on(GetCallerIdentityCommand).rejects(awsError(name, message));
    const error = await failure(deploy(t.context(), t.options()));
    expect(error).toMatchObject({ code, exitCode: 3 });
    expect(error.hint).toMatch(hint);
    expect(cf.calls()).toHaveLength(0);
  });

  // No AWS at all: the mocks only prove that nothing is called.
  it('invalid settings are usage errors before any AWS call', async () => {
    await expect(deploy(t.context({ idleTimeout: '2h', maxLifetime: '1h' }), t.options())).rejects.toMatchObject({ exitCode: 2 });
    await expect(deploy(t.context({ name: '---' }), t.options())).rejects.toMatchObject({ exitCode: 2, code: 'BAD_NAME' });
    expect(sts.calls()).toHaveLength(0);
  });

  // The decision is docker's (the fake docker fails); the ECR answers (no tag, the login token) are fixed by the mocks.
  it('a failed docker build shows the build error tail and changes no runtime', async () => {
    ecr.on(DescribeImagesCommand).rejects(awsError('ImageNotFoundException', 'no'));
    process.env.FAKE_DOCKER_EXIT_BUILD = '1';
    try {
      const error = await failure(deploy(t.context(), t.options()));
      expect(error).toMatchObject({ code: 'BUILD_FAILED', exitCode: 3 });
      expect(error.message).toContain('ERROR: failed to solve: fake build failure');
      expect(control.commandCalls(UpdateAgentRuntimeCommand)).toHaveLength(0);
      const login = (await readFile(join(t.dir, 'docker.log'), 'utf8')).split('\n').map((l) => (l ? JSON.parse(l) : {})).find((c) => c.argv?.[0] === 'login');
      expect(login).toEqual({ argv: ['login', '--username', 'AWS', '--password-stdin', REPO.split('/')[0]], stdin: 'secret-password' });
    } finally {
      delete process.env.FAKE_DOCKER_EXIT_BUILD;
    }
  });

  it('a builder without linux/arm64 is refused before any change', async () => {
    ecr.on(DescribeImagesCommand).rejects(awsError('ImageNotFoundException', 'no'));
    process.env.FAKE_DOCKER_PLATFORMS = 'linux/amd64';
    try {
      const error = await failure(deploy(t.context(), t.options()));
      expect(error).toMatchObject({ code: 'NO_ARM64_BUILDER' });
      expect((error as { hint?: string }).hint).toContain('agentcore-claude deploy --artifact code');
      expect((error as { hint?: string }).hint).toContain('agentcore-claude deploy --build codebuild');
      expect(ecr.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(0);
    } finally {
      delete process.env.FAKE_DOCKER_PLATFORMS;
    }
  });
});
