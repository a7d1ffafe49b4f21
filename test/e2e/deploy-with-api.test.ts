/**
 * `deploy --with-api`, the built binary against moto_server with the fake `docker` on PATH: the
 * stack is updated with EnableApi=true, the runtime's ARN and the bundled bridge once the runtime
 * exists; the REST API, its POST /invoke (API key, Lambda proxy) and the bridge exist; the
 * endpoint lands in deployment.json; a second run changes nothing.
 * (moto's CloudFormation skips AWS::ApiGateway::ApiKey/UsagePlan/Stage, so ApiKeyId is absent
 * here; `test/e2e/api-key-cli.test.ts` covers the key.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { APIGatewayClient, GetMethodCommand, GetResourcesCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { readDeployment } from '../support/state.js';

let moto: Moto;
let cwd: string;
let aws: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };

beforeAll(async () => {
  moto = await startMoto();
  aws = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  cwd = mkdtempSync(join(tmpdir(), 'deploy-api-'));
  // A build context of its own: the image is not what this test is about (the fake docker "pushes" it).
  mkdirSync(join(cwd, 'context'));
  writeFileSync(join(cwd, 'context', 'Dockerfile'), 'FROM public.ecr.aws/docker/library/node:20-slim\n');
});
afterAll(async () => {
  await moto?.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

const deploy = () =>
  runCli(['deploy', '--yes', '--with-api', '--json', '--name', 'api-agent', '--context', join(cwd, 'context')], {
    cwd,
    env: { ...moto.env, PATH: `${join(REPO_ROOT, 'test/support/fake-docker')}${delimiter}${process.env.PATH}`, FAKE_DOCKER_LOG: join(cwd, 'docker.log') },
    timeoutMs: 240_000,
  });

describe('agentcore-claude deploy --with-api (built binary vs moto)', () => {
  it('adds the HTTP API for the new runtime and records its endpoint', async () => {
    const result = await deploy();
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const state = readDeployment(cwd);
    expect(state.runtime.arn).toMatch(/^arn:aws:bedrock-agentcore:us-east-1:123456789012:/);

    const cfn = new CloudFormationClient(aws);
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: state.stackName }))).Stacks![0]!;
    const parameters = Object.fromEntries(stack.Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]));
    expect(parameters.EnableApi).toBe('true');
    expect(parameters.AgentRuntimeArn).toBe(state.runtime.arn);
    expect(parameters.ApiBridgeCode).toBe(readFileSync(join(REPO_ROOT, 'dist/lambda/bridge.cjs'), 'utf8'));
    const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: state.stackName }))).StackResources!;
    const ids = resources.map((r) => r.LogicalResourceId); // (moto lists its methods without ids: checked below)
    expect(ids).toEqual(expect.arrayContaining(['ApiRestApi', 'ApiInvokeResource', 'ApiBridgeFunction', 'ApiBridgeRole', 'ApiBridgePermission']));

    const restApiId = resources.find((r) => r.LogicalResourceId === 'ApiRestApi')!.PhysicalResourceId!;
    expect(state.api?.endpoint).toBe(`https://${restApiId}.execute-api.us-east-1.amazonaws.com/prod/invoke`);
    const apigw = new APIGatewayClient(aws);
    expect((await apigw.send(new GetRestApisCommand({}))).items!.map((a) => a.name)).toContain(`${state.stackName}-api`);
    const invoke = (await apigw.send(new GetResourcesCommand({ restApiId }))).items!.find((r) => r.path === '/invoke')!;
    expect(Object.keys(invoke.resourceMethods ?? {}).sort()).toEqual(['OPTIONS', 'POST']);
    const post = await apigw.send(new GetMethodCommand({ restApiId, resourceId: invoke.id!, httpMethod: 'POST' }));
    expect(post.apiKeyRequired).toBe(true);
    expect(post.methodIntegration?.type).toBe('AWS_PROXY');
    const functionName = resources.find((r) => r.LogicalResourceId === 'ApiBridgeFunction')!.PhysicalResourceId!;
    expect(post.methodIntegration?.uri).toContain(functionName);
  });

  it('changes nothing when run again', async () => {
    const cfn = new CloudFormationClient(aws);
    const before = (await cfn.send(new DescribeStacksCommand({ StackName: 'api-agent' }))).Stacks![0]!;
    const result = await deploy();
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(JSON.parse(String(result.stdout)).state_written).toBe(false);
    const after = (await cfn.send(new DescribeStacksCommand({ StackName: 'api-agent' }))).Stacks![0]!;
    expect(after.LastUpdatedTime).toEqual(before.LastUpdatedTime);
  });
});
