/**
 * `deploy --with-api`, the built binary against moto_server with the fake `docker` on PATH: once
 * the runtime exists, the bridge's zip (bundle + its own SDK client) is uploaded to the stack's
 * bucket and the stack updated with EnableApi=true, the runtime's ARN and the zip's key and object
 * version; the REST API, its POST /invoke (API key, Lambda proxy) and the bridge exist, the
 * function's code is that zip; the endpoint lands in deployment.json; the zip as stored in S3 runs
 * in an empty directory with no node_modules (a real call through its bundled client); a second
 * run uploads nothing and changes nothing.
 * (moto's CloudFormation skips AWS::ApiGateway::ApiKey/UsagePlan/Stage, so ApiKeyId is absent
 * here; `test/e2e/api-key-cli.test.ts` covers the key. It also ignores the bucket's
 * VersioningConfiguration, which the test therefore applies itself, as S3 does for the template.)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { APIGatewayClient, GetMethodCommand, GetResourcesCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand, GetTemplateCommand, UpdateStackCommand, waitUntilStackUpdateComplete } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway } from '../support/apigateway-standin.js';
import { existingLookupPaths, loadBridgeZip } from '../support/bridge-zip.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';
import { startScriptedRuntime } from '../support/scripted-runtime.js';
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

const deploy = (...flags: string[]) => deployIn(cwd, 'api-agent', ...flags);
const deployIn = (dir: string, name: string, ...flags: string[]) =>
  runCli(['deploy', '--yes', ...flags, '--json', '--name', name, '--context', join(cwd, 'context')], {
    cwd: dir,
    env: { ...moto.env, PATH: `${join(REPO_ROOT, 'test/support/fake-docker')}${delimiter}${process.env.PATH}`, FAKE_DOCKER_LOG: join(cwd, 'docker.log') },
    timeoutMs: 240_000,
  });

const s3 = () => new S3Client({ ...aws, forcePathStyle: true });

async function stackOf(name: string) {
  const stack = (await new CloudFormationClient(aws).send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
  return {
    stack,
    parameters: Object.fromEntries(stack.Parameters!.map((p) => [p.ParameterKey!, p.ParameterValue!])),
    outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!])),
  };
}

/** GetFunction's configuration. The project has no Lambda client; moto routes an unsigned call by its credential scope. */
async function lambdaFunction(name: string): Promise<{ CodeSha256: string; CodeSize: number; Runtime: string; Handler: string }> {
  const res = await fetch(`${moto.endpoint}/2015-03-31/functions/${encodeURIComponent(name)}`, {
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0' },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { Configuration: { CodeSha256: string; CodeSize: number; Runtime: string; Handler: string } }).Configuration;
}

async function bridgeVersions(bucket: string) {
  return (await s3().send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'lambda/' }))).Versions ?? [];
}

