/**
 * One invocation from validated request to reply: session workspace, snapshot, agent run,
 * changed-file detection, upload, response. Streams progress through `emit`.
 */
import { randomUUID } from 'node:crypto';
import { sep } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { runAgent } from './agent-runner.js';
import { EventMapper, type AgentEvent } from './events.js';
import { agentEnvironment, type ModelAccess } from './model-access.js';
import { consoleUrl, outputPrefix } from './output-prefix.js';
import type { InvocationRequest } from './payload.js';
import { sessionInfo, type AgentResponse, type OutputLocation, type ResponseFile } from './response.js';
import { uploadFiles, type UploadedFile, type UploadError } from './uploader.js';
import { changedFiles, sessionDirs, snapshot, type ChangedFile } from './workspace.js';

export interface InvocationEnvironment {
  workspaceRoot: string;
  access: ModelAccess;
  /** Base environment for Claude Code (process.env). */
  env: NodeJS.ProcessEnv;
  /** S3 upload target; absent → files stay local. */
  s3?: { client: S3Client; bucket: string; region: string };
  executable?: string;
  /** Claude session id of each runtime session's latest run (for a later `resume`). */
  claudeSessions: Map<string, string>;
}

/** Run one invocation. Never throws for agent or upload failures: they are in the reply. */
export async function runInvocation(
  envt: InvocationEnvironment,
  request: InvocationRequest,
  runtimeSessionId: string,
  signal: AbortSignal,
  emit: (event: AgentEvent) => void,
): Promise<AgentResponse> {
  const invocationId = randomUUID();
  const startedAt = new Date();
  const dirs = await sessionDirs(envt.workspaceRoot, runtimeSessionId);
  emit({ type: 'start', runtime_session_id: runtimeSessionId, invocation_id: invocationId, workspace: dirs.workspace });
  const ids = { runtimeSessionId, invocationId, claudeSessionId: undefined as string | undefined };

  if (envt.access.kind === 'none') {
    return failed(ids, startedAt, dirs.workspace, 'error_no_model_access', `No model access: ${envt.access.reason}`, { reason: envt.access.reason });
  }

  const before = await snapshot(dirs.workspace);
  const mapper = new EventMapper(dirs.workspace);
  const run = await runAgent({
    prompt: request.prompt,
    cwd: dirs.workspace,
    env: agentEnvironment(envt.env, envt.access, dirs.configDir),
    permissionMode: request.permissionMode,
    allowedTools: request.allowedTools,
    maxTurns: request.maxTurns,
    model: request.model,
    signal,
    executable: envt.executable,
    onMessage: (message) => {
      for (const event of mapper.map(message)) emit(event);
    },
  });
  ids.claudeSessionId = run.claudeSessionId;
  if (run.claudeSessionId) envt.claudeSessions.set(runtimeSessionId, run.claudeSessionId);
  const changed = await changedFiles(dirs.workspace, before);
  const wallMs = Date.now() - startedAt.getTime();
  const session = sessionInfo(ids, run.result, wallMs);

  // A non-error result is a success even if the process then exited oddly (logged via stderr).
  if (!run.result || run.result.is_error) {
    const result = run.result;
    const subtype = failureSubtype(result, signal.aborted);
    const resultErrors = result && 'errors' in result ? result.errors : undefined;
    const resultText = result && 'result' in result && result.result ? result.result : undefined;
    const maxTurns = subtype === 'error_max_turns' ? `Stopped after reaching max_turns (${request.maxTurns})` : undefined;
    const message = resultText ?? maxTurns ?? (resultErrors?.length ? resultErrors.join('; ') : undefined) ?? run.failure?.message ?? 'Claude Code ended without a result';
    return {
      result: message,
      is_error: true,
      subtype,
      error: `Agent run failed (${subtype}): ${message}`,
      details: { reason: run.failure && resultText === undefined ? run.failure.message : message, stderr_tail: run.stderrTail, errors: resultErrors },
      session,
      files: changed.map((f) => localFile(f)),
      upload_errors: [],
      output: { location: 'local', path: dirs.workspace, reason: 'the run failed, so nothing was uploaded' },
    };
  }

  const text = 'result' in run.result ? run.result.result : '';
  let uploaded: UploadedFile[] = [];
  let uploadErrors: UploadError[] = [];
  let output: OutputLocation;
  if (envt.s3 && changed.length > 0) {
    const prefix = outputPrefix(startedAt, invocationId);
    emit({ type: 'upload', count: changed.length, destination: `s3://${envt.s3.bucket}/${prefix}` });
    ({ uploaded, errors: uploadErrors } = await uploadFiles(changed, {
      ...envt.s3,
      prefix,
      metadata: { 'runtime-session-id': runtimeSessionId, 'invocation-id': invocationId },
    }));
    output = { location: 's3', bucket: envt.s3.bucket, prefix, s3_url: `s3://${envt.s3.bucket}/${prefix}`, console_url: consoleUrl(envt.s3.bucket, prefix, envt.s3.region) };
  } else {
    output = {
      location: 'local',
      path: dirs.workspace,
      reason: envt.s3 ? 'no file was created or changed' : 'no output bucket is configured (OUTPUT_BUCKET_NAME)',
    };
  }
  const byName = new Map(uploaded.map((u) => [u.file_name, u]));
  return {
    result: text,
    is_error: false,
    subtype: run.result.subtype,
    session,
    files: changed.map((f) => localFile(f, byName.get(f.relativePath))),
    upload_errors: uploadErrors,
    output,
  };
}

/**
 * The reply's `subtype` for a failed run: the SDK result's error subtype (`error_max_turns`, …);
 * `error_result` for an error result the SDK labels `success` (e.g. the API refused the
 * credentials); `error_aborted` / `error_process` when no result came (aborted, process died).
 */
function failureSubtype(result: { subtype: string; is_error: boolean } | undefined, aborted: boolean): string {
  if (result?.is_error) return result.subtype === 'success' ? 'error_result' : result.subtype;
  return aborted ? 'error_aborted' : 'error_process';
}

function localFile(file: ChangedFile, uploaded?: UploadedFile): ResponseFile {
  return {
    file_name: file.relativePath.split(sep).join('/'),
    size: file.size,
    s3_url: uploaded?.s3_url ?? null,
    console_url: uploaded?.console_url ?? null,
    local_path: file.absolutePath,
  };
}

function failed(
  ids: { runtimeSessionId: string; invocationId: string; claudeSessionId?: string },
  startedAt: Date,
  workspace: string,
  subtype: string,
  message: string,
  details: { reason: string },
): AgentResponse {
  return {
    result: message,
    is_error: true,
    subtype,
    error: message,
    details,
    session: sessionInfo(ids, undefined, Date.now() - startedAt.getTime()),
    files: [],
    upload_errors: [],
    output: { location: 'local', path: workspace, reason: 'the run did not start' },
  };
}
