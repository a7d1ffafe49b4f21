/**
 * The engine in-process against a real moto_server: a stack UPDATE through a change set (the
 * binary's e2e test only ever creates the stack, since the shipped template does not change), an
 * up-to-date redeploy, the no-change change set (FAILED "didn't contain changes", as real
 * CloudFormation answers and moto 5.2.1 too), and the runtime's lifecycle on update. What moto
 * cannot do stays in deploy-mock.test.ts, each with the reason.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BedrockAgentCoreControlClient, GetAgentRuntimeCommand, ListAgentRuntimesCommand, type UpdateAgentRuntimeCommandInput } from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudFormationClient, DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import type { DeployOptions } from '../../src/engine/deploy.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  const result = await deploy(t.context({}, (await loadDeployments({ root: t.dir, path: t.statePath }))[0], (s, c) => calls.push(`${s}:${c}`)), t.options({ templatePath, delays: { minDelay: 0.05, maxDelay: 0.05 } }));
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

describe('on a fresh moto (reset before each)', () => {
  let d: TestDeploy;
  beforeEach(async () => {
    await moto.reset();
    d = await makeTestDeploy();
    process.env.FAKE_DOCKER_LOG = join(d.dir, 'docker.log');
  });
  afterEach(async () => {
    await d?.cleanup();
  });

  /** Deploy `settings` with the recorded state; returns the AWS calls and every UpdateAgentRuntime input sent. */
  async function deployWith(settings: Record<string, unknown> = {}, options: Partial<DeployOptions> = {}) {
    const calls: string[] = [];
    const updates: UpdateAgentRuntimeCommandInput[] = [];
    const state = (await loadDeployments({ root: d.dir, path: d.statePath }))[0];
    const ctx = d.context(settings, state, (service, command) => calls.push(`${service}:${command}`));
    ctx.aws().agentCoreControl().middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateAgentRuntimeCommand') updates.push(structuredClone(args.input as UpdateAgentRuntimeCommandInput));
        return next(args);
      },
      { step: 'initialize', name: 'recordUpdates' },
    );
    const result = await deploy(ctx, d.options({ delays: { minDelay: 0.05, maxDelay: 0.05 }, ...options }));
    return { result, calls, updates };
  }

  async function runtimeLifecycle() {
    const control = new BedrockAgentCoreControlClient({ region: 'us-east-1' });
    const id = (await control.send(new ListAgentRuntimesCommand({}))).agentRuntimes!.find((r) => r.agentRuntimeName === 'my_agent')!.agentRuntimeId!;
    return (await control.send(new GetAgentRuntimeCommand({ agentRuntimeId: id }))).lifecycleConfiguration;
  }

  it('an up-to-date redeploy makes no change and at most 6 read-only AWS calls', async () => {
    expect((await deployWith()).result.plan.stack.action).toBe('create');
    const builds = (await readFile(join(d.dir, 'docker.log'), 'utf8')).split('\n').filter((l) => l.includes('"build"')).length;
    const again = await deployWith();
    expect(again.result.plan.changes).toBe(false);
    expect(again.calls.length).toBeLessThanOrEqual(6);
    expect(again.calls.filter((c) => /:(Create|Update|Execute|Delete|Put)/.test(c))).toEqual([]);
    expect((await readFile(join(d.dir, 'docker.log'), 'utf8')).split('\n').filter((l) => l.includes('"build"')).length).toBe(builds);
  });

  it('a template that reads differently but changes nothing: the change set comes back FAILED "didn\'t contain changes" → success, deleted, never executed', async () => {
    await deployWith();
    const reformatted = join(d.dir, 'reformatted.yaml');
    await writeFile(reformatted, `${await readFile(TEMPLATE_PATH, 'utf8')}\n# reformatted\n`);
    const { result, calls } = await deployWith({}, { templatePath: reformatted });
    expect(result.plan.stack).toMatchObject({ action: 'none', reason: 'the change set contains no changes', changes: [] });
    expect(result.plan.changes).toBe(false);
    expect(calls).toEqual(expect.arrayContaining(['cloudformation:CreateChangeSetCommand', 'cloudformation:DeleteChangeSetCommand']));
    expect(calls).not.toContain('cloudformation:ExecuteChangeSetCommand');
    const cf = new CloudFormationClient({ region: 'us-east-1' });
    expect((await cf.send(new ListChangeSetsCommand({ StackName: 'my-agent' }))).Summaries ?? []).toEqual([]);
  });

  // moto keeps an updated runtime UPDATING for ever: the updates below use --no-wait (wait: false).
  it('--idle-timeout/--max-lifetime on an update reach lifecycleConfiguration, the runtime and the state file', async () => {
    await deployWith();
    const { result, updates } = await deployWith({ idleTimeout: '30m', maxLifetime: '4h' }, { wait: false });
    expect(result.plan.runtime).toMatchObject({ action: 'update', reasons: ['lifecycle'] });
    expect(updates.map((u) => u.lifecycleConfiguration)).toEqual([{ idleRuntimeSessionTimeout: 1800, maxLifetime: 14400 }]);
    expect(await runtimeLifecycle()).toEqual({ idleRuntimeSessionTimeout: 1800, maxLifetime: 14400 });
    expect(JSON.parse(await readFile(d.statePath, 'utf8')).deployments[0].lifecycle).toEqual({ idleRuntimeSessionTimeout: 1800, maxLifetime: 14400 });
  });

  it('an update without lifecycle flags sends the runtime\'s lifecycle again (an update replaces the whole configuration)', async () => {
    await deployWith({ idleTimeout: '30m', maxLifetime: '4h' });
    // moto would keep an omitted lifecycle by itself; AgentCore resets it: the request is what counts.
    const { result, updates } = await deployWith({ model: 'global.anthropic.claude-haiku-4-5-20251001-v1:0' }, { wait: false });
    expect(result.plan.runtime.action).toBe('update');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.lifecycleConfiguration).toEqual({ idleRuntimeSessionTimeout: 1800, maxLifetime: 14400 });
    expect(updates[0]!.environmentVariables).toMatchObject({ ANTHROPIC_MODEL: 'global.anthropic.claude-haiku-4-5-20251001-v1:0' });
    expect(result.state?.lifecycle).toEqual({ idleRuntimeSessionTimeout: 1800, maxLifetime: 14400 });
  });
});
