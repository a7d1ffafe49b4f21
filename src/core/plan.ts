/**
 * The deploy plan (after wrangler's cloudchamber apply and aws-cdk's change sets): a plain value
 * computed from what exists in AWS and what is wanted, printed before anything changes, and the
 * only input of the apply step. Pure: callers gather the current state.
 */
import type { ArtifactType } from './code-artifact.js';
import type { BuildMode } from './codebuild.js';
import { CliError } from './errors.js';
import type { LifecycleSettings } from './duration.js';

export type StackAction = 'create' | 'update' | 'recreate' | 'none';
export type ImageAction = 'build' | 'reuse';
/** What happens to the deployed artifact: the image is built and pushed, the code zip uploaded, or either reused. */
export type ArtifactAction = 'build' | 'upload' | 'reuse';
export type RuntimeAction = 'create' | 'update' | 'none';

/** What DescribeStacks (and GetTemplate) said about the stack. */
export interface CurrentStack {
  status: string;
  statusReason?: string;
  /** The template body as GetTemplate returns it (TemplateStage Original); undefined if not read. */
  templateBody?: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
}

/** The stack we want. */
export interface DesiredStack {
  name: string;
  templateBody: string;
  /** Parameters to set. Parameters of an existing stack not named here keep their values. */
  parameters: Record<string, string>;
}

/** One resource change of a change set (CloudFormation `ResourceChange`), or a resource to add. */
export interface ResourceChange {
  /** `Add` | `Modify` | `Remove` | `Import` | `Dynamic`. */
  action: string;
  logicalId: string;
  type: string;
  /** For `Modify`: `True` | `False` | `Conditional`. */
  replacement?: string;
}

/** `agentRuntimeArtifact.codeConfiguration` of a direct code deployment. */
export interface CodeConfig {
  bucket: string;
  /** The object key of the zip (the API calls it `prefix`). */
  prefix: string;
  /** e.g. `NODE_22`. */
  runtime: string;
  entryPoint: string[];
}

/**
 * The complete runtime configuration deploy manages (an update replaces the whole configuration).
 * Exactly one of `containerUri` (container artifact) and `code` (code artifact) is set.
 */
export interface RuntimeConfig {
  containerUri?: string;
  code?: CodeConfig;
  /**
   * Mount path of the managed session storage (`filesystemConfigurations[].sessionStorage`), used
   * by the code artifact for its workspaces. Compared only when GetAgentRuntime reports it (moto
   * accepts it but does not return it).
   */
  sessionStorageMountPath?: string;
  roleArn: string;
  networkMode: 'PUBLIC';
  environment: Record<string, string>;
  /** Undefined: AgentCore defaults (not compared). */
  lifecycle?: LifecycleSettings;
}

/** What ListAgentRuntimes + GetAgentRuntime said about the runtime with our name. */
export interface CurrentRuntime {
  id: string;
  arn: string;
  name: string;
  version: string;
  status: string;
  failureReason?: string;
  config: Partial<RuntimeConfig>;
}

export interface StackPlan {
  action: StackAction;
  name: string;
  /** Status before the deploy (undefined: the stack does not exist). */
  status?: string;
  /** Why this action, in words. */
  reason: string;
  /** Parameters the stack will have (desired merged over current). */
  parameters: Record<string, string>;
  changes: ResourceChange[];
}

export interface DeployPlan {
  region: string;
  account: string;
  agentName: string;
  model: string;
  stack: StackPlan;
  /** The container image (container artifact only); `build`: where it is built when it must be (`local` | `codebuild`). */
  image?: { action: ImageAction; tag: string; /** Known when the repository exists. */ uri?: string; build: BuildMode };
  /**
   * The deployed artifact: `container` (image: `build` | `reuse`) or `code` (zip: `upload` |
   * `reuse`), its content tag and where it lives (image URI, or `s3://bucket/key` once the bucket is known).
   */
  artifact: { type: ArtifactType; action: ArtifactAction; tag: string; location?: string };
  runtime: {
    action: RuntimeAction;
    name: string;
    /** The agent name when it had to be changed into a valid runtime name. */
    renamedFrom?: string;
    id?: string;
    status?: string;
    /** Which parts of the configuration differ (`image`, `role`, `environment`, …). */
    reasons: string[];
  };
  /** True when anything will change. */
  changes: boolean;
}

/** Stack statuses from which an update (or no-op) can proceed. */
const UPDATABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

/**
 * Stack action for the current and desired stack, before change-set contents are known:
 * none/missing or `REVIEW_IN_PROGRESS` → create; `ROLLBACK_COMPLETE` (a failed first creation; such
 * a stack cannot be updated, only deleted) → recreate; a complete state with the same template and
 * parameters → none; with different ones → update.
 * @throws CliError (exit 3) for states deploy cannot act on: `*_IN_PROGRESS` (someone else is
 *   changing it), `UPDATE_ROLLBACK_FAILED`, `*_FAILED` — each with the next step in `hint`.
 */
