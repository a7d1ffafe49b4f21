/**
 * Deploy, step 1: what is wanted (from the resolved configuration) and what exists (read from AWS),
 * as the input of the pure `planDeploy`. Reads only; the one exception is the UPDATE change set
 * that lists a stack update's resource changes (deleted again after `--dry-run`).
 */
import { readFile } from 'node:fs/promises';
import type { AwsClients } from '../aws/clients.js';
import { createUpdateChangeSet, describeStack, readTemplateBody } from '../aws/cloudformation.js';
import { imageTagExists } from '../aws/ecr.js';
import { objectExists } from '../aws/s3-code.js';
import { ARTIFACT_TYPES, CODE_ENTRY_POINT, CODE_RUNTIME, CODE_WORKSPACE_MOUNT, SESSION_STORAGE_MOUNT, codePackageKey, DEFAULT_ARTIFACT, type ArtifactType } from '../core/code-artifact.js';
import { findRuntimeByName, getRuntime } from '../aws/runtime.js';
import type { WaitOptions } from '../aws/wait.js';
import { defaultStackName, type ResolvedConfig } from '../core/config.js';
import { parseSecretArn } from '../core/arn.js';
import { UsageError } from '../core/errors.js';
import type { DeploymentState } from '../core/state.js';
import { lifecycleFromSettings, type LifecycleSettings } from '../core/duration.js';
import { modelPinEnvironment, resolveModelId } from '../core/model.js';
import { planStackAction, type CurrentRuntime, type CurrentStack, type DesiredStack, type PlanInput, type RuntimeConfig } from '../core/plan.js';
import { repositoryNameForStack, sanitizeRuntimeName, validateStackName } from '../core/runtime-name.js';
import { parseTemplate, templateResources } from '../core/template.js';
import { BUILD_MODES, DEFAULT_BUILD_MODE, type BuildMode } from '../core/codebuild.js';
import { buildContextTag } from '../io/build-context.js';

/** What deploy wants, resolved and validated before any AWS call. */
export interface DeployTarget {
  region: string;
  agentName: string;
  stackName: string;
  runtimeName: string;
  repositoryName: string;
  model: string;
  lifecycle?: LifecycleSettings;
  /** Git token secret for repository pushes (flag/config, else the previous deployment's). */
  gitTokenSecretArn?: string;
  /** What is deployed (flag/env/config file, else the previous deployment's, else `container`). */
  artifact: ArtifactType;
  /** Workspaces on managed session storage (flag/config; undefined → what the runtime has). Always on for `code`. */
  sessionStorage?: boolean;
  /** The runtime's MAX_BUDGET_USD (flag/config; undefined → what the runtime has). */
  maxBudgetUsd?: number;
  /** Where the image is built (flag/env/config file, else `local`). */
  build: BuildMode;
}

/**
 * Resolve and validate the target (runtime name, stack name, model id, lifecycle durations).
 * Name, stack name and model that no flag, environment variable or config file sets come from the
 * previous deployment in `state` (same region), so a plain `deploy` redeploys what is there.
 * @throws UsageError for any invalid value, before anything touches AWS.
 */
export function resolveTarget(config: ResolvedConfig, region: string, state?: DeploymentState): DeployTarget {
  const previous = state && state.region === region ? state : undefined;
  const name = previous && config.sources.name === 'default' ? previous.name : config.name;
  const sameAgent = previous && previous.name === name ? previous : undefined;
  const stackName = validateStackName(config.sources.stackName !== 'default' ? config.stackName : (sameAgent?.stackName ?? defaultStackName(name)));
  return {
    region,
    agentName: name,
    stackName,
    runtimeName: sanitizeRuntimeName(name).name,
    repositoryName: repositoryNameForStack(stackName),
    model: resolveModelId(region, config.model ?? sameAgent?.model),
    lifecycle: lifecycleFromSettings(config.idleTimeout, config.maxLifetime),
    gitTokenSecretArn: validateSecretArn(config.gitTokenSecret, region) ?? sameAgent?.gitTokenSecretArn,
    artifact: validateArtifact(config.artifact) ?? sameAgent?.artifact?.type ?? DEFAULT_ARTIFACT,
    ...(config.sessionStorage !== undefined ? { sessionStorage: config.sessionStorage } : {}),
    ...(config.maxBudgetUsd !== undefined ? { maxBudgetUsd: config.maxBudgetUsd } : {}),
    build: validateBuildMode(config.build) ?? DEFAULT_BUILD_MODE,
  };
}

/**
 * `value` when it is one of `choices`, undefined when unset.
 * @throws UsageError (with `code` and `hint`) for anything else, naming the flag and the choices.
 */
