import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/core/errors.js';
import {
  planDeploy,
  planRuntimeAction,
  planStackAction,
  runtimeDifferences,
  type CurrentRuntime,
  type CurrentStack,
  type DesiredStack,
  type PlanInput,
  type RuntimeConfig,
} from '../../src/core/plan.js';

const desired: DesiredStack = { name: 'st', templateBody: 'T1', parameters: { AgentName: 'a', RepositoryName: 'st' } };
const stack = (status: string, overrides: Partial<CurrentStack> = {}): CurrentStack => ({
  status,
  templateBody: 'T1',
  parameters: { AgentName: 'a', RepositoryName: 'st', EnableApi: 'false' },
  outputs: { EcrRepositoryUri: 'acct.dkr.ecr/r' },
  ...overrides,
});

describe('planStackAction', () => {
  it.each<[string, CurrentStack | undefined, string]>([
    ['missing', undefined, 'create'],
    ['REVIEW_IN_PROGRESS (change set never executed)', stack('REVIEW_IN_PROGRESS'), 'create'],
    ['ROLLBACK_COMPLETE', stack('ROLLBACK_COMPLETE'), 'recreate'],
    ['CREATE_COMPLETE, same template and parameters', stack('CREATE_COMPLETE'), 'none'],
    ['UPDATE_COMPLETE, same', stack('UPDATE_COMPLETE'), 'none'],
    ['UPDATE_ROLLBACK_COMPLETE, same', stack('UPDATE_ROLLBACK_COMPLETE'), 'none'],
    ['CREATE_COMPLETE, template changed', stack('CREATE_COMPLETE', { templateBody: 'T0' }), 'update'],
    ['UPDATE_COMPLETE, parameter changed', stack('UPDATE_COMPLETE', { parameters: { AgentName: 'b', RepositoryName: 'st' } }), 'update'],
    ['IMPORT_COMPLETE, template unknown', stack('IMPORT_COMPLETE', { templateBody: undefined }), 'update'],
  ])('%s → %s', (_label, current, action) => {
    expect(planStackAction(current, desired).action).toBe(action);
  });

  it('keeps parameters of the stack that are not set (e.g. EnableApi of --with-api)', () => {
    expect(planStackAction(stack('CREATE_COMPLETE'), desired).parameters).toEqual({ AgentName: 'a', RepositoryName: 'st', EnableApi: 'false' });
    const withApi = { ...desired, parameters: { ...desired.parameters, EnableApi: 'true' } };
    expect(planStackAction(stack('CREATE_COMPLETE'), withApi)).toMatchObject({ action: 'update', parameters: { EnableApi: 'true' } });
  });

  it.each([
    ['CREATE_IN_PROGRESS', 'STACK_BUSY', /Wait until it finishes/],
    ['UPDATE_IN_PROGRESS', 'STACK_BUSY', /Wait until it finishes/],
    ['UPDATE_ROLLBACK_IN_PROGRESS', 'STACK_BUSY', /Wait/],
    ['DELETE_IN_PROGRESS', 'STACK_BUSY', /Wait/],
    ['UPDATE_ROLLBACK_FAILED', 'STACK_ROLLBACK_FAILED', /continue-update-rollback/],
    ['ROLLBACK_FAILED', 'STACK_FAILED_STATE', /delete-stack/],
    ['DELETE_FAILED', 'STACK_FAILED_STATE', /delete-stack/],
    ['CREATE_FAILED', 'STACK_FAILED_STATE', /delete-stack/],
  ])('%s → error %s with the next step', (status, code, hint) => {
    let error: unknown;
    try {
      planStackAction(stack(status, { statusReason: 'because' }), desired);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code, exitCode: 3 });
    expect((error as CliError).hint).toMatch(hint);
  });
});

const config: RuntimeConfig = {
  containerUri: 'r:c-1',
  roleArn: 'role',
  networkMode: 'PUBLIC',
  environment: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', ANTHROPIC_MODEL: 'm', OUTPUT_BUCKET_NAME: 'b' },
};
const runtime = (status: string, overrides: Partial<RuntimeConfig> = {}, extra: Partial<CurrentRuntime> = {}): CurrentRuntime => ({
  id: 'rt-1',
  arn: 'arn:rt',
  name: 'a',
  version: '3',
  status,
  config: { ...config, lifecycle: { idleRuntimeSessionTimeout: 900, maxLifetime: 28800 }, ...overrides },
  ...extra,
});

