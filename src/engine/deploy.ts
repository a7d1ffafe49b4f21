/**
 * `deploy`: resolve → preflight → plan → (print | stop for --dry-run) → apply → state file.
 *
 * Apply is a list of steps (stack, image, runtime, then any extra steps a caller adds, e.g. the
 * HTTP API of `--with-api`), each reporting what it leaves running in AWS so Ctrl-C can say so.
 * Running deploy again is always safe: every step compares what exists with what is wanted.
 */
import type { AwsClients } from '../aws/clients.js';
import { createStack, deleteChangeSet, deleteStack, describeStack, executeChangeSet, type StackProgress } from '../aws/cloudformation.js';
import { registryLogin } from '../aws/ecr.js';
import { uploadFile } from '../aws/s3-code.js';
import { checkCodePackageSize, codePackageKey } from '../core/code-artifact.js';
import { createRuntime, updateRuntime, waitForRuntimeVersion } from '../aws/runtime.js';
import { callerIdentity } from '../aws/sts.js';
import type { WaitDelays, WaitOptions } from '../aws/wait.js';
import type { ResolvedConfig } from '../core/config.js';
import type { LifecycleSettings } from '../core/duration.js';
import { CliError, ExitCode } from '../core/errors.js';
import { planDeploy, type CurrentRuntime, type CurrentStack, type DeployPlan } from '../core/plan.js';
import type { DeploymentState } from '../core/state.js';
import type { IoHost } from '../io/host.js';
import { askConfirm } from '../io/prompt.js';
import { writeState } from '../io/state-file.js';
import { deploymentState, type ApplyState, type ApplyStep, type StepOptions } from './deploy-state.js';
import { buildAndPush, checkDocker, dockerLogin } from './docker.js';
import { formatPlan } from './deploy-format.js';
import { codeBuildStep } from './codebuild.js';
import { gatherDeploy, resolveTarget, runtimeConfig, type DeployTarget } from './deploy-gather.js';

export type { ApplyState, ApplyStep, StepOptions };

export interface DeployContext {
  io: IoHost;
  config: ResolvedConfig;
  /** The resolved region (callers use `requireRegion`). */
  region: string;
  aws(): AwsClients;
  statePath: string;
  state: DeploymentState | undefined;
}

export interface DeployOptions {
  /** Answer yes to confirmations (deleting a ROLLBACK_COMPLETE stack). */
  yes?: boolean;
  /** Stop after printing the plan; change nothing. */
  dryRun?: boolean;
  /** Wait for the runtime version to be READY (default true; `--no-wait` → false). */
  wait?: boolean;
  /** Upper bound for the waits of the apply phase, in seconds; default 1800. */
  timeoutSeconds?: number;
  /** Docker build context (the agent container directory). */
  contextDir: string;
  /** CloudFormation template path. */
  templatePath: string;
  /** Extra stack parameters (e.g. EnableApi for `--with-api`). Unnamed ones keep the stack's values. */
  stackParameters?: Record<string, string>;
  /** Steps run after the runtime step (seam for `--with-api`). */
  extraSteps?: ApplyStep[];
  /** Seconds between the checks of every wait (stack, change set, runtime, IAM propagation): for tests. */
  delays?: WaitDelays;
  /** Stops the waits (Ctrl-C). */
  signal?: AbortSignal;
  /** Told what is running in AWS while a step waits (undefined when nothing is), for Ctrl-C. */
  onActivity?: (activity: string | undefined) => void;
}

export interface DeployResult {
  dryRun: boolean;
  plan: DeployPlan;
  /** The state written (or unchanged) after apply; undefined for a dry run. */
  state?: DeploymentState;
  /** True when the state file was (re)written. */
  stateWritten: boolean;
}

/**
 * Run a deploy.
 * @throws UsageError for invalid configuration (before any AWS call); CliError for AWS/docker
 *   failures (stack failure and runtime `*_FAILED` exit 1, others exit 3).
 */
