/**
 * Image builds in AWS (`deploy --build codebuild`), the pure part: build modes, where the build
 * context goes, and how a CodeBuild build's phases and outcome are told to the user.
 *
 * CodeBuild facts used here (CodeBuild API Reference, `Build` and `BuildPhase`): a build goes
 * through the phases SUBMITTED, QUEUED, PROVISIONING, DOWNLOAD_SOURCE, INSTALL, PRE_BUILD, BUILD,
 * POST_BUILD, UPLOAD_ARTIFACTS, FINALIZING, COMPLETED; each phase ends with a `phaseStatus`
 * (SUCCEEDED, FAILED, FAULT, TIMED_OUT, STOPPED, …) and `contexts` (`statusCode`, `message`) that
 * say why; `buildComplete` is true once it has ended; `buildStatus` is then SUCCEEDED, FAILED,
 * FAULT, TIMED_OUT or STOPPED; `logs.groupName`/`streamName` name its CloudWatch Logs stream.
 */
import { CliError, ExitCode } from './errors.js';

/** Where the container image is built: `local` (Docker buildx here) or `codebuild` (the stack's CodeBuild project). */
export const BUILD_MODES = ['local', 'codebuild'] as const;
export type BuildMode = (typeof BUILD_MODES)[number];
export const DEFAULT_BUILD_MODE: BuildMode = 'local';

/** Key prefix of the build-context zips in the stack's bucket (the build role may read only these). */
export const BUILD_CONTEXT_PREFIX = 'image-context/';

/** Object key of the build-context zip of a content tag. */
export function buildContextKey(tag: string): string {
  return `${BUILD_CONTEXT_PREFIX}${tag}.zip`;
}

/** Lines of the build's log shown when it fails. */
export const LOG_TAIL_LINES = 20;

/** A build as deploy reads it (a subset of CodeBuild's `Build`). */
export interface BuildStatusView {
  id: string;
  buildStatus?: string;
  currentPhase?: string;
  phases: Array<{ phaseType: string; phaseStatus?: string; durationInSeconds?: number; contexts: Array<{ statusCode?: string; message?: string }> }>;
  logs?: { groupName: string; streamName: string; deepLink?: string };
  buildComplete?: boolean;
}

/** True once the build has ended (`buildComplete`, or an end status when that field is absent). */
export function isBuildComplete(build: BuildStatusView): boolean {
  if (build.buildComplete !== undefined) return build.buildComplete;
  return build.buildStatus !== undefined && build.buildStatus !== 'IN_PROGRESS';
}

/**
 * Progress lines for the phases that ended since the last read (with status and duration), in
 * order; several can end between two reads. `seen.ended` counts the phases already told.
 */
export function phaseLines(build: BuildStatusView, seen: { ended: number }): string[] {
  const lines: string[] = [];
  const ended = build.phases.filter((phase) => phase.phaseStatus !== undefined && phase.phaseStatus !== 'IN_PROGRESS');
  for (const phase of ended.slice(seen.ended)) {
    const duration = phase.durationInSeconds !== undefined ? ` in ${phase.durationInSeconds} s` : '';
    lines.push(`${phase.phaseType} ${phase.phaseStatus}${duration}`);
  }
  seen.ended = Math.max(seen.ended, ended.length);
  return lines;
}

/** The phase that failed: the first with a status other than SUCCEEDED/IN_PROGRESS, with its contexts' messages. */
export function failedPhase(build: BuildStatusView): { phaseType: string; phaseStatus: string; message?: string } | undefined {
  const phase = build.phases.find((p) => p.phaseStatus !== undefined && p.phaseStatus !== 'SUCCEEDED' && p.phaseStatus !== 'IN_PROGRESS');
  if (!phase) return undefined;
  const message = phase.contexts
    .map((context) => [context.statusCode, context.message].filter(Boolean).join(': '))
    .filter(Boolean)
    .join('; ');
  return { phaseType: phase.phaseType, phaseStatus: phase.phaseStatus!, message: message || undefined };
}

/**
 * The error for a build that ended without SUCCEEDED: the failed phase and why, then the last
 * {@link LOG_TAIL_LINES} lines of its log. Exit 1: a deploy step that failed in AWS.
 */
export function buildFailedError(build: BuildStatusView, logTail: readonly string[], image: string): CliError {
  const failed = failedPhase(build);
  const where = failed ? `in phase ${failed.phaseType} (${failed.phaseStatus}${failed.message ? `: ${failed.message}` : ''})` : `with status ${build.buildStatus ?? 'unknown'}`;
  const tail = logTail.length ? `\nLast ${logTail.length} lines of the build log:\n${logTail.map((line) => `  │ ${line}`).join('\n')}` : '';
  const log = build.logs ? ` (whole log: CloudWatch Logs ${build.logs.groupName}, stream ${build.logs.streamName})` : '';
  return new CliError(`CodeBuild build ${build.id} of ${image} failed ${where}${log}.${tail}`, {
    exitCode: ExitCode.AgentError,
    hint: 'Fix the cause shown above (the Dockerfile and build context are the ones a local `docker build` uses), then run `agentcore-claude deploy --build codebuild` again; the runtime was not changed.',
    code: 'CODEBUILD_FAILED',
  });
}