describe('runtimeDifferences', () => {
  it.each<[string, Partial<RuntimeConfig>, RuntimeConfig, string[]]>([
    ['identical', config, config, []],
    ['new image tag', { ...config, containerUri: 'r:c-0' }, config, ['image']],
    ['other role', { ...config, roleArn: 'old' }, config, ['role']],
    ['network missing', { ...config, networkMode: undefined }, config, ['network']],
    ['extra env var', { ...config, environment: { ...config.environment, X: '1' } }, config, ['environment']],
    ['model changed', { ...config, environment: { ...config.environment, ANTHROPIC_MODEL: 'other' } }, config, ['environment']],
    ['lifecycle unset in desired: AgentCore defaults not compared', { ...config, lifecycle: { idleRuntimeSessionTimeout: 900, maxLifetime: 28800 } }, config, []],
    ['lifecycle asked and equal', { ...config, lifecycle: { idleRuntimeSessionTimeout: 600, maxLifetime: 28800 } }, { ...config, lifecycle: { idleRuntimeSessionTimeout: 600 } }, []],
    ['lifecycle asked and different', { ...config, lifecycle: { idleRuntimeSessionTimeout: 900 } }, { ...config, lifecycle: { idleRuntimeSessionTimeout: 600 } }, ['lifecycle']],
    ['everything', {}, { ...config, lifecycle: { maxLifetime: 60 } }, ['image', 'role', 'network', 'environment', 'lifecycle']],
  ])('%s → %j', (_label, current, wanted, reasons) => {
    expect(runtimeDifferences(current, wanted)).toEqual(reasons);
  });
});

describe('planRuntimeAction', () => {
  it.each<[string, CurrentRuntime | undefined, RuntimeConfig | undefined, string]>([
    ['missing', undefined, config, 'create'],
    ['missing, config unknown', undefined, undefined, 'create'],
    ['READY and same', runtime('READY'), config, 'none'],
    ['UPDATING with the same config (another deploy)', runtime('UPDATING'), config, 'none'],
    ['READY, new image', runtime('READY', { containerUri: 'r:old' }), config, 'update'],
    ['UPDATE_FAILED, same config', runtime('UPDATE_FAILED', {}, { failureReason: 'image pull failed' }), config, 'update'],
    ['CREATE_FAILED', runtime('CREATE_FAILED'), config, 'update'],
    ['exists, config unknown (stack to be created)', runtime('READY'), undefined, 'update'],
  ])('%s → %s', (_label, current, wanted, action) => {
    expect(planRuntimeAction(current, wanted).action).toBe(action);
  });
  it('names the failure of the last version as the reason', () => {
    expect(planRuntimeAction(runtime('UPDATE_FAILED', {}, { failureReason: 'image pull failed' }), config).reasons[0]).toMatch(/UPDATE_FAILED: image pull failed/);
  });
  it('refuses a runtime being deleted', () => {
    expect(() => planRuntimeAction(runtime('DELETING'), config)).toThrow(/being deleted/);
  });
});

