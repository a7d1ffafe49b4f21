/**
 * `agentcore-claude api-key`, the built binary against moto_server: an API key seeded in moto's
 * API Gateway and a stack whose outputs name it (moto's CloudFormation cannot create
 * AWS::ApiGateway::ApiKey, so the stack carries the seeded id as an output).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIGatewayClient, CreateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startMoto, type Moto } from '../support/moto.js';

const KEY_VALUE = 'Zx9Qk2Lm7Np4Rs6Tv8Wy0Ab1Cd3Ef5Gh7Ij9Kl0';
const ENDPOINT = 'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/invoke';
let moto: Moto;
let keyId: string;
let cwd: string;

const outputsTemplate = (withApi: boolean) =>
  JSON.stringify({
    Parameters: { KeyId: { Type: 'String' } },
    Resources: { Placeholder: { Type: 'AWS::SQS::Queue' } },
    Outputs: withApi ? { ApiKeyId: { Value: { Ref: 'KeyId' } }, ApiEndpoint: { Value: ENDPOINT } } : { Other: { Value: 'x' } },
  });

beforeAll(async () => {
  moto = await startMoto();
  const aws = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const key = await new APIGatewayClient(aws).send(new CreateApiKeyCommand({ name: 'my-agent-key', value: KEY_VALUE, enabled: true }));
  keyId = key.id!;
  const cfn = new CloudFormationClient(aws);
  await cfn.send(new CreateStackCommand({ StackName: 'my-agent', TemplateBody: outputsTemplate(true), Parameters: [{ ParameterKey: 'KeyId', ParameterValue: keyId }] }));
  await cfn.send(new CreateStackCommand({ StackName: 'no-api', TemplateBody: outputsTemplate(false), Parameters: [{ ParameterKey: 'KeyId', ParameterValue: 'unused' }] }));
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  cwd = mkdtempSync(join(tmpdir(), 'api-key-'));
});
afterAll(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

const run = (...args: string[]) => runCli(['api-key', ...args], { cwd, env: { ...moto.env } });

describe('agentcore-claude api-key (built binary vs moto)', () => {
  it('saves the key with mode 0600, git-ignores it once, and prints endpoint, masked key and curl', async () => {
    writeFileSync(join(cwd, '.gitignore'), 'node_modules/'); // no trailing newline
    const first = await run('--stack-name', 'my-agent');
    expect(first.exitCode, String(first.stderr)).toBe(0);
    expect(readFileSync(join(cwd, '.api_key'), 'utf8')).toBe(KEY_VALUE);
    expect(statSync(join(cwd, '.api_key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(cwd, '.gitignore'), 'utf8')).toBe('node_modules/\n.api_key\n');
    const stdout = String(first.stdout);
    expect(stdout).toContain(ENDPOINT);
    expect(stdout).toContain(keyId);
    expect(stdout).toContain(`${KEY_VALUE.slice(0, 4)}****`);
    expect(stdout).not.toContain(KEY_VALUE);
    expect(stdout).toContain(`curl -X POST '${ENDPOINT}'`);
    expect(stdout).toContain('x-api-key: $(cat .api_key)');

    const again = await run('--stack-name', 'my-agent', '--json');
    expect(again.exitCode).toBe(0);
    const json = JSON.parse(String(again.stdout));
    expect(json).toMatchObject({ endpoint: ENDPOINT, key_id: keyId, masked: true, gitignore_updated: false, stack_name: 'my-agent', region: 'us-east-1' });
    expect(String(again.stdout)).not.toContain(KEY_VALUE);
    expect(readFileSync(join(cwd, '.gitignore'), 'utf8').match(/\.api_key/g)).toHaveLength(1);
  });

  it('creates .gitignore when there is none, and prints the key with --show', async () => {
    const result = await run('--stack-name', 'my-agent', '--show', '--json');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(String(result.stdout))).toMatchObject({ api_key: KEY_VALUE, masked: false, gitignore_updated: true });
    expect(readFileSync(join(cwd, '.gitignore'), 'utf8')).toBe('.api_key\n');
  });

  it('reads the stack name and region from an old deployment.json (migrated)', async () => {
    const now = new Date().toISOString();
    writeFileSync(
      join(cwd, 'deployment.json'),
      JSON.stringify({
        version: 1, name: 'my-agent', region: 'us-east-1', account: '123456789012', stackName: 'my-agent', bucket: 'b', repositoryUri: 'r',
        roleArn: 'arn:aws:iam::123456789012:role/x', imageTag: 't', imageUri: 'r:t', model: 'm',
        runtime: { name: 'my_agent', id: 'my_agent-abc', arn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-abc', version: '1' },
        createdAt: now, updatedAt: now,
      }),
    );
    const result = await runCli(['api-key', '--json'], { cwd, env: { ...moto.env, AWS_REGION: undefined } });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(JSON.parse(String(result.stdout)).key_id).toBe(keyId);
  });

  it('says to deploy --with-api when the stack has no HTTP API, and writes nothing', async () => {
    const result = await run('--stack-name', 'no-api');
    expect(result.exitCode).toBe(3);
    expect(String(result.stderr)).toMatch(/no HTTP API/);
    expect(String(result.stderr)).toContain('deploy --with-api');
    expect(() => statSync(join(cwd, '.api_key'))).toThrow();
  });

  it('without deployment.json or a named stack: a usage error saying to deploy (exit 2)', async () => {
    const result = await run();
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toContain('No deployment found');
  });

  it('says the stack does not exist', async () => {
    const result = await run('--stack-name', 'missing-stack');
    expect(result.exitCode).toBe(3);
    expect(String(result.stderr)).toMatch(/missing-stack does not exist/);
  });
});