export async function deploy(ctx: DeployContext, options: DeployOptions): Promise<DeployResult> {
  const { io } = ctx;
  const target = resolveTarget(ctx.config, ctx.region, ctx.state);
  if (target.runtimeName !== target.agentName) io.info(`Runtime name: "${target.agentName}" → ${target.runtimeName} (AgentCore allows [a-zA-Z][a-zA-Z0-9_]{0,47})`);
  if (target.stackName !== target.agentName) io.info(`Stack name: "${target.agentName}" → ${target.stackName} (CloudFormation allows [a-zA-Z][-a-zA-Z0-9]*)`);
  if (target.repositoryName !== target.agentName) io.info(`ECR repository: "${target.agentName}" → ${target.repositoryName} (lower case)`);
  const clients = ctx.aws();
  const identity = await callerIdentity(clients);
  io.info(`Deploying as ${identity.arn} (account ${identity.account}, region ${target.region})`);

  const waits: WaitOptions = { delays: options.delays, signal: options.signal };
  const gathered = await gatherDeploy(clients, target, identity.account, options, waits);
  // Plain data from here on: apply executes it and never changes it.
  const plan = deepFreeze(planDeploy(gathered.input));
  for (const line of formatPlan(plan)) io.info(line);

  if (options.dryRun) {
    if (gathered.changeSetName) await deleteChangeSet(clients, target.stackName, gathered.changeSetName);
    return { dryRun: true, plan, stateWritten: false };
  }
  try {
    if (plan.image?.action === 'build' && plan.image.build === 'local') await checkDocker();
    if (plan.stack.action === 'recreate') await confirmRecreate(io, plan, options.yes);
  } catch (error) {
    // Leave no unexecuted change set behind.
    if (gathered.changeSetName) await deleteChangeSet(clients, target.stackName, gathered.changeSetName).catch(() => undefined);
    throw error;
  }

  const deadline = Date.now() + (options.timeoutSeconds ?? 1800) * 1000;
  const desiredStack = { ...gathered.input.stack.desired, parameters: plan.stack.parameters };
  const state: ApplyState = { target, plan, desiredStack, account: identity.account, outputs: gathered.currentStack?.outputs ?? {} };
  const stepOptions: StepOptions = { io, waits: { ...waits, deadline }, wait: options.wait ?? true, contextDir: options.contextDir, onActivity: options.onActivity };
  const steps = [
    stackStep(stepOptions, gathered.changeSetName),
    plan.artifact.type === 'code' ? codeStep(stepOptions) : plan.image?.build === 'codebuild' ? codeBuildStep(stepOptions) : imageStep(stepOptions),
    runtimeStep(stepOptions, gathered.input.runtime.current),
    ...(options.extraSteps ?? []),
  ];
  try {
    for (const step of steps) {
      options.onActivity?.(step.activity(state));
      await step.run(state, clients);
    }
  } finally {
    options.onActivity?.(undefined);
  }
  return finish(ctx, state, plan);
}


async function confirmRecreate(io: IoHost, plan: DeployPlan, yes: boolean | undefined): Promise<void> {
  io.warn(`Stack ${plan.stack.name} is in ROLLBACK_COMPLETE: its first creation failed, and CloudFormation can only delete such a stack. Deploy will delete it and create it again.`);
  if (yes) return;
  if (!(await askConfirm(io, `Delete stack ${plan.stack.name} and create it again?`, { flag: '--yes' }))) {
    throw new CliError('Deploy cancelled: the stack was left as it is.', { exitCode: ExitCode.Usage, code: 'RECREATE_DECLINED', hint: 'Run `agentcore-claude deploy --yes` to delete and recreate it.' });
  }
}