describe('planDeploy: every combination of stack × image × runtime', () => {
  const stacks: Array<[string, CurrentStack | undefined, PlanInput['stack']['changes']]> = [
    ['no stack', undefined, undefined],
    ['stack unchanged', stack('UPDATE_COMPLETE'), undefined],
    ['stack template changed', stack('UPDATE_COMPLETE', { templateBody: 'T0' }), [{ action: 'Modify', logicalId: 'AgentCoreExecutionRole', type: 'AWS::IAM::Role', replacement: 'False' }]],
    ['template changed, change set empty', stack('UPDATE_COMPLETE', { templateBody: 'T0' }), []],
    ['stack ROLLBACK_COMPLETE', stack('ROLLBACK_COMPLETE'), undefined],
  ];
  const repositories: Array<[string, PlanInput['repository']]> = [
    ['no repository', undefined],
    ['tag present', { uri: 'acct.dkr.ecr/r', hasTag: true }],
    ['tag missing', { uri: 'acct.dkr.ecr/r', hasTag: false }],
  ];
  const runtimes: Array<[string, CurrentRuntime | undefined]> = [
    ['no runtime', undefined],
    ['runtime same', runtime('READY')],
    ['runtime differs', runtime('READY', { containerUri: 'r:old' })],
    ['runtime failed', runtime('UPDATE_FAILED')],
  ];
  const stackCase = new Map(stacks.map(([label, current, changes]) => [label, { current, changes }]));
  const repositoryCase = new Map(repositories);
  const runtimeCase = new Map(runtimes);

  // The expected plan of every combination, written out (never derived from the planner's rules).
  // "image uri" `-`: none known (no repository yet, or the stack and its repository are recreated).
  const EXPECTED = `
    | stack                              | repository    | runtime         | → stack  | image | image uri          | runtime | changes |
    | no stack                           | no repository | no runtime      | create   | build | -                  | create  | yes     |
    | no stack                           | no repository | runtime same    | create   | build | -                  | update  | yes     |
    | no stack                           | no repository | runtime differs | create   | build | -                  | update  | yes     |
    | no stack                           | no repository | runtime failed  | create   | build | -                  | update  | yes     |
    | no stack                           | tag present   | no runtime      | create   | build | -                  | create  | yes     |
    | no stack                           | tag present   | runtime same    | create   | build | -                  | update  | yes     |
    | no stack                           | tag present   | runtime differs | create   | build | -                  | update  | yes     |
    | no stack                           | tag present   | runtime failed  | create   | build | -                  | update  | yes     |
    | no stack                           | tag missing   | no runtime      | create   | build | -                  | create  | yes     |
    | no stack                           | tag missing   | runtime same    | create   | build | -                  | update  | yes     |
    | no stack                           | tag missing   | runtime differs | create   | build | -                  | update  | yes     |
    | no stack                           | tag missing   | runtime failed  | create   | build | -                  | update  | yes     |
    | stack unchanged                    | no repository | no runtime      | none     | build | -                  | create  | yes     |
    | stack unchanged                    | no repository | runtime same    | none     | build | -                  | none    | yes     |
    | stack unchanged                    | no repository | runtime differs | none     | build | -                  | update  | yes     |
    | stack unchanged                    | no repository | runtime failed  | none     | build | -                  | update  | yes     |
    | stack unchanged                    | tag present   | no runtime      | none     | reuse | acct.dkr.ecr/r:c-1 | create  | yes     |
    | stack unchanged                    | tag present   | runtime same    | none     | reuse | acct.dkr.ecr/r:c-1 | none    | no      |
    | stack unchanged                    | tag present   | runtime differs | none     | reuse | acct.dkr.ecr/r:c-1 | update  | yes     |
    | stack unchanged                    | tag present   | runtime failed  | none     | reuse | acct.dkr.ecr/r:c-1 | update  | yes     |
    | stack unchanged                    | tag missing   | no runtime      | none     | build | acct.dkr.ecr/r:c-1 | create  | yes     |
    | stack unchanged                    | tag missing   | runtime same    | none     | build | acct.dkr.ecr/r:c-1 | none    | yes     |
    | stack unchanged                    | tag missing   | runtime differs | none     | build | acct.dkr.ecr/r:c-1 | update  | yes     |
    | stack unchanged                    | tag missing   | runtime failed  | none     | build | acct.dkr.ecr/r:c-1 | update  | yes     |
    | stack template changed             | no repository | no runtime      | update   | build | -                  | create  | yes     |
    | stack template changed             | no repository | runtime same    | update   | build | -                  | none    | yes     |
    | stack template changed             | no repository | runtime differs | update   | build | -                  | update  | yes     |
    | stack template changed             | no repository | runtime failed  | update   | build | -                  | update  | yes     |
    | stack template changed             | tag present   | no runtime      | update   | reuse | acct.dkr.ecr/r:c-1 | create  | yes     |
    | stack template changed             | tag present   | runtime same    | update   | reuse | acct.dkr.ecr/r:c-1 | none    | yes     |
    | stack template changed             | tag present   | runtime differs | update   | reuse | acct.dkr.ecr/r:c-1 | update  | yes     |
    | stack template changed             | tag present   | runtime failed  | update   | reuse | acct.dkr.ecr/r:c-1 | update  | yes     |
    | stack template changed             | tag missing   | no runtime      | update   | build | acct.dkr.ecr/r:c-1 | create  | yes     |
    | stack template changed             | tag missing   | runtime same    | update   | build | acct.dkr.ecr/r:c-1 | none    | yes     |
    | stack template changed             | tag missing   | runtime differs | update   | build | acct.dkr.ecr/r:c-1 | update  | yes     |
    | stack template changed             | tag missing   | runtime failed  | update   | build | acct.dkr.ecr/r:c-1 | update  | yes     |
    | template changed, change set empty | no repository | no runtime      | none     | build | -                  | create  | yes     |
    | template changed, change set empty | no repository | runtime same    | none     | build | -                  | none    | yes     |
    | template changed, change set empty | no repository | runtime differs | none     | build | -                  | update  | yes     |
    | template changed, change set empty | no repository | runtime failed  | none     | build | -                  | update  | yes     |
    | template changed, change set empty | tag present   | no runtime      | none     | reuse | acct.dkr.ecr/r:c-1 | create  | yes     |
    | template changed, change set empty | tag present   | runtime same    | none     | reuse | acct.dkr.ecr/r:c-1 | none    | no      |
    | template changed, change set empty | tag present   | runtime differs | none     | reuse | acct.dkr.ecr/r:c-1 | update  | yes     |
    | template changed, change set empty | tag present   | runtime failed  | none     | reuse | acct.dkr.ecr/r:c-1 | update  | yes     |
    | template changed, change set empty | tag missing   | no runtime      | none     | build | acct.dkr.ecr/r:c-1 | create  | yes     |
    | template changed, change set empty | tag missing   | runtime same    | none     | build | acct.dkr.ecr/r:c-1 | none    | yes     |
    | template changed, change set empty | tag missing   | runtime differs | none     | build | acct.dkr.ecr/r:c-1 | update  | yes     |
    | template changed, change set empty | tag missing   | runtime failed  | none     | build | acct.dkr.ecr/r:c-1 | update  | yes     |
    | stack ROLLBACK_COMPLETE            | no repository | no runtime      | recreate | build | -                  | create  | yes     |
    | stack ROLLBACK_COMPLETE            | no repository | runtime same    | recreate | build | -                  | update  | yes     |
    | stack ROLLBACK_COMPLETE            | no repository | runtime differs | recreate | build | -                  | update  | yes     |
    | stack ROLLBACK_COMPLETE            | no repository | runtime failed  | recreate | build | -                  | update  | yes     |
    | stack ROLLBACK_COMPLETE            | tag present   | no runtime      | recreate | build | -                  | create  | yes     |
    | stack ROLLBACK_COMPLETE            | tag present   | runtime same    | recreate | build | -                  | update  | yes     |
    | stack ROLLBACK_COMPLETE            | tag present   | runtime differs | recreate | build | -                  | update  | yes     |
    | stack ROLLBACK_COMPLETE            | tag present   | runtime failed  | recreate | build | -                  | update  | yes     |
    | stack ROLLBACK_COMPLETE            | tag missing   | no runtime      | recreate | build | -                  | create  | yes     |
    | stack ROLLBACK_COMPLETE            | tag missing   | runtime same    | recreate | build | -                  | update  | yes     |
    | stack ROLLBACK_COMPLETE            | tag missing   | runtime differs | recreate | build | -                  | update  | yes     |
    | stack ROLLBACK_COMPLETE            | tag missing   | runtime failed  | recreate | build | -                  | update  | yes     |
`;
  const rows = EXPECTED.trim().split('\n').slice(1).map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));

  it('the table covers every combination once', () => {
    expect(rows).toHaveLength(stacks.length * repositories.length * runtimes.length);
    expect(new Set(rows.map((r) => r.slice(0, 3).join('/'))).size).toBe(rows.length);
  });

  it.each(rows)('%s / %s / %s → stack %s, image %s (%s), runtime %s, changes %s', (stackLabel, repositoryLabel, runtimeLabel, stackAction, imageAction, imageUri, runtimeAction, changes) => {
    const { current, changes: changeSet } = stackCase.get(stackLabel!)!;
    const input: PlanInput = {
      region: 'us-east-1',
      account: '123456789012',
      agentName: 'my-agent',
      runtimeName: 'my_agent',
      model: 'm',
      imageTag: 'c-1',
      stack: { current, desired, changes: changeSet, resources: [{ logicalId: 'OutputBucket', type: 'AWS::S3::Bucket' }] },
      repository: current ? repositoryCase.get(repositoryLabel!) : undefined,
      runtime: { current: runtimeCase.get(runtimeLabel!), desired: current ? config : undefined },
    };
    const plan = planDeploy(input);

    expect(plan.stack.action).toBe(stackAction);
    const expectedStackChanges = { create: [{ action: 'Add', logicalId: 'OutputBucket', type: 'AWS::S3::Bucket' }], recreate: [{ action: 'Add', logicalId: 'OutputBucket', type: 'AWS::S3::Bucket' }], update: changeSet, none: [] }[stackAction!];
    expect(plan.stack.changes).toEqual(expectedStackChanges);
    expect(plan.image).toMatchObject({ action: imageAction, tag: 'c-1' });
    expect(plan.image?.uri).toBe(imageUri === '-' ? undefined : imageUri);
    expect(plan.artifact).toMatchObject({ type: 'container', action: imageAction, tag: 'c-1' });
    expect(plan.runtime.action).toBe(runtimeAction);
    expect(plan.runtime).toMatchObject({ name: 'my_agent', renamedFrom: 'my-agent', id: runtimeCase.get(runtimeLabel!)?.id });
    expect(plan.changes).toBe(changes === 'yes');
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('a no-op redeploy plans no change at all', () => {
    const plan = planDeploy({
      region: 'us-east-1',
      account: '1',
      agentName: 'a',
      runtimeName: 'a',
      model: 'm',
      imageTag: 'c-1',
      stack: { current: stack('UPDATE_COMPLETE'), desired, resources: [] },
      repository: { uri: 'r', hasTag: true },
      runtime: { current: runtime('READY'), desired: config },
    });
    expect(plan).toMatchObject({ changes: false, stack: { action: 'none' }, image: { action: 'reuse' }, runtime: { action: 'none', reasons: [] } });
    expect(plan.runtime.renamedFrom).toBeUndefined();
  });

  it('a stack update that replaces the role, bucket or repository plans a runtime update (apply never decides again)', () => {
    const input = (change: { action: string; logicalId: string; type: string; replacement?: string }): PlanInput => ({
      region: 'us-east-1',
      account: '1',
      agentName: 'a',
      runtimeName: 'a',
      model: 'm',
      imageTag: 'c-1',
      stack: { current: stack('UPDATE_COMPLETE', { templateBody: 'T0' }), desired, changes: [change], resources: [] },
      repository: { uri: 'r', hasTag: true },
      runtime: { current: runtime('READY'), desired: config },
    });
    const role = { action: 'Modify', logicalId: 'AgentCoreExecutionRole', type: 'AWS::IAM::Role' };
    expect(planDeploy(input({ ...role, replacement: 'True' })).runtime).toMatchObject({
      action: 'update',
      reasons: ['the stack update replaces AgentCoreExecutionRole, which the configuration uses'],
    });
    expect(planDeploy(input({ ...role, replacement: 'Conditional' })).runtime.action).toBe('update');
    expect(planDeploy(input({ action: 'Remove', logicalId: 'OutputBucket', type: 'AWS::S3::Bucket' })).runtime.action).toBe('update');
    // In place, or another role (the HTTP API's bridge): the outputs the runtime uses stay.
    expect(planDeploy(input({ ...role, replacement: 'False' })).runtime).toMatchObject({ action: 'none', reasons: [] });
    expect(planDeploy(input({ action: 'Modify', logicalId: 'ApiBridgeRole', type: 'AWS::IAM::Role', replacement: 'True' })).runtime.action).toBe('none');
  });
});