export function planStackAction(current: CurrentStack | undefined, desired: DesiredStack): Omit<StackPlan, 'changes'> {
  const parameters = { ...(current?.parameters ?? {}), ...desired.parameters };
  const base = { name: desired.name, status: current?.status, parameters };
  if (!current || current.status === 'REVIEW_IN_PROGRESS') return { ...base, action: 'create', reason: 'the stack does not exist' };
  const status = current.status;
  if (status === 'ROLLBACK_COMPLETE') {
    return { ...base, action: 'recreate', reason: 'the stack failed to create (ROLLBACK_COMPLETE) and can only be deleted and created again' };
  }
  if (status.endsWith('_IN_PROGRESS')) {
    throw new CliError(`Stack ${desired.name} is busy (${status}): another operation is changing it.`, {
      hint: `Wait until it finishes (aws cloudformation describe-stacks --stack-name ${desired.name}), then run \`agentcore-claude deploy\` again.`,
      code: 'STACK_BUSY',
    });
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    throw new CliError(`Stack ${desired.name} is in UPDATE_ROLLBACK_FAILED: a rollback could not finish${reasonSuffix(current)}.`, {
      hint: `Fix the cause, run \`aws cloudformation continue-update-rollback --stack-name ${desired.name}\`, then \`agentcore-claude deploy\` again.`,
      code: 'STACK_ROLLBACK_FAILED',
    });
  }
  if (!UPDATABLE.has(status)) {
    throw new CliError(`Stack ${desired.name} is in ${status}${reasonSuffix(current)}; deploy cannot update it.`, {
      hint: `Delete it (aws cloudformation delete-stack --stack-name ${desired.name}; \`agentcore-claude destroy\`), then run \`agentcore-claude deploy\` again.`,
      code: 'STACK_FAILED_STATE',
    });
  }
  const sameParameters = Object.entries(parameters).every(([key, value]) => current.parameters[key] === value);
  if (current.templateBody === desired.templateBody && sameParameters) {
    return { ...base, action: 'none', reason: 'template and parameters are unchanged' };
  }
  return { ...base, action: 'update', reason: sameParameters ? 'the template changed' : 'parameters changed' };
}

function reasonSuffix(current: CurrentStack): string {
  return current.statusReason ? ` (${current.statusReason})` : '';
}

/**
 * Which parts of the runtime configuration differ between `current` and `desired`
 * (`artifact` when switching between container and code, `image`, `code`, `filesystem`, `role`,
 * `network`, `environment`, `lifecycle`). Only the lifecycle fields that are set are compared
 * (unset ones keep AgentCore's defaults, which GetAgentRuntime reports). Empty → nothing to update.
 */
export function runtimeDifferences(current: Partial<RuntimeConfig>, desired: RuntimeConfig): string[] {
  const reasons: string[] = [];
  const running = current.code ? 'code' : current.containerUri ? 'container' : undefined;
  const wanted = desired.code ? 'code' : 'container';
  if (running && running !== wanted) reasons.push('artifact');
  else if (wanted === 'container' && current.containerUri !== desired.containerUri) reasons.push('image');
  else if (wanted === 'code' && JSON.stringify(current.code) !== JSON.stringify(desired.code)) reasons.push('code');
  if (current.sessionStorageMountPath !== undefined && current.sessionStorageMountPath !== desired.sessionStorageMountPath) reasons.push('filesystem');
  if (current.roleArn !== desired.roleArn) reasons.push('role');
  if (current.networkMode !== desired.networkMode) reasons.push('network');
  if (!sameRecord(current.environment ?? {}, desired.environment)) reasons.push('environment');
  const lifecycle = desired.lifecycle ?? {};
  const currentLifecycle = current.lifecycle ?? {};
  if ((Object.keys(lifecycle) as Array<keyof typeof lifecycle>).some((key) => lifecycle[key] !== undefined && currentLifecycle[key] !== lifecycle[key])) {
    reasons.push('lifecycle');
  }
  return reasons;
}

function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

const DEPENDS_ON_STACK = 'configuration depends on the new stack';

/**
 * Logical ids of the template's resources whose outputs the runtime configuration uses
 * (OutputBucketName, EcrRepositoryUri, ExecutionRoleArn in templates/infrastructure.yaml).
 */
export const RUNTIME_INPUT_RESOURCES: ReadonlySet<string> = new Set(['OutputBucket', 'EcrRepository', 'AgentCoreExecutionRole']);

/** True for a change set change that adds, removes or replaces (or may replace) a {@link RUNTIME_INPUT_RESOURCES} resource. */
function replacesRuntimeInput(change: ResourceChange): boolean {
  if (!RUNTIME_INPUT_RESOURCES.has(change.logicalId)) return false;
  return change.action !== 'Modify' || (change.replacement !== undefined && change.replacement !== 'False');
}

/**
 * Runtime action: not found → create; a last version that failed (`*_FAILED`) → update (apply the
 * configuration again); configuration not yet known (the stack is created first) → update when it
 * exists; otherwise update exactly when {@link runtimeDifferences} is not empty.
 * @throws CliError when the runtime is being deleted.
 */