/** Create, update (execute the planned change set), or delete + recreate the stack; read its outputs. */
function stackStep(options: StepOptions, changeSetName: string | undefined): ApplyStep {
  return {
    name: 'stack',
    activity: ({ plan }) => (plan.stack.action === 'none' ? undefined : `CloudFormation ${plan.stack.action} of stack ${plan.stack.name}`),
    async run(state, clients) {
      const { plan } = state;
      const { io } = options;
      if (plan.stack.action === 'none') return;
      const progress = io.progress(`Stack ${plan.stack.name}: ${plan.stack.action}…`);
      const events: StackProgress = { onEvent: (line) => progress.log(line) };
      try {
        let result: CurrentStack;
        if (plan.stack.action === 'update' && changeSetName) {
          result = await executeChangeSet(clients, plan.stack.name, changeSetName, options.waits, events);
        } else {
          if (plan.stack.action === 'recreate') await deleteStack(clients, plan.stack.name, options.waits, events);
          result = await createStack(clients, state.desiredStack, options.waits, events);
        }
        // Some CloudFormation implementations (moto after a CREATE change set) omit Outputs: describe again.
        const outputs = Object.keys(result.outputs).length ? result.outputs : ((await describeStack(clients, plan.stack.name))?.outputs ?? {});
        state.outputs = outputs;
        progress.succeed(`Stack ${plan.stack.name}: ${plan.stack.action} complete`);
      } catch (error) {
        progress.fail(`Stack ${plan.stack.name}: ${plan.stack.action} failed`);
        throw error;
      }
    },
  };
}

/** Build and push the image unless the repository already has its content tag. */
function imageStep(options: StepOptions): ApplyStep {
  return {
    name: 'image',
    activity: () => undefined, // the build runs locally and stops with us
    async run(state, clients) {
      const repositoryUri = state.outputs.EcrRepositoryUri;
      if (!repositoryUri) throw new CliError('The stack has no EcrRepositoryUri output.', { code: 'NO_REPOSITORY' });
      const image = state.plan.image!;
      state.imageUri = `${repositoryUri}:${image.tag}`;
      if (image.action === 'reuse') return;
      const { io } = options;
      const login = await registryLogin(clients);
      await dockerLogin(login);
      io.info(`Building ${state.imageUri} (linux/arm64) from ${options.contextDir}`);
      await buildAndPush(state.imageUri, options.contextDir, (line) => io.info(`  │ ${line}`));
      io.info(`Pushed ${state.imageUri}`);
    },
  };
}

/**
 * Code artifact: unless the bucket already holds the package's content tag, stage it (arm64
 * production install), zip it, check its size against AgentCore's limit, and upload it with
 * progress. Prints the zip size and the time of each phase.
 */