function validateChoice<T extends string>(value: string | undefined, choices: readonly T[], flag: string, hint: string, code: 'BAD_BUILD_MODE' | 'BAD_ARTIFACT'): T | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be ${choices.join(' or ')}, got "${value}".`, { hint, code });
}

/**
 * The build mode, or undefined when none is set.
 * @throws UsageError for anything but `local` or `codebuild` (e.g. from AGENTCORE_CLAUDE_BUILD).
 */
export function validateBuildMode(value: string | undefined): BuildMode | undefined {
  return validateChoice(value, BUILD_MODES, '--build', 'local: Docker buildx on this machine; codebuild: a CodeBuild project in the stack builds and pushes the image (no Docker needed).', 'BAD_BUILD_MODE');
}

/**
 * The artifact type, or undefined when none is set.
 * @throws UsageError for anything but `container` or `code` (e.g. from AGENTCORE_CLAUDE_ARTIFACT).
 */
export function validateArtifact(value: string | undefined): ArtifactType | undefined {
  return validateChoice(value, ARTIFACT_TYPES, '--artifact', 'container: the linux/arm64 image (needs Docker with buildx); code: a zip on AgentCore\'s managed Node.js 22 runtime (no Docker).', 'BAD_ARTIFACT');
}

/**
 * A Secrets Manager secret ARN in the deploy region, or undefined when none is given.
 * @throws UsageError for anything else (the runtime reads it with GetSecretValue in its own region).
 */
export function validateSecretArn(arn: string | undefined, region: string): string | undefined {
  if (!arn) return undefined;
  if (parseSecretArn(arn)?.region !== region) {
    throw new UsageError(`--git-token-secret must be a Secrets Manager secret ARN in ${region}, got "${arn}".`, {
      hint: 'e.g. arn:aws:secretsmanager:us-east-1:123456789012:secret:github-token-AbCdEf (aws secretsmanager describe-secret --secret-id <name>)',
      code: 'BAD_SECRET_ARN',
    });
  }
  return arn;
}

/**
 * The complete runtime configuration for the stack outputs and artifact: environment
 * `CLAUDE_CODE_USE_BEDROCK=1`, `AWS_REGION`, `ANTHROPIC_MODEL`, Claude Code's alias/background models
 * pinned to the region's profiles (`modelPinEnvironment`), `OUTPUT_BUCKET_NAME`; network PUBLIC.
 * Container: the image `<repository>:<tag>`. Code: `s3://<bucket>/code/<tag>.zip` on NODE_22 with
 * entry point dist/main.js, workspaces on the managed session storage at /mnt/workspace, and the
 * variables the image's Dockerfile would otherwise set (`AGENT_ARTIFACT=code`, `WORKSPACE_ROOT`,
 * `HOME`, `NODE_ENV`, `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC`). See core/code-artifact.ts.
 */
export function runtimeConfig(target: DeployTarget, outputs: Record<string, string>, tag: string): RuntimeConfig | undefined {
  const { EcrRepositoryUri: repositoryUri, ExecutionRoleArn: roleArn, OutputBucketName: bucket } = outputs;
  if (!roleArn || !bucket || (target.artifact === 'container' && !repositoryUri)) return undefined;
  const storage = target.artifact === 'code' || target.sessionStorage === true;
  const artifact =
    target.artifact === 'code'
      ? { code: { bucket, prefix: codePackageKey(tag), runtime: CODE_RUNTIME, entryPoint: [...CODE_ENTRY_POINT] } }
      : { containerUri: `${repositoryUri}:${tag}` };
  return {
    ...artifact,
    ...(storage ? { sessionStorageMountPath: SESSION_STORAGE_MOUNT } : {}),
    roleArn,
    networkMode: 'PUBLIC',
    environment: {
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: target.region,
      ANTHROPIC_MODEL: target.model,
      ...modelPinEnvironment(target.region),
      OUTPUT_BUCKET_NAME: bucket,
      ...(target.gitTokenSecretArn && target.artifact === 'container' ? { GIT_TOKEN_SECRET_ARN: target.gitTokenSecretArn } : {}),
      // The server learns the persistence from here: workspaces on the mount, no per-invocation archive.
      ...(storage ? { SESSION_PERSISTENCE: 'session-storage', WORKSPACE_ROOT: SESSION_STORAGE_MOUNT } : {}),
      ...(target.maxBudgetUsd !== undefined ? { MAX_BUDGET_USD: String(target.maxBudgetUsd) } : {}),
      ...(target.artifact === 'code'
        ? {
            AGENT_ARTIFACT: 'code',
            WORKSPACE_ROOT: CODE_WORKSPACE_MOUNT,
            HOME: CODE_WORKSPACE_MOUNT,
            NODE_ENV: 'production',
            CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          }
        : {}),
    },
    ...(target.lifecycle ? { lifecycle: target.lifecycle } : {}),
  };
}

