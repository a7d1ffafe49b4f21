/**
 * CodeBuild calls of `deploy --build codebuild`: start a build of the stack's image-build project
 * on a build-context zip in S3 (StartBuild), and follow it until it ends (BatchGetBuilds read by
 * the one wait of wait.ts: exponential back-off with jitter, bounded by the deploy's deadline,
 * stoppable with an AbortSignal).
 */
import { createRequire } from 'node:module';
import type { Build } from '@aws-sdk/client-codebuild';
import { CliError } from '../core/errors.js';
import { isBuildComplete, type BuildStatusView } from '../core/codebuild.js';
import type { AwsClients } from './clients.js';
import { isNotFound, translateAwsError } from './aws-errors.js';
import { waitUntil, type WaitDefaults, type WaitOptions } from './wait.js';

const require = createRequire(import.meta.url);
const sdk = () => require('@aws-sdk/client-codebuild') as typeof import('@aws-sdk/client-codebuild');

export interface StartImageBuild {
  projectName: string;
  /** `bucket/key` of the build-context zip (the S3 source location format, no `s3://`). */
  sourceLocation: string;
  /**
   * The zip's S3 version id (StartBuild `sourceVersion`: "For Amazon S3: the version ID of the object
   * that represents the build input ZIP file to use"), so the build reads the object deploy uploaded
   * or checked, not whatever is at the key when the build reaches DOWNLOAD_SOURCE. Undefined in a
   * bucket without versioning.
   */
  sourceVersion?: string;
  /** The content tag, passed as the build's IMAGE_TAG variable. */
  imageTag: string;
}

/**
 * StartBuild with the zip as the source (`sourceTypeOverride: S3`, `sourceLocationOverride`) and
 * `IMAGE_TAG` (a PLAINTEXT environment variable override; the project holds REPOSITORY_URI).
 * @returns the build as StartBuild reports it (id, status, phases so far).
 * @throws CliError `NO_BUILD_PROJECT` when the project does not exist; translated AWS errors otherwise.
 */
export async function startImageBuild(clients: AwsClients, request: StartImageBuild): Promise<BuildStatusView> {
  const { StartBuildCommand } = sdk();
  try {
    const out = await clients.codeBuild().send(
      new StartBuildCommand({
        projectName: request.projectName,
        sourceTypeOverride: 'S3',
        sourceLocationOverride: request.sourceLocation,
        ...(request.sourceVersion ? { sourceVersion: request.sourceVersion } : {}),
        environmentVariablesOverride: [{ name: 'IMAGE_TAG', value: request.imageTag, type: 'PLAINTEXT' }],
      }),
    );
    if (!out.build?.id) throw new CliError(`CodeBuild StartBuild of ${request.projectName} returned no build.`, { code: 'CODEBUILD_NO_BUILD' });
    return view(out.build);
  } catch (error) {
    if (isNotFound(error)) {
      throw new CliError(`CodeBuild project ${request.projectName} does not exist.`, {
        hint: 'Run `agentcore-claude deploy --build codebuild` again: it adds the project to the stack (parameter EnableCodeBuild).',
        code: 'NO_BUILD_PROJECT',
        cause: error,
      });
    }
    throw translateAwsError(error, 'codebuild:StartBuild', `Cannot start a build of ${request.projectName}`);
  }
}

/**
 * BatchGetBuilds of one build.
 * @throws CliError when CodeBuild does not know the id, or refuses the call.
 */
export async function getBuild(clients: AwsClients, id: string, signal?: AbortSignal): Promise<BuildStatusView> {
  const { BatchGetBuildsCommand } = sdk();
  let out;
  try {
    out = await clients.codeBuild().send(new BatchGetBuildsCommand({ ids: [id] }), { abortSignal: signal });
  } catch (error) {
    throw translateAwsError(error, 'codebuild:BatchGetBuilds', `Cannot read build ${id}`);
  }
  const build = out.builds?.find((b) => b.id === id);
  if (!build) throw new CliError(`CodeBuild does not know build ${id}.`, { code: 'CODEBUILD_NO_BUILD' });
  return view(build);
}

/** Delays between two reads of a build, in seconds (1 s, growing to 5 s); 30 minutes at most without a deadline. */
export const BUILD_WAIT: WaitDefaults = { minDelay: 1, maxDelay: 5, timeoutMs: 30 * 60_000 };

/**
 * Read the build until it is complete (`buildComplete`), calling `onRead` after every read
 * (awaited before the next one: report phases, read the log).
 * @returns the complete build, whatever its status (the caller decides what a failure means).
 * @throws CliError `TIMEOUT` when the deadline passes first (the build goes on in CodeBuild),
 *   `INTERRUPTED` when `wait.signal` aborts.
 */
export async function followBuild(clients: AwsClients, id: string, wait: WaitOptions, onRead: (build: BuildStatusView) => Promise<void>): Promise<BuildStatusView> {
  let last: BuildStatusView | undefined;
  const check = async () => {
    last = await getBuild(clients, id, wait.signal);
    await onRead(last);
    return isBuildComplete(last) ? last : undefined;
  };
  const timeout = () =>
    new CliError(`Timed out following CodeBuild build ${id}${last?.currentPhase ? ` (in phase ${last.currentPhase})` : ''}; it goes on in CodeBuild.`, {
      hint: `Follow it with \`aws codebuild batch-get-builds --ids ${id}\`; once it succeeded, \`agentcore-claude deploy\` reuses its image. Or raise --timeout.`,
      code: 'TIMEOUT',
    });
  try {
    return await waitUntil(check, wait, BUILD_WAIT, timeout);
  } catch (error) {
    if (wait.signal?.aborted && !(error instanceof CliError)) throw new CliError(`Stopped following build ${id}.`, { code: 'INTERRUPTED' });
    throw error;
  }
}

/** The parts of a CodeBuild `Build` deploy reads. */
function view(build: Build): BuildStatusView {
  return {
    id: build.id!,
    buildStatus: build.buildStatus,
    currentPhase: build.currentPhase,
    phases: (build.phases ?? []).map((phase) => ({
      phaseType: phase.phaseType ?? 'UNKNOWN',
      phaseStatus: phase.phaseStatus,
      durationInSeconds: phase.durationInSeconds,
      contexts: (phase.contexts ?? []).map((context) => ({ statusCode: context.statusCode, message: context.message })),
    })),
    logs: build.logs?.groupName && build.logs.streamName ? { groupName: build.logs.groupName, streamName: build.logs.streamName, deepLink: build.logs.deepLink } : undefined,
    buildComplete: build.buildComplete,
  };
}