function codeStep(options: StepOptions): ApplyStep {
  return {
    name: 'artifact',
    activity: () => undefined, // staging and upload run locally and stop with us
    async run(state, clients) {
      const bucket = state.outputs.OutputBucketName;
      if (!bucket) throw new CliError('The stack has no OutputBucketName output.', { code: 'MISSING_OUTPUTS' });
      const key = codePackageKey(state.plan.artifact.tag);
      state.codeLocation = `s3://${bucket}/${key}`;
      if (state.plan.artifact.action === 'reuse') return;
      const { io } = options;
      const { buildCodePackage } = await import('./code-package.js');
      const staging = io.progress(`Code package ${state.plan.artifact.tag}: installing linux/arm64 production dependencies…`);
      let staged: Awaited<ReturnType<typeof buildCodePackage>>;
      try {
        staged = await buildCodePackage(options.contextDir, (line) => staging.log(`  │ ${line}`));
        staging.succeed(
          `Code package ${state.plan.artifact.tag}: ${staged.entries} entries, ${mib(staged.uncompressedBytes)} MiB → ${mib(staged.bytes)} MiB zip (install ${seconds(staged.installMs)}, zip ${seconds(staged.zipMs)})`,
        );
      } catch (error) {
        staging.fail(`Code package ${state.plan.artifact.tag}: staging failed`);
        throw error;
      }
      try {
        checkCodePackageSize(staged.bytes);
        const upload = io.progress(`Uploading ${state.codeLocation} (${mib(staged.bytes)} MiB)…`);
        const started = Date.now();
        try {
          await uploadFile(clients.s3(), bucket, key, staged.zipPath, staged.bytes, (loaded, total) =>
            upload.update(`Uploading ${state.codeLocation}: ${mib(loaded)} / ${mib(total)} MiB…`),
          );
          upload.succeed(`Uploaded ${state.codeLocation} (${mib(staged.bytes)} MiB in ${seconds(Date.now() - started)})`);
        } catch (error) {
          upload.fail(`Upload of ${state.codeLocation} failed`);
          throw error;
        }
      } finally {
        await staged.cleanup();
      }
    },
  };
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Create or update the runtime as the plan says (or nothing), with the complete configuration from
 * the stack outputs as they are now, then wait for READY. Never decides again: the plan already
 * asks for an update wherever the outputs could change (a new stack, a replaced role, bucket or
 * repository; see planDeploy).
 */
function runtimeStep(options: StepOptions, current: CurrentRuntime | undefined): ApplyStep {
  return {
    name: 'runtime',
    activity: ({ plan }) => (plan.runtime.action === 'none' ? undefined : `AgentCore ${plan.runtime.action} of runtime ${plan.runtime.name}`),
    async run(state, clients) {
      const { io } = options;
      const wanted = runtimeConfig(state.target, state.outputs, state.plan.artifact.tag);
      if (!wanted) throw new CliError('The stack outputs lack the repository, role or bucket.', { code: 'MISSING_OUTPUTS' });
      // An update replaces the whole configuration: lifecycle settings not asked for this time are
      // kept from the runtime rather than reset to AgentCore's defaults.
      const lifecycle = wanted.lifecycle ?? definedLifecycle(current?.config.lifecycle);
      const desired = lifecycle ? { ...wanted, lifecycle } : wanted;
      state.lifecycle = lifecycle;
      const { action } = state.plan.runtime;
      if (action === 'none') {
        state.runtime = current && { id: current.id, arn: current.arn, name: current.name, version: current.version, status: current.status };
        return;
      }
      const name = state.plan.runtime.name;
      const onRetry = () => io.info('The execution role is not assumable yet (IAM propagation); retrying…');
      const ref =
        action === 'create' || !current
          ? await createRuntime(clients, name, desired, options.waits, onRetry)
          : await updateRuntime(clients, current, desired, options.waits, onRetry);
      state.runtime = ref;
      if (!options.wait) {
        io.info(`Runtime ${name} version ${ref.version} is ${ref.status}; not waiting (--no-wait). Check it with \`agentcore-claude info\`.`);
        return;
      }
      const progress = io.progress(`Runtime ${name} version ${ref.version}: ${ref.status}…`);
      try {
        const ready = await waitForRuntimeVersion(clients, ref, options.waits, (status) => progress.update(`Runtime ${name} version ${ref.version}: ${status}…`));
        state.runtime = { id: ready.id || ref.id, arn: ready.arn || ref.arn, name, version: ready.version || ref.version, status: ready.status };
        progress.succeed(`Runtime ${name} version ${state.runtime.version} is READY`);
      } catch (error) {
        progress.fail(`Runtime ${name} version ${ref.version} did not become READY`);
        throw error;
      }
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function definedLifecycle(lifecycle: LifecycleSettings | undefined): LifecycleSettings | undefined {
  if (!lifecycle) return undefined;
  const defined = Object.fromEntries(Object.entries(lifecycle).filter(([, value]) => value !== undefined));
  return Object.keys(defined).length ? defined : undefined;
}

/** Record the deployment in the state file atomically, unless only its timestamp would change. */
async function finish(ctx: DeployContext, state: ApplyState, plan: DeployPlan): Promise<DeployResult> {
  const next = deploymentState(ctx.state, state);
  const unchanged = ctx.state && JSON.stringify({ ...ctx.state, updatedAt: '' }) === JSON.stringify({ ...next, updatedAt: '' });
  if (!unchanged) await writeState(ctx.statePath, next);
  ctx.io.info(unchanged ? `${ctx.statePath} is up to date.` : `Wrote ${ctx.statePath}`);
  return { dryRun: false, plan, state: unchanged ? ctx.state : next, stateWritten: !unchanged };
}
