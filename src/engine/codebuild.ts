/**
 * `deploy --build codebuild`: the image step when the image is built in AWS instead of here.
 *
 *   build context (container/, .dockerignore honoured) → zip (modes kept) →
 *   s3://<bucket>/image-context/<tag>.zip (skipped when already there) →
 *   StartBuild of the stack's ImageBuildProject (source = that zip, IMAGE_TAG = <tag>) →
 *   follow: phases as progress lines, the build's CloudWatch log streamed → pushed <repo>:<tag>.
 *
 * Idempotent like the local build: the plan says `reuse` when ECR already has the tag, and then
 * nothing is zipped, uploaded or built.
 *
 * Ctrl-C while the build runs: the build is NOT stopped. It goes on in CodeBuild and pushes the
 * image; the interrupt message names the build id, how to follow it and how to stop it, and a
 * later `deploy` reuses the pushed image (or, while it still runs, starts another build of the
 * same tag: pushing the same content twice is harmless). Stopping it would need an AWS call in
 * the 1.5 s Ctrl-C allows and would throw away minutes of paid build work.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followBuild, startImageBuild } from '../aws/codebuild.js';
import { readStream, type StreamCursor } from '../aws/logs.js';
import { headObject, uploadFile } from '../aws/s3-code.js';
import { buildContextKey, buildFailedError, LOG_TAIL_LINES, phaseLines, type BuildStatusView } from '../core/codebuild.js';
import { CliError } from '../core/errors.js';
import { zipBuildContext } from '../io/build-context.js';
import type { AwsClients } from '../aws/clients.js';
import type { ApplyStep, StepOptions } from './deploy-state.js';

/** The image step for `--build codebuild` (see the module comment). */
export function codeBuildStep(options: StepOptions): ApplyStep {
  return {
    name: 'image',
    activity: () => undefined, // zipping and uploading stop with us; the build is reported once started
    async run(state, clients) {
      const { EcrRepositoryUri: repositoryUri, OutputBucketName: bucket, ImageBuildProjectName: projectName } = state.outputs;
      if (!repositoryUri) throw new CliError('The stack has no EcrRepositoryUri output.', { code: 'NO_REPOSITORY' });
      const image = state.plan.image!;
      state.imageUri = `${repositoryUri}:${image.tag}`;
      if (image.action === 'reuse') return;
      if (!bucket || !projectName) {
        throw new CliError(`The stack has no ${bucket ? 'ImageBuildProjectName' : 'OutputBucketName'} output: it has no CodeBuild project to build the image with.`, {
          hint: 'The stack parameter EnableCodeBuild adds it: run `agentcore-claude deploy --build codebuild` (with the template shipped with this version).',
          code: 'NO_BUILD_PROJECT',
        });
      }
      const key = buildContextKey(image.tag);
      const sourceVersion = await uploadContext(options, clients, bucket, key);
      await runBuild(options, clients, { projectName, sourceLocation: `${bucket}/${key}`, sourceVersion, imageTag: image.tag, imageUri: state.imageUri });
    },
  };
}

/**
 * Zip the build context and upload it, unless the bucket already has this tag's zip (an earlier, failed build).
 * @returns the version id of the zip to build (undefined in a bucket without versioning).
 */
async function uploadContext(options: StepOptions, clients: AwsClients, bucket: string, key: string): Promise<string | undefined> {
  const { io } = options;
  const location = `s3://${bucket}/${key}`;
  const existing = await headObject(clients.s3(), bucket, key);
  if (existing) {
    io.info(`Build context ${location} is already uploaded.`);
    return existing.versionId;
  }
  const work = await mkdtemp(join(tmpdir(), 'agentcore-claude-context-'));
  try {
    const zipPath = join(work, 'context.zip');
    const { files, bytes } = await zipBuildContext(options.contextDir, zipPath);
    const upload = io.progress(`Uploading the build context (${files} files, ${kib(bytes)} KiB) to ${location}…`);
    try {
      const { versionId } = await uploadFile(clients.s3(), bucket, key, zipPath, bytes, (loaded, total) => upload.update(`Uploading the build context to ${location}: ${kib(loaded)} / ${kib(total)} KiB…`));
      upload.succeed(`Uploaded the build context (${files} files, ${kib(bytes)} KiB) to ${location}`);
      return versionId;
    } catch (error) {
      upload.fail(`Upload of the build context to ${location} failed`);
      throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Start the build and follow it to its end; throws the failure (phase, reason, log tail) when it did not succeed. */
async function runBuild(
  options: StepOptions,
  clients: AwsClients,
  build: { projectName: string; sourceLocation: string; sourceVersion?: string; imageTag: string; imageUri: string },
): Promise<void> {
  const { io } = options;
  const started = await startImageBuild(clients, build);
  const id = started.id;
  options.onActivity?.(
    `CodeBuild build ${id} of ${build.imageUri}. It keeps running and pushes the image; a later \`agentcore-claude deploy\` reuses it. ` +
      `Follow it: aws codebuild batch-get-builds --ids ${id}; stop it: aws codebuild stop-build --id ${id}`,
  );
  const progress = io.progress(`CodeBuild ${build.projectName}: build ${id} ${started.currentPhase ?? 'SUBMITTED'}…`);
  const seen = { ended: 0 };
  const tail: string[] = [];
  let cursor: StreamCursor | undefined;
  const readLog = async (view: BuildStatusView): Promise<void> => {
    if (!view.logs) return;
    cursor ??= { logGroupName: view.logs.groupName, logStreamName: view.logs.streamName };
    const read = await readStream(clients.logs(), cursor);
    cursor = read.cursor;
    for (const message of read.messages) {
      for (const line of message.replace(/\r?\n$/, '').split(/\r?\n/)) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > LOG_TAIL_LINES) tail.shift();
        progress.log(`  │ ${line}`);
      }
    }
  };
  const report = async (view: BuildStatusView): Promise<void> => {
    for (const line of phaseLines(view, seen)) progress.log(`  CodeBuild ${line}`);
    if (view.currentPhase) progress.update(`CodeBuild ${build.projectName}: build ${id} ${view.currentPhase}…`);
    await readLog(view);
  };
  let final: BuildStatusView;
  try {
    await report(started);
    final = await followBuild(clients, id, options.waits, report);
    await readLog(final); // lines written after the last read
  } catch (error) {
    progress.fail(`CodeBuild build ${id}: not followed to its end`);
    throw error;
  }
  if (final.buildStatus !== 'SUCCEEDED') {
    progress.fail(`CodeBuild build ${id}: ${final.buildStatus ?? 'ended'}`);
    options.onActivity?.(undefined);
    throw buildFailedError(final, tail, build.imageUri);
  }
  options.onActivity?.(undefined);
  progress.succeed(`Built and pushed ${build.imageUri} (linux/arm64) in CodeBuild, build ${id}`);
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(0);
}
