/**
 * `destroy`: delete the runtime (and wait until it is gone), the output bucket with every object
 * version (unless `--keep-outputs`), the ECR repository with its images, then the stack.
 *
 * Plan first (live counts of what would be lost), confirm (default No; `--yes` for scripts), then
 * apply; finally remove the deployment's record from the project state (a copy is kept beside it).
 * The bucket and repository are emptied before DeleteStack (CloudFormation cannot delete
 * them otherwise) and deleted after it if still there, so the result is the same whether the
 * template retains them (DeletionPolicy: Retain) or not. With `--keep-outputs`, a bucket CloudFormation
 * cannot delete (not empty) is retained with DeleteStack's RetainResources.
 */
import { countImages, deleteAllImages, deleteRepository } from '../aws/ecr.js';
import { deleteRuntimeAndWait, runtimeStatus } from '../aws/runtime.js';
import { bucketExists, deleteBucketAndContents, emptyBucket, listAllVersions } from '../aws/s3.js';
import { deleteStackAndWait, logicalIdsOf } from '../aws/cloudformation.js';
import { repositoryNameFromUri, runtimeLogGroup } from '../core/console-links.js';
import { CliError, ExitCode } from '../core/errors.js';
import { askConfirm } from '../io/prompt.js';
import { removeState } from '../io/state-file.js';
import { liveStack, requireDeployment, runtimeIdOf, stackNameOf, stateMatches, STACK_OUTPUTS, type OpsContext } from './target.js';

export interface DestroyPlan {
  runtime?: { id: string; name: string; status: string };
  stack?: { name: string; id: string; status: string };
  /** The output bucket, when it exists. */
  bucket?: { name: string; objectVersions: number; keep: boolean };
  repository?: { name: string; images: number };
  logGroup?: string;
  /** The state file whose record of this deployment is removed at the end (when it has one). */
  stateFile?: string;
}

export interface DestroyResult {
  runtime: 'deleted' | 'absent';
  stack: 'deleted' | 'absent';
  bucket: 'deleted' | 'kept' | 'absent';
  bucketName?: string;
  objectVersionsDeleted: number;
  repository: 'deleted' | 'absent';
  imagesDeleted: number;
  /** Where the removed state record was copied, or null. */
  stateFile: string | null;
  /** Not deleted: AgentCore's log group (logs stay readable until you delete it). */
  logGroup?: string;
}

/**
 * Look up what exists now and what would be lost.
 * @throws UsageError when no deployment is recorded or selected and no target flag is given.
 */
export async function planDestroy(ctx: OpsContext, options: { keepOutputs?: boolean }): Promise<DestroyPlan> {
  requireDeployment(ctx);
  const aws = ctx.aws();
  const state = stateMatches(ctx) ? ctx.state : undefined;
  const [stack, runtimeId] = await Promise.all([liveStack(ctx), runtimeIdOf(ctx)]);
  const runtime = runtimeId ? await runtimeStatus(aws, runtimeId) : undefined;
  const bucketName = stack?.outputs[STACK_OUTPUTS.bucket] ?? state?.bucket;
  const repositoryUri = stack?.outputs[STACK_OUTPUTS.repositoryUri] ?? state?.repositoryUri;
  const plan: DestroyPlan = { stateFile: state ? ctx.statePath : undefined };
  if (runtime) plan.runtime = { id: runtime.id, name: runtime.name, status: runtime.status };
  if (runtimeId) plan.logGroup = runtimeLogGroup(runtimeId);
  if (stack) plan.stack = { name: stackNameOf(ctx), id: stack.stackId, status: stack.status };
  if (bucketName && (await bucketExists(aws.s3(), bucketName))) {
    const versions = options.keepOutputs ? 0 : (await listAllVersions(aws.s3(), bucketName)).length;
    plan.bucket = { name: bucketName, objectVersions: versions, keep: Boolean(options.keepOutputs) };
  }
  if (repositoryUri) {
    const name = repositoryNameFromUri(repositoryUri);
    const images = await countImages(aws.ecr(), name);
    if (images !== undefined) plan.repository = { name, images };
  }
  return plan;
}

/** True when the plan deletes something in AWS. */
export function hasWork(plan: DestroyPlan): boolean {
  return Boolean(plan.runtime || plan.stack || (plan.bucket && !plan.bucket.keep) || plan.repository);
}

/** What will be deleted, one line per resource (for the confirmation and `--json` previews). */
export function describePlan(plan: DestroyPlan, stackName: string): string[] {
  const lines: string[] = [];
  if (plan.runtime) lines.push(`runtime ${plan.runtime.name} (${plan.runtime.id}, ${plan.runtime.status})`);
  if (plan.bucket) {
    lines.push(
      plan.bucket.keep
        ? `bucket ${plan.bucket.name}: KEPT (--keep-outputs)`
        : `bucket ${plan.bucket.name} with ${plan.bucket.objectVersions} object version(s) and delete marker(s)`,
    );
  }
  if (plan.repository) lines.push(`ECR repository ${plan.repository.name} with ${plan.repository.images} image(s)`);
  if (plan.stack) lines.push(`stack ${plan.stack.name} (${plan.stack.status})`);
  else lines.push(`stack ${stackName}: not found`);
  return lines;
}