export function planRuntimeAction(current: CurrentRuntime | undefined, desired: RuntimeConfig | undefined): { action: RuntimeAction; reasons: string[] } {
  if (!current) return { action: 'create', reasons: ['no runtime with this name'] };
  if (current.status === 'DELETING') {
    throw new CliError(`Runtime ${current.name} is being deleted.`, {
      hint: 'Wait until it is gone, then run `agentcore-claude deploy` again.',
      code: 'RUNTIME_DELETING',
    });
  }
  if (current.status.endsWith('_FAILED')) {
    return { action: 'update', reasons: [`version ${current.version} is ${current.status}${current.failureReason ? `: ${current.failureReason}` : ''}`] };
  }
  if (!desired) return { action: 'update', reasons: [DEPENDS_ON_STACK] };
  const reasons = runtimeDifferences(current.config, desired);
  return { action: reasons.length ? 'update' : 'none', reasons };
}

export interface PlanInput {
  region: string;
  account: string;
  agentName: string;
  runtimeName: string;
  model: string;
  /** Content tag of the artifact (image tag, or code package tag). */
  imageTag: string;
  /** The artifact type; default `container`. */
  artifactType?: ArtifactType;
  /** Container artifact: where the image is built; default `local`. */
  imageBuild?: BuildMode;
  /** Code artifact: the package's key, and whether the bucket already holds it (bucket known). */
  codePackage?: { key: string; bucket?: string; exists: boolean };
  stack: { current?: CurrentStack; desired: DesiredStack; /** Change-set changes (update only); [] = no changes. */ changes?: ResourceChange[]; /** Resources of the template (create/recreate). */ resources: Array<{ logicalId: string; type: string }> };
  /** Repository URI when the stack exists and has it, and whether it holds `imageTag`. */
  repository?: { uri: string; hasTag: boolean };
  runtime: { current?: CurrentRuntime; /** Undefined when stack outputs are not known yet. */ desired?: RuntimeConfig };
}

/**
 * Compute the deploy plan (pure). An `update` whose change set lists no changes becomes `none`
 * (CloudFormation's "No updates are to be performed" is success).
 */
export function planDeploy(input: PlanInput): DeployPlan {
  const stackAction = planStackAction(input.stack.current, input.stack.desired);
  let stack: StackPlan;
  if (stackAction.action === 'update' && input.stack.changes && input.stack.changes.length === 0) {
    stack = { ...stackAction, action: 'none', reason: 'the change set contains no changes', changes: [] };
  } else if (stackAction.action === 'create' || stackAction.action === 'recreate') {
    stack = { ...stackAction, changes: input.stack.resources.map((r) => ({ action: 'Add', ...r })) };
  } else {
    stack = { ...stackAction, changes: stackAction.action === 'update' ? (input.stack.changes ?? []) : [] };
  }
  const repositoryKnown = input.repository && stack.action !== 'recreate';
  const type = input.artifactType ?? 'container';
  let image: DeployPlan['image'];
  let artifact: DeployPlan['artifact'];
  if (type === 'container') {
    image = {
      action: (repositoryKnown && input.repository!.hasTag ? 'reuse' : 'build') as ImageAction,
      tag: input.imageTag,
      uri: repositoryKnown ? `${input.repository!.uri}:${input.imageTag}` : undefined,
      build: input.imageBuild ?? 'local',
    };
    artifact = { type, action: image.action, tag: image.tag, ...(image.uri ? { location: image.uri } : {}) };
  } else {
    const known = input.codePackage?.bucket && stack.action !== 'recreate' ? input.codePackage : undefined;
    artifact = {
      type,
      action: known?.exists ? 'reuse' : 'upload',
      tag: input.imageTag,
      ...(known ? { location: `s3://${known.bucket}/${known.key}` } : {}),
    };
  }
  // The runtime configuration is known only once the stack is (re)created, or once an update
  // has replaced a resource whose output it uses: apply then updates the runtime.
  const replaced = stack.action === 'update' ? stack.changes.filter(replacesRuntimeInput).map((c) => c.logicalId) : [];
  const desiredRuntime = stack.action === 'recreate' || replaced.length ? undefined : input.runtime.desired;
  const runtimeAction = planRuntimeAction(input.runtime.current, desiredRuntime);
  if (replaced.length && input.runtime.current && runtimeAction.reasons[0] === DEPENDS_ON_STACK) {
    runtimeAction.reasons = [`the stack update replaces ${replaced.join(', ')}, which the configuration uses`];
  }
  const renamed = input.runtimeName !== input.agentName;
  return {
    region: input.region,
    account: input.account,
    agentName: input.agentName,
    model: input.model,
    stack,
    ...(image ? { image } : {}),
    artifact,
    runtime: {
      ...runtimeAction,
      name: input.runtimeName,
      ...(renamed ? { renamedFrom: input.agentName } : {}),
      id: input.runtime.current?.id,
      status: input.runtime.current?.status,
    },
    changes: stack.action !== 'none' || artifact.action !== 'reuse' || runtimeAction.action !== 'none',
  };
}
