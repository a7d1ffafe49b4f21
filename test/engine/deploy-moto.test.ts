/**
 * The engine in-process against a real moto_server: a stack UPDATE through a change set (the
 * binary's e2e test only ever creates the stack, since the shipped template does not change).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/engine/deploy.js';
import { loadDeployments } from '../../src/io/state-file.js';
import { FAKE_DOCKER_DIR, TEMPLATE_PATH, makeTestDeploy, type TestDeploy } from '../support/deploy-context.js';
import { startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let t: TestDeploy;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  t = await makeTestDeploy();
  Object.assign(process.env, moto.env, { PATH: `${FAKE_DOCKER_DIR}:${process.env.PATH}`, FAKE_DOCKER_LOG: join(t.dir, 'docker.log') });
});

afterAll(async () => {
  process.env = saved;
  await moto?.stop();
  await t?.cleanup();
});

async function run(templatePath: string) {
  const calls: string[] = [];
  const result = await deploy(t.context({}, (await loadDeployments({ root: t.dir, path: t.statePath }))[0], (s, c) => calls.push(`${s}:${c}`)), t.options({ templatePath, poll: { pollMs: 50 } }));
  return { result, calls };
}

describe('stack update through a change set (moto)', () => {
  it('creates, then updates only what the template changes, keeping the outputs', async () => {
    const first = await run(TEMPLATE_PATH);
    expect(first.result.plan.stack.action).toBe('create');

    const changed = join(t.dir, 'infrastructure.yaml');
    const text = await readFile(TEMPLATE_PATH, 'utf8');
    // (moto cannot update an S3 bucket without an explicit BucketName; the role it can.)
    const description = 'Description: Assumed by Amazon Bedrock AgentCore Runtime';
    expect(text).toContain(description);
    await writeFile(changed, text.replace(description, 'Description: Changed. Assumed by Amazon Bedrock AgentCore Runtime'));

    const second = await run(changed);
    expect(second.result.plan.stack).toMatchObject({ action: 'update', changes: [{ action: 'Modify', logicalId: 'AgentCoreExecutionRole', type: 'AWS::IAM::Role' }] });
    expect(second.result.plan).toMatchObject({ image: { action: 'reuse' }, runtime: { action: 'none' } });
    expect(second.calls).toEqual(expect.arrayContaining(['cloudformation:CreateChangeSetCommand', 'cloudformation:ExecuteChangeSetCommand']));
    const cf = new CloudFormationClient({ region: 'us-east-1' });
    const stack = (await cf.send(new DescribeStacksCommand({ StackName: 'my-agent' }))).Stacks![0]!;
    expect(stack.StackStatus).toBe('UPDATE_COMPLETE');
    expect(second.result.state).toMatchObject({ bucket: first.result.state!.bucket, roleArn: first.result.state!.roleArn, repositoryUri: first.result.state!.repositoryUri });

    const third = await run(changed);
    expect(third.result.plan.changes).toBe(false);
    expect(third.calls).not.toContain('cloudformation:CreateChangeSetCommand');
  });
});