/**
 * Ask for confirmation unless `yes`. The question says how many objects and images will be lost.
 * @throws UsageError naming `--yes` when not interactive; CliError (exit 130) when declined.
 */
export async function confirmDestroy(ctx: OpsContext, plan: DestroyPlan, yes: boolean): Promise<void> {
  if (yes || !hasWork(plan)) return;
  const objects = plan.bucket && !plan.bucket.keep ? plan.bucket.objectVersions : 0;
  const images = plan.repository?.images ?? 0;
  const question = `Destroy this deployment? ${objects} stored object(s) and ${images} image(s) will be lost`;
  const ok = await askConfirm(ctx.io, question, { flag: '--yes', default: false });
  if (!ok) throw new CliError('Cancelled: nothing was deleted.', { exitCode: ExitCode.Interrupted, code: 'CANCELLED' });
}

/**
 * Delete everything in the plan, in order: runtime (wait) → bucket → repository → stack.
 * @throws CliError (exit 3) when a deletion fails; what was already deleted stays deleted, and a
 *   re-run continues with what is left.
 */
export async function applyDestroy(ctx: OpsContext, plan: DestroyPlan, options: { keepOutputs?: boolean } = {}): Promise<DestroyResult> {
  const aws = ctx.aws();
  const result: DestroyResult = {
    runtime: 'absent',
    stack: 'absent',
    bucket: plan.bucket ? 'kept' : 'absent',
    bucketName: plan.bucket?.name,
    objectVersionsDeleted: 0,
    repository: 'absent',
    imagesDeleted: 0,
    stateFile: null,
    logGroup: plan.logGroup,
  };
  if (plan.runtime) {
    const progress = ctx.io.progress(`Deleting runtime ${plan.runtime.name}…`);
    await deleteRuntimeAndWait(aws, plan.runtime.id, {}, (s) => progress.update(`Deleting runtime ${plan.runtime!.name}: ${s}`));
    progress.succeed(`Runtime ${plan.runtime.name} deleted.`);
    result.runtime = 'deleted';
  }
  // Empty first (CloudFormation cannot delete a non-empty bucket or repository), delete the stack,
  // then delete what the stack did not (resources it retains, or that it never owned).
  if (plan.bucket && !options.keepOutputs) {
    const progress = ctx.io.progress(`Deleting every object version in bucket ${plan.bucket.name}…`);
    result.objectVersionsDeleted = await emptyBucket(aws.s3(), plan.bucket.name);
    progress.succeed(`Bucket ${plan.bucket.name} emptied (${result.objectVersionsDeleted} object versions).`);
  }
  if (plan.repository) {
    result.imagesDeleted = await deleteAllImages(aws.ecr(), plan.repository.name);
    ctx.io.info(`Deleted ${result.imagesDeleted} image(s) from ECR repository ${plan.repository.name}.`);
  }
  if (plan.stack) {
    await deleteStack(ctx, plan, options);
    result.stack = 'deleted';
  }
  if (plan.bucket && !options.keepOutputs) {
    result.objectVersionsDeleted += await deleteBucketAndContents(aws.s3(), plan.bucket.name);
    result.bucket = 'deleted';
  }
  if (plan.repository) {
    await deleteRepository(aws.ecr(), plan.repository.name);
    result.repository = 'deleted';
  }
  if (plan.stateFile && stateMatches(ctx)) result.stateFile = await removeState(plan.stateFile, ctx.state);
  return result;
}

async function deleteStack(ctx: OpsContext, plan: DestroyPlan, options: { keepOutputs?: boolean }): Promise<void> {
  const clients = ctx.aws();
  const stack = plan.stack!;
  const retain = options.keepOutputs && plan.bucket ? await logicalIdsOf(clients, stack.id, 'AWS::S3::Bucket', plan.bucket.name) : [];
  const progress = ctx.io.progress(`Deleting stack ${stack.name}…`);
  const onStatus = (s: string) => progress.update(`Deleting stack ${stack.name}: ${s}`);
  let outcome = await deleteStackAndWait(clients, stack.id, { displayName: stack.name }, {}, { onStatus });
  if (outcome.status === 'DELETE_FAILED' && retain.length > 0) {
    // A kept bucket that is not empty makes CloudFormation fail; retry keeping it.
    outcome = await deleteStackAndWait(clients, stack.id, { retain, displayName: stack.name }, {}, { onStatus });
  }
  if (outcome.status !== 'DELETE_COMPLETE') {
    progress.fail(`Stack ${stack.name}: ${outcome.status}`);
    throw new CliError(`Stack ${stack.name} could not be deleted: ${outcome.reason ?? outcome.status}.`, {
      hint: 'See the stack events in the CloudFormation console, fix the cause, then run `agentcore-claude destroy` again.',
      code: 'STACK_DELETE_FAILED',
    });
  }
  progress.succeed(`Stack ${stack.name} deleted.`);
}


export { stackNameOf };