/** The zip the stack's Lambda names (bucket output, key and version parameters), as stored in S3. */
async function deployedZip(name: string): Promise<Buffer> {
  const { parameters, outputs } = await stackOf(name);
  const object = await s3().send(new GetObjectCommand({ Bucket: outputs.OutputBucketName, Key: parameters.ApiBridgeCodeKey, VersionId: parameters.ApiBridgeCodeVersion || undefined }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

describe('agentcore-claude deploy --with-api (built binary vs moto)', () => {
  it('adds the HTTP API to a deployed runtime: the bridge zip uploaded first, then the stack update that creates the function from it', async () => {
    const plain = await deploy();
    expect(plain.exitCode, String(plain.stderr)).toBe(0);
    const { outputs } = await stackOf('api-agent');
    const bucket = outputs.OutputBucketName!;
    // What the template's VersioningConfiguration does on S3 (moto's CloudFormation ignores it).
    await s3().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    expect(await bridgeVersions(bucket)).toEqual([]);

    const result = await deploy('--with-api');
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const state = readDeployment(cwd);
    expect(state.runtime.arn).toMatch(/^arn:aws:bedrock-agentcore:us-east-1:123456789012:/);

    const { stack, parameters } = await stackOf('api-agent');
    expect(parameters.EnableApi).toBe('true');
    expect(parameters.AgentRuntimeArn).toBe(state.runtime.arn);
    expect(parameters.ApiBridgeCode).toBe('');
    const versions = await bridgeVersions(bucket);
    expect(versions).toHaveLength(1);
    expect(parameters.ApiBridgeCodeKey).toBe(versions[0]!.Key);
    expect(parameters.ApiBridgeCodeKey).toMatch(/^lambda\/api-bridge-c-[0-9a-f]{20}\.zip$/);
    expect(parameters.ApiBridgeCodeVersion).toBe(versions[0]!.VersionId);

    const cfn = new CloudFormationClient(aws);
    const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: stack.StackName }))).StackResources!;
    const ids = resources.map((r) => r.LogicalResourceId); // (moto lists its methods without ids: checked below)
    expect(ids).toEqual(expect.arrayContaining(['ApiRestApi', 'ApiInvokeResource', 'ApiBridgeFunction', 'ApiBridgeRole', 'ApiBridgePermission']));

    // moto's Lambda reads the S3 object when CloudFormation creates the function: its code is the
    // uploaded zip, so the zip was there before the update that created the function.
    const functionName = resources.find((r) => r.LogicalResourceId === 'ApiBridgeFunction')!.PhysicalResourceId!;
    const fn = await lambdaFunction(functionName);
    const zip = await deployedZip('api-agent');
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', CodeSize: zip.length });
    expect(fn.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));

    const restApiId = resources.find((r) => r.LogicalResourceId === 'ApiRestApi')!.PhysicalResourceId!;
    expect(state.api?.endpoint).toBe(`https://${restApiId}.execute-api.us-east-1.amazonaws.com/prod/invoke`);
    const apigw = new APIGatewayClient(aws);
    expect((await apigw.send(new GetRestApisCommand({}))).items!.map((a) => a.name)).toContain(`${stack.StackName}-api`);
    const invoke = (await apigw.send(new GetResourcesCommand({ restApiId }))).items!.find((r) => r.path === '/invoke')!;
    expect(Object.keys(invoke.resourceMethods ?? {}).sort()).toEqual(['OPTIONS', 'POST']);
    const post = await apigw.send(new GetMethodCommand({ restApiId, resourceId: invoke.id!, httpMethod: 'POST' }));
    expect(post.apiKeyRequired).toBe(true);
    expect(post.methodIntegration?.type).toBe('AWS_PROXY');
    expect(post.methodIntegration?.uri).toContain(functionName);
  });

  it('the deployed zip runs in an empty directory with no node_modules: proxy event → its bundled SDK client → AgentCore', async () => {
    const zipPath = join(cwd, 'deployed-bridge.zip');
    writeFileSync(zipPath, await deployedZip('api-agent'));
    const arn = readDeployment(cwd).runtime.arn;
    const runtime = await startScriptedRuntime(arn);
    runtime.reset();
    const saved = { ...process.env };
    // Lambda's environment: the function's variable, the region, credentials; the endpoint points the SDK at the stand-in.
    Object.assign(process.env, { AGENT_RUNTIME_ARN: arn, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: runtime.dataPlane.endpoint });
    const bridge = await loadBridgeZip(zipPath);
    const gateway = await startApiGateway({ handler: bridge.handler, apiKey: 'the-key' });
    try {
      expect(bridge.files).toEqual(['index.js']);
      expect(existingLookupPaths(bridge.dir)).toEqual([]);
      const res = await fetch(gateway.endpoint, { method: 'POST', headers: { 'x-api-key': 'the-key', 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'from the deployed zip', max_turns: 2 }) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ result: 'done', is_error: false });
      const [call] = runtime.dataPlane.invocations;
      expect(call).toMatchObject({ runtimeArn: arn, qualifier: 'DEFAULT', accept: 'text/event-stream' });
      expect(res.headers.get('x-runtime-session-id')).toBe(call!.sessionId);
      expect(JSON.parse(runtime.upstream.requests[0]!.body)).toEqual({ input: { prompt: 'from the deployed zip', max_turns: 2 } });
    } finally {
      process.env = saved;
      await gateway.stop();
      await runtime.stop();
      bridge.cleanup();
    }
  });

  it('uploads nothing and changes nothing when run again', async () => {
    const before = await stackOf('api-agent');
    const versions = await bridgeVersions(before.outputs.OutputBucketName!);
    const result = await deploy('--with-api');
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(JSON.parse(String(result.stdout)).state_written).toBe(false);
    const after = await stackOf('api-agent');
    expect(after.stack.LastUpdatedTime).toEqual(before.stack.LastUpdatedTime);
    expect(await bridgeVersions(before.outputs.OutputBucketName!)).toEqual(versions);
  });

  it('moves a stack that still runs the inline bridge (ApiBridgeCode) to the zip in S3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-api-old-'));
    try {
      const plain = await deployIn(dir, 'old-agent');
      expect(plain.exitCode, String(plain.stderr)).toBe(0);
      const arn = readDeployment(dir).runtime.arn;
      // The state an older CLI left: the HTTP API on, the bridge inline, no key (the template's fallback).
      const cfn = new CloudFormationClient(aws);
      const { TemplateBody } = await cfn.send(new GetTemplateCommand({ StackName: 'old-agent' }));
      const { parameters: current } = await stackOf('old-agent');
      const inline = 'exports.handler = async () => ({ statusCode: 200, body: "old inline bridge" });';
      const legacy = { ...current, EnableApi: 'true', AgentRuntimeArn: arn, ApiBridgeCode: inline };
      await cfn.send(new UpdateStackCommand({ StackName: 'old-agent', TemplateBody, Parameters: Object.entries(legacy).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })), Capabilities: ['CAPABILITY_IAM'] }));
      await waitUntilStackUpdateComplete({ client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { StackName: 'old-agent' });
      const functionOf = async () =>
        (await cfn.send(new DescribeStackResourcesCommand({ StackName: 'old-agent' }))).StackResources!.find((r) => r.LogicalResourceId === 'ApiBridgeFunction')!.PhysicalResourceId!;
      const before = await lambdaFunction(await functionOf());

      const result = await deployIn(dir, 'old-agent', '--with-api');
      expect(result.exitCode, String(result.stderr)).toBe(0);
      const { parameters } = await stackOf('old-agent');
      expect(parameters.ApiBridgeCode).toBe('');
      expect(parameters.ApiBridgeCodeKey).toMatch(/^lambda\/api-bridge-c-[0-9a-f]{20}\.zip$/);
      expect(parameters.ApiBridgeCodeVersion).toBe(''); // this bucket was left unversioned: S3ObjectVersion is left out
      const zip = await deployedZip('old-agent');
      const after = await lambdaFunction(await functionOf());
      expect(after.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));
      expect(after.CodeSha256).not.toBe(before.CodeSha256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