/** Settings no flag or config file gave keep what the runtime has (session storage, default budget). */
function keepRuntimeChoices(target: DeployTarget, runtime: CurrentRuntime | undefined): DeployTarget {
  const env = runtime?.config.environment ?? {};
  const budget = Number(env.MAX_BUDGET_USD);
  return {
    ...target,
    sessionStorage: target.sessionStorage ?? (runtime?.config.sessionStorageMountPath !== undefined && env.SESSION_PERSISTENCE === 'session-storage'),
    maxBudgetUsd: target.maxBudgetUsd ?? (Number.isFinite(budget) && budget > 0 ? budget : undefined),
  };
}

export interface Gathered {
  input: PlanInput;
  currentStack?: CurrentStack;
  /** The UPDATE change set created to list changes (to execute, or delete after a dry run). */
  changeSetName?: string;
}

/**
 * Read the current state from AWS and build the plan input. For a stack that needs an update, an
 * UPDATE change set is created to list its resource changes.
 */
export async function gatherDeploy(
  clients: AwsClients,
  target: DeployTarget,
  account: string,
  sources: { templatePath: string; contextDir: string; stackParameters?: Record<string, string> },
  wait: WaitOptions,
): Promise<Gathered> {
  const code = target.artifact === 'code';
  // The code packager (execa, yazl) is loaded only for a code artifact.
  const tagOf = code ? (await import('./code-package.js')).codeTagOf : buildContextTag;
  const [templateBody, imageTag] = await Promise.all([readFile(sources.templatePath, 'utf8'), tagOf(sources.contextDir)]);
  const desired: DesiredStack = {
    name: target.stackName,
    templateBody,
    parameters: {
      AgentName: target.runtimeName,
      RepositoryName: target.repositoryName,
      ...(target.gitTokenSecretArn ? { GitTokenSecretArn: target.gitTokenSecretArn } : {}),
      // Only turned on: a local build later leaves an existing project in place.
      ...(target.build === 'codebuild' && !code ? { EnableCodeBuild: 'true' } : {}),
      ...sources.stackParameters,
    },
  };
  // The runtime lookup does not need the stack: it goes out alongside the stack's reads.
  const runtimeLookup = findRuntimeByName(clients, target.runtimeName).then((found) => (found ? getRuntime(clients, found.id) : undefined));
  runtimeLookup.catch(() => undefined);
  const described = await describeStack(clients, target.stackName);
  let current: CurrentStack | undefined = described;
  if (described && !described.status.endsWith('_IN_PROGRESS') && described.status !== 'ROLLBACK_COMPLETE') {
    current = { ...described, templateBody: await readTemplateBody(clients, target.stackName) };
  }
  // Throws for stacks deploy cannot act on, before anything else is read (but the runtime lookup).
  const stackAction = planStackAction(current, desired).action;
  const bucket = code ? current?.outputs.OutputBucketName : undefined;
  const [codeExists, repository, runtime, changeSet] = await Promise.all([
    bucket ? objectExists(clients.s3(), bucket, codePackageKey(imageTag)) : false,
    !code && current?.outputs.EcrRepositoryUri && current.outputs.EcrRepositoryName
      ? imageTagExists(clients, current.outputs.EcrRepositoryName, imageTag).then((hasTag) => ({ uri: current!.outputs.EcrRepositoryUri!, hasTag }))
      : undefined,
    runtimeLookup,
    stackAction === 'update' ? createUpdateChangeSet(clients, desired, wait) : undefined,
  ]);
  const apiEnabled = (desired.parameters.EnableApi ?? current?.parameters.EnableApi) === 'true';
  const imageBuildEnabled = (desired.parameters.EnableCodeBuild ?? current?.parameters.EnableCodeBuild) === 'true';
  return {
    currentStack: current,
    changeSetName: changeSet && changeSet !== 'no-changes' ? changeSet.name : undefined,
    input: {
      region: target.region,
      account,
      agentName: target.agentName,
      runtimeName: target.runtimeName,
      model: target.model,
      imageTag,
      artifactType: target.artifact,
      imageBuild: target.build,
      ...(code ? { codePackage: { key: codePackageKey(imageTag), bucket, exists: codeExists } } : {}),
      stack: {
        current,
        desired,
        changes: changeSet === undefined ? undefined : changeSet === 'no-changes' ? [] : changeSet.changes,
        // Listed in the plan of a create only; parsing the template is the slowest part of a no-op.
        resources: stackAction === 'create' || stackAction === 'recreate' ? templateResources(parseTemplate(templateBody), [...(apiEnabled ? [] : ['CreateApi']), ...(imageBuildEnabled ? [] : ['CreateImageBuild'])]) : [],
      },
      repository,
      runtime: { current: runtime, desired: current ? runtimeConfig(keepRuntimeChoices(target, runtime), current.outputs, imageTag) : undefined },
    },
  };
}
